/**
 * The kinds the dashboard reads from a live cluster: one LIST (paginated) and one WATCH each.
 * `essential` kinds make up the PSP ↔ RBAC picture; without them the view would be wrong, so a
 * failure to read them is an error page. The rest degrade to a warning.
 */
export interface ResourceDef {
  kind: string;
  group: string;
  version: string;
  resource: string;
  essential: boolean;
}

export const RESOURCES: ResourceDef[] = [
  { kind: 'PodSecurityPolicy', group: 'policy', version: 'v1beta1', resource: 'podsecuritypolicies', essential: true },
  { kind: 'ClusterRole', group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', essential: true },
  { kind: 'Role', group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', essential: true },
  { kind: 'ClusterRoleBinding', group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterrolebindings', essential: true },
  { kind: 'RoleBinding', group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'rolebindings', essential: true },
  { kind: 'ServiceAccount', group: '', version: 'v1', resource: 'serviceaccounts', essential: false },
  { kind: 'Namespace', group: '', version: 'v1', resource: 'namespaces', essential: false },
  { kind: 'Pod', group: '', version: 'v1', resource: 'pods', essential: false },
  { kind: 'Deployment', group: 'apps', version: 'v1', resource: 'deployments', essential: false },
  { kind: 'ReplicaSet', group: 'apps', version: 'v1', resource: 'replicasets', essential: false },
  { kind: 'DaemonSet', group: 'apps', version: 'v1', resource: 'daemonsets', essential: false },
  { kind: 'StatefulSet', group: 'apps', version: 'v1', resource: 'statefulsets', essential: false },
  { kind: 'Job', group: 'batch', version: 'v1', resource: 'jobs', essential: false },
  { kind: 'CronJob', group: 'batch', version: 'v1', resource: 'cronjobs', essential: false },
  { kind: 'ReplicationController', group: '', version: 'v1', resource: 'replicationcontrollers', essential: false },
];

export function apiVersionOf(def: ResourceDef): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

/** The cluster-wide collection path, e.g. /apis/rbac.authorization.k8s.io/v1/roles. */
export function collectionPath(def: ResourceDef): string {
  return def.group ? `/apis/${def.group}/${def.version}/${def.resource}` : `/api/${def.version}/${def.resource}`;
}
