import type { RawObject } from '../sources/to-model';
import { seededRandom } from './prng';

/**
 * A large cluster for benchmarks, shaped like the big real one in landscape.md: 50 PSPs,
 * 720 ClusterRoles, 1,370 Roles, 680 ClusterRoleBindings, 4,500 RoleBindings, 10,000
 * ServiceAccounts, 500 namespaces. Deterministic: the same seed gives the same objects.
 */
export interface LargeClusterSize {
  psps: number;
  clusterRoles: number;
  roles: number;
  clusterRoleBindings: number;
  roleBindings: number;
  serviceAccounts: number;
  namespaces: number;
}

export const LARGE_CLUSTER: LargeClusterSize = {
  psps: 50, clusterRoles: 720, roles: 1370, clusterRoleBindings: 680, roleBindings: 4500, serviceAccounts: 10_000, namespaces: 500,
};

const RBAC = 'rbac.authorization.k8s.io/v1';

export function generateLargeCluster(size: LargeClusterSize = LARGE_CLUSTER, seed = 42): RawObject[] {
  const rnd = seededRandom(seed);
  const pick = <T,>(list: T[]) => list[Math.floor(rnd() * list.length)];
  const objs: RawObject[] = [];
  const ns = Array.from({ length: size.namespaces }, (_, i) => `ns-${String(i).padStart(3, '0')}`);
  for (const n of ns) objs.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n } });
  const sasByNs = new Map<string, string[]>(ns.map((n) => [n, []]));
  for (let i = 0; i < size.serviceAccounts; i++) {
    const n = ns[i % ns.length];
    const name = i < ns.length ? 'default' : `sa-${i}`;
    sasByNs.get(n)!.push(name);
    objs.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: n } });
  }
  const psps = Array.from({ length: size.psps }, (_, i) => `psp-${String(i).padStart(2, '0')}`);
  psps.forEach((name, i) => {
    const privileged = i % 5 === 0;
    objs.push({
      apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: { name },
      spec: privileged
        ? { privileged: true, hostNetwork: true, volumes: ['*'], allowedCapabilities: ['*'], runAsUser: { rule: 'RunAsAny' }, seLinux: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' } }
        : { privileged: false, allowPrivilegeEscalation: false, requiredDropCapabilities: ['ALL'], volumes: ['configMap', 'secret', 'emptyDir', 'projected'], runAsUser: { rule: 'MustRunAsNonRoot' }, seLinux: { rule: 'RunAsAny' }, fsGroup: { rule: 'MustRunAs', ranges: [{ min: 1, max: 65535 }] }, supplementalGroups: { rule: 'MustRunAs', ranges: [{ min: 1, max: 65535 }] } },
    });
  });
  const useRule = (names: string[]) => ({ apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['use'], resourceNames: names });
  const ordinary = () => ({ apiGroups: [pick(['', 'apps', 'batch', 'networking.k8s.io'])], resources: [pick(['pods', 'deployments', 'jobs', 'services', 'configmaps'])], verbs: ['get', 'list', 'watch'] });
  const clusterRoles: string[] = [];
  for (let i = 0; i < size.clusterRoles; i++) {
    const name = `cr-${i}`;
    clusterRoles.push(name);
    const kind = i % 6; // one in six grants PSPs; a few grant everything
    const rules = i < 4 ? [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]
      : kind === 0 ? [ordinary(), useRule([pick(psps), pick(psps)])]
      : [ordinary(), ordinary()];
    objs.push({ apiVersion: RBAC, kind: 'ClusterRole', metadata: { name }, rules });
  }
  const rolesByNs = new Map<string, string[]>(ns.map((n) => [n, []]));
  for (let i = 0; i < size.roles; i++) {
    const n = pick(ns);
    const name = `role-${i}`;
    rolesByNs.get(n)!.push(name);
    const rules = i % 4 === 0 ? [useRule([pick(psps)])] : [ordinary()];
    objs.push({ apiVersion: RBAC, kind: 'Role', metadata: { name, namespace: n }, rules });
  }
  const subject = (n: string) => {
    const r = rnd();
    if (r < 0.7) return { kind: 'ServiceAccount', name: pick(sasByNs.get(n)!), namespace: n };
    if (r < 0.85) return { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: `system:serviceaccounts:${n}` };
    return { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: `user-${Math.floor(rnd() * 300)}@example.com` };
  };
  for (let i = 0; i < size.clusterRoleBindings; i++) {
    const subjects = Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => subject(pick(ns)));
    objs.push({ apiVersion: RBAC, kind: 'ClusterRoleBinding', metadata: { name: `crb-${i}` }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: pick(clusterRoles) }, subjects });
  }
  for (let i = 0; i < size.roleBindings; i++) {
    const n = pick(ns);
    const local = rolesByNs.get(n)!;
    const toRole = local.length > 0 && rnd() < 0.5;
    const subjects = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => subject(n));
    objs.push({
      apiVersion: RBAC, kind: 'RoleBinding', metadata: { name: `rb-${i}`, namespace: n },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: toRole ? 'Role' : 'ClusterRole', name: toRole ? pick(local) : pick(clusterRoles) },
      subjects,
    });
  }
  return objs;
}

