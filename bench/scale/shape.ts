// The cluster of issue 13, shaped like the largest real ones: 5,000 namespaces, 13,000 Deployments
// with their ReplicaSets and 128,000 pods owned by those ReplicaSets, 20 DaemonSets with one pod on
// each of 1,000 nodes, 2,000 bare pods (150,000 pods in all), 50 PSPs and the RBAC of the large
// generated cluster. `scale` shrinks every count but the PSPs and DaemonSets. Deterministic.
import type { RawObject } from '../../lib/sources/to-model';
import { generateLargeCluster, LARGE_CLUSTER, type LargeClusterSize } from '../../lib/testing/large-cluster';
import { seededRandom } from '../../lib/testing/prng';

export interface ScaleShape {
  namespaces: number;
  deployments: number;
  replicaSetPods: number;
  daemonSets: number;
  nodes: number;
  barePods: number;
  /** The large generated cluster's RBAC, PSPs, ServiceAccounts and namespaces, scaled. */
  rbac: LargeClusterSize;
}

export function shapeAt(scale: number): ScaleShape {
  const n = (x: number) => Math.max(1, Math.round(x * scale));
  const rbac: LargeClusterSize = {
    psps: LARGE_CLUSTER.psps,
    clusterRoles: n(LARGE_CLUSTER.clusterRoles), roles: n(LARGE_CLUSTER.roles), clusterRoleBindings: n(LARGE_CLUSTER.clusterRoleBindings),
    roleBindings: n(LARGE_CLUSTER.roleBindings), serviceAccounts: n(LARGE_CLUSTER.serviceAccounts), namespaces: n(LARGE_CLUSTER.namespaces),
  };
  return { namespaces: n(5_000), deployments: n(13_000), replicaSetPods: n(128_000), daemonSets: 20, nodes: n(1_000), barePods: n(2_000), rbac };
}

export const totalPods = (s: ScaleShape) => s.replicaSetPods + s.daemonSets * s.nodes + s.barePods;

/** A pod template: what PSP reads repeats (a dozen security shapes), what it does not (images, env, labels) differs per app. */
export interface Template {
  labels: Record<string, string>;
  spec: Record<string, unknown>;
}

const SECURITY_SHAPES: { pod?: object; container?: object; volumes?: object[]; hostNetwork?: boolean }[] = [
  {},
  {},
  { container: { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } },
  { pod: { runAsUser: 1000, fsGroup: 2000 }, container: { allowPrivilegeEscalation: false } },
  { container: { readOnlyRootFilesystem: true, runAsUser: 1000 } },
  { container: { runAsUser: 0 } },
  { container: { capabilities: { add: ['NET_ADMIN'] } } },
  { container: { privileged: true } },
  { volumes: [{ name: 'logs', hostPath: { path: '/var/log' } }] },
  { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] },
  { pod: { runAsNonRoot: true }, container: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } },
  { hostNetwork: true, container: { privileged: true } },
];

export function templateFor(app: string, rnd: () => number, serviceAccountName: string, shape = SECURITY_SHAPES[Math.floor(rnd() * SECURITY_SHAPES.length)]): Template {
  const containers = Array.from({ length: rnd() < 0.2 ? 2 : 1 }, (_, i) => ({
    name: i === 0 ? 'app' : 'sidecar',
    image: `registry.example.com/${app}${i ? '-sidecar' : ''}:${1 + Math.floor(rnd() * 40)}.${Math.floor(rnd() * 10)}`,
    ...(shape.hostNetwork ? {} : { ports: [{ containerPort: 8080, protocol: 'TCP' }] }),
    env: [{ name: 'APP', value: app }, { name: 'LOG_LEVEL', value: rnd() < 0.5 ? 'info' : 'debug' }],
    resources: { requests: { cpu: '100m', memory: '128Mi' } },
    ...(shape.container ? { securityContext: shape.container } : {}),
    ...(shape.volumes ? { volumeMounts: shape.volumes.map((v) => ({ name: (v as { name: string }).name, mountPath: `/mnt/${(v as { name: string }).name}` })) } : {}),
  }));
  return {
    labels: { app, team: `team-${Math.floor(rnd() * 200)}` },
    spec: {
      serviceAccountName,
      ...(shape.hostNetwork ? { hostNetwork: true } : {}),
      ...(shape.pod ? { securityContext: shape.pod } : {}),
      containers,
      ...(shape.volumes ? { volumes: shape.volumes } : {}),
    },
  };
}

