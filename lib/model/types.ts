/**
 * The plain data model of a cluster, as every source (live, snapshot file, demo) produces it.
 * Wire shapes are kept close to the Kubernetes API so that the YAML we show is the object itself;
 * everything here is JSON-serialisable so it can cross to the browser or a worker.
 */

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion?: string; kind: string; name: string; uid?: string; controller?: boolean }[];
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
}

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export type RoleKind = 'Role' | 'ClusterRole';
export type BindingKind = 'RoleBinding' | 'ClusterRoleBinding';
export type SubjectKind = 'User' | 'Group' | 'ServiceAccount';

export interface Role extends KubeObject {
  kind: RoleKind;
  rules: PolicyRule[];
  aggregationRule?: { clusterRoleSelectors?: LabelSelector[] };
}

/**
 * A binding subject. `apiGroup` and `namespace` are optional on the wire: the API server defaults
 * `apiGroup: rbac.authorization.k8s.io` on User and Group, and ServiceAccount subjects of a
 * RoleBinding may omit `namespace` (it then means the binding's namespace).
 */
export interface Subject {
  kind: SubjectKind | string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

export interface RoleRef {
  apiGroup?: string;
  kind: RoleKind | string;
  name: string;
}

export interface Binding extends KubeObject {
  kind: BindingKind;
  roleRef: RoleRef;
  subjects: Subject[];
}

export interface IdRange {
  min: number;
  max: number;
}

export interface RuleWithRanges {
  rule: string;
  ranges?: IdRange[];
}

export interface PspSpec {
  privileged?: boolean;
  defaultAddCapabilities?: string[];
  requiredDropCapabilities?: string[];
  allowedCapabilities?: string[];
  volumes?: string[];
  hostNetwork?: boolean;
  hostPorts?: IdRange[];
  hostPID?: boolean;
  hostIPC?: boolean;
  seLinux?: { rule: string; seLinuxOptions?: Record<string, string> };
  runAsUser?: RuleWithRanges;
  runAsGroup?: RuleWithRanges;
  supplementalGroups?: RuleWithRanges;
  fsGroup?: RuleWithRanges;
  readOnlyRootFilesystem?: boolean;
  defaultAllowPrivilegeEscalation?: boolean;
  allowPrivilegeEscalation?: boolean;
  allowedHostPaths?: { pathPrefix?: string; readOnly?: boolean }[];
  allowedFlexVolumes?: { driver: string }[];
  allowedCSIDrivers?: { name: string }[];
  allowedUnsafeSysctls?: string[];
  forbiddenSysctls?: string[];
  allowedProcMountTypes?: string[];
  runtimeClass?: { allowedRuntimeClassNames: string[]; defaultRuntimeClassName?: string };
}

export interface Psp extends KubeObject {
  kind: 'PodSecurityPolicy';
  spec: PspSpec;
}

export interface ServiceAccount extends KubeObject {
  kind: 'ServiceAccount';
}

export interface Namespace extends KubeObject {
  kind: 'Namespace';
}

export const WORKLOAD_KINDS = ['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'Job', 'CronJob', 'ReplicationController', 'Pod'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** A pod-creating object. `spec` is kept whole: the pod template is what admission would see. */
export interface Workload extends KubeObject {
  kind: WorkloadKind;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec: Record<string, any>;
}

export type SourceKind = 'live' | 'snapshot' | 'demo';

export interface SourceInfo {
  kind: SourceKind;
  /** kubeconfig context, snapshot path(s), or "demo". */
  name: string;
  serverVersion?: string;
  /** Whether `policy/v1beta1` PodSecurityPolicies are served (false on v1.25+). */
  pspApiServed: boolean;
  /**
   * live: the cache is fed by watches; syncing: the first LIST is under way; degraded: some kinds
   * cannot be read; unreachable: the API server does not answer; static: a file.
   */
  state: 'live' | 'syncing' | 'degraded' | 'unreachable' | 'static';
  /** Why the state is not `live` (which kinds, what failed), when there is something to say. */
  stateReason?: string;
  readOnly: boolean;
  /** Why this source was chosen, when it was not asked for (the demo when no kubeconfig exists). */
  note?: string;
}

export type WarningCode =
  | 'dangling-role-ref'
  | 'missing-service-account'
  | 'missing-psp'
  | 'sa-subject-without-namespace'
  | 'unknown-kind'
  | 'list-forbidden'
  | 'list-failed'
  | 'no-psp-api';

export interface ModelWarning {
  code: WarningCode;
  message: string;
  /** The object keys involved (see objectKey). */
  objects?: string[];
}

export interface ClusterModel {
  source: SourceInfo;
  psps: Psp[];
  clusterRoles: Role[];
  roles: Role[];
  clusterRoleBindings: Binding[];
  roleBindings: Binding[];
  serviceAccounts: ServiceAccount[];
  namespaces: Namespace[];
  workloads: Workload[];
  /** Problems of reading the source (forbidden lists, skipped kinds); grant problems are computed. */
  warnings: ModelWarning[];
}