/**
 * Workloads for the large cluster: `count` Deployments, DaemonSets, StatefulSets, Jobs, CronJobs and
 * bare Pods spread over its namespaces, running as the namespaces' service accounts, with security
 * contexts from harmless to privileged. Deterministic, like the cluster itself.
 */
export function generateLargeClusterWorkloads(size: LargeClusterSize = LARGE_CLUSTER, count = 5000, seed = 7): RawObject[] {
  const rnd = seededRandom(seed);
  const pick = <T,>(list: readonly T[]) => list[Math.floor(rnd() * list.length)];
  const accountsPerNamespace = Math.max(1, Math.floor(size.serviceAccounts / size.namespaces));
  // The cluster names account i `default` (the first of each namespace) or `sa-<i>`, in namespace i mod namespaces.
  const accountOf = (n: number) => {
    const j = Math.floor(rnd() * accountsPerNamespace);
    return j === 0 ? 'default' : `sa-${n + j * size.namespaces}`;
  };
  const contexts = [
    {}, {}, { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    { privileged: true }, { runAsUser: 0 }, { capabilities: { add: ['NET_ADMIN'] } }, { readOnlyRootFilesystem: true, runAsUser: 1000 },
  ];
  const kinds = [
    ['apps/v1', 'Deployment'], ['apps/v1', 'Deployment'], ['apps/v1', 'Deployment'], ['apps/v1', 'DaemonSet'],
    ['apps/v1', 'StatefulSet'], ['batch/v1', 'Job'], ['batch/v1', 'CronJob'], ['v1', 'Pod'],
  ] as const;
  const out: RawObject[] = [];
  for (let i = 0; i < count; i++) {
    const n = i % size.namespaces;
    const namespace = `ns-${String(n).padStart(3, '0')}`;
    const [apiVersion, kind] = pick(kinds);
    const hostPath = rnd() < 0.1;
    const podSpec = {
      serviceAccountName: accountOf(n),
      ...(rnd() < 0.05 ? { hostNetwork: true } : {}),
      containers: [{ name: 'app', image: `registry.example.com/app-${i % 97}:1.0`, ports: [{ containerPort: 8080 }], securityContext: pick(contexts) }],
      volumes: [hostPath ? { name: 'host', hostPath: { path: '/var/log' } } : { name: 'config', configMap: { name: 'app-config' } }],
    };
    const name = `${kind.toLowerCase()}-${i}`;
    const template = { metadata: { labels: { app: name } }, spec: podSpec };
    const spec = kind === 'Pod' ? podSpec
      : kind === 'CronJob' ? { schedule: '0 * * * *', jobTemplate: { spec: { template: { ...template, spec: { ...podSpec, restartPolicy: 'OnFailure' } } } } }
      : kind === 'Job' ? { template: { ...template, spec: { ...podSpec, restartPolicy: 'Never' } } }
      : { selector: { matchLabels: { app: name } }, template };
    out.push({ apiVersion, kind, metadata: { name, namespace }, spec });
  }
  return out;
}
