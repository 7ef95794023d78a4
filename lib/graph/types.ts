import type { ModelWarning } from '../model/types';

export type GraphNodeKind =
  | 'PodSecurityPolicy'
  | 'ClusterRole'
  | 'Role'
  | 'ClusterRoleBinding'
  | 'RoleBinding'
  | 'Group'
  | 'User'
  | 'ServiceAccount'
  /** Stands for children hidden to keep the graph small: "+N subjects". */
  | 'Collapsed';

/** Layers, left to right. */
export const LAYER: Record<GraphNodeKind, number> = {
  PodSecurityPolicy: 0,
  ClusterRole: 1,
  Role: 1,
  ClusterRoleBinding: 2,
  RoleBinding: 2,
  Group: 3,
  User: 3,
  ServiceAccount: 3,
  Collapsed: -1,
};

export interface GraphNode {
  /** `Kind/namespace/name`: the object key, also for subjects (`Group//system:masters`). */
  id: string;
  kind: GraphNodeKind;
  name: string;
  namespace?: string;
  /** PSP: has critical privileged settings. */
  privileged?: boolean;
  /** Role: grants use through a `*` or empty resourceNames. */
  wildcard?: boolean;
  /** The object is referred to but does not exist (a PSP named in resourceNames, a ServiceAccount). */
  missing?: boolean;
  /** Collapsed: how many children it stands for, what kind, and whose. */
  count?: number;
  childKind?: 'subjects' | 'bindings' | 'roles';
  parent?: string;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  /** PSP → role through a wildcard rule. */
  wildcard?: boolean;
  /** Role → RoleBinding: the grant applies only to pods in this namespace. */
  namespace?: string;
}

export interface GraphOptions {
  /** Show roles that grant use only through `*` or empty resourceNames (default true). */
  includeWildcard?: boolean;
  /** Only the chains of this PSP. */
  psp?: string;
  /** Only grants effective in this namespace: ClusterRoleBindings and RoleBindings in it. */
  namespace?: string;
  /** Only chains ending at subjects whose name contains this (or whose id equals it). */
  subject?: string;
  /** Free text: nodes whose name contains it, with everything up- and downstream of them. */
  q?: string;
  /** A node id: only its neighbourhood (everything up- and downstream). */
  focus?: string;
  /** Upper bound of rendered nodes (default 1000). */
  maxNodes?: number;
  /** Children shown per parent before the rest collapse (default 25). */
  groupLimit?: number;
  /** Parents whose "+N" group was opened: all their children show, whatever the limits. */
  expand?: string[];
}

export interface PolicyGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Nodes after filtering, before collapsing. */
  total: number;
  /** Nodes not rendered because their group collapsed. */
  hidden: number;
  warnings: ModelWarning[];
}

export interface XY {
  x: number;
  y: number;
}

/** Where each node goes (top-left corners), or why it could not be laid out. */
export type GraphLayout = { positions: Record<string, XY>; width: number; height: number } | { error: string };

/** The chain graph PSP → role → binding → subject, laid out. */
export interface ChainScene extends PolicyGraph {
  view: 'chains';
  layout: GraphLayout;
}

/** One PSP of the overview: who is granted it, counted, and whether that reaches everyone. */
export interface PspCard {
  id: string;
  name: string;
  privileged?: boolean;
  missing?: boolean;
  roles: number;
  wildcardRoles: number;
  bindings: number;
  subjects: { groups: number; users: number; serviceAccounts: number };
  /** Namespaces where some subject may use it through a RoleBinding. */
  namespaces: number;
  /** Granted through at least one ClusterRoleBinding: usable in every namespace. */
  clusterWide: boolean;
  /** Subjects whose grant reaches far beyond them (system:authenticated, system:serviceaccounts, …). */
  broadSubjects: string[];
}

/** The first view of a graph too large to read as chains: one card per PSP. */
export interface OverviewScene {
  view: 'overview';
  cards: PspCard[];
  /** Nodes of the chain graph the cards stand for. */
  total: number;
  /** The chain graph's size had it been drawn (nodes after collapsing). */
  chainNodes: number;
  warnings: ModelWarning[];
}

export type GraphScene = ChainScene | OverviewScene;

/** Which view a request asks for: `auto` draws chains when they are readable, the overview otherwise. */
export type GraphViewMode = 'auto' | 'chains' | 'overview';