/** Namespaces, ServiceAccounts, PSPs and RBAC: the large cluster's (scaled), plus namespaces `team-NNNN` up to the count, each with its `default` account. */
export function policyObjects(shape: ScaleShape): { objects: RawObject[]; namespaces: string[]; accounts: Map<string, string[]> } {
  const objects = generateLargeCluster(shape.rbac);
  const namespaces = objects.filter((o) => o.kind === 'Namespace').map((o) => (o.metadata as { name: string }).name);
  for (let i = namespaces.length; i < shape.namespaces; i++) {
    const name = `team-${String(i).padStart(4, '0')}`;
    namespaces.push(name);
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    objects.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } });
  }
  const accounts = new Map<string, string[]>(namespaces.map((n) => [n, []]));
  for (const o of objects) if (o.kind === 'ServiceAccount') accounts.get((o.metadata as { namespace: string }).namespace)!.push((o.metadata as { name: string }).name);
  return { objects, namespaces, accounts };
}

export interface AppPlan {
  namespace: string;
  name: string;
  template: Template;
  replicas: number;
}

/** The Deployments (each with one ReplicaSet), spread over the namespaces, with the ReplicaSet pods shared out among them. */
export function deploymentPlan(shape: ScaleShape, namespaces: string[], accounts: Map<string, string[]>, seed = 13): AppPlan[] {
  const rnd = seededRandom(seed);
  const base = Math.floor(shape.replicaSetPods / shape.deployments);
  let extra = shape.replicaSetPods - base * shape.deployments;
  return Array.from({ length: shape.deployments }, (_, i) => {
    const namespace = namespaces[i % namespaces.length];
    const own = accounts.get(namespace)!;
    const sa = own.length > 1 && rnd() < 0.5 ? own[1 + Math.floor(rnd() * (own.length - 1))] : 'default';
    const name = `app-${i}`;
    const replicas = base + (extra-- > 0 ? 1 : 0);
    return { namespace, name, template: templateFor(name, rnd, sa), replicas };
  });
}

/** DaemonSets run in kube-system as node agents: host network, host paths, privileged. */
export function daemonSetPlan(shape: ScaleShape, seed = 20): AppPlan[] {
  const rnd = seededRandom(seed);
  return Array.from({ length: shape.daemonSets }, (_, i) => ({
    namespace: 'kube-system', name: `agent-${i}`, replicas: shape.nodes,
    template: templateFor(`agent-${i}`, rnd, 'default', SECURITY_SHAPES[[7, 8, 11][i % 3]]),
  }));
}

/** Bare pods (no owner) over the namespaces. */
export function barePodPlan(shape: ScaleShape, namespaces: string[], accounts: Map<string, string[]>, seed = 21): AppPlan[] {
  const rnd = seededRandom(seed);
  return Array.from({ length: shape.barePods }, (_, i) => {
    const namespace = namespaces[(i * 7) % namespaces.length];
    const own = accounts.get(namespace)!;
    return { namespace, name: `debug-${i}`, template: templateFor(`debug-${i}`, rnd, own[Math.floor(rnd() * own.length)] ?? 'default'), replicas: 1 };
  });
}

export const nodeName = (i: number) => `node-${String(i).padStart(4, '0')}`;

/** A pod as its controller (or a user) creates it, with `kubernetes.io/psp` left to admission. */
export function podOf(plan: AppPlan, name: string, owner?: { apiVersion: string; kind: string; name: string; uid: string }, node?: string, extraLabels: Record<string, string> = {}): RawObject {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name, namespace: plan.namespace, labels: { ...plan.template.labels, ...extraLabels },
      ...(owner ? { ownerReferences: [{ ...owner, controller: true, blockOwnerDeletion: true }] } : {}),
    },
    spec: { ...plan.template.spec, ...(node ? { nodeName: node } : {}) },
  };
}
