/**
 * What every cluster starts with: the audit policy, and (made as admin) the namespaces,
 * ServiceAccounts, RBAC roles and bindings of the identities, and the dashboard's TokenRequest token.
 */
import type { ApiResponse } from './http';

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const READ = ['get', 'list', 'watch'];

/** API groups served by 1.24 and current apart from `policy` (used for "list on all but PSPs"). */
const NON_POLICY_GROUPS = [
  '',
  'apps',
  'batch',
  'autoscaling',
  'extensions',
  'networking.k8s.io',
  RBAC_GROUP,
  'storage.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'admissionregistration.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'node.k8s.io',
  'scheduling.k8s.io',
  'certificates.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'internal.apiserver.k8s.io',
  'resource.k8s.io',
  'storagemigration.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
];

/** Names of the RBAC objects this environment creates (tests may bind the grant roles). */
export const RBAC_NAMES = {
  viewerRole: 'psp-dashboard:viewer',
  /** list on policy/podsecuritypolicies, deliberately NOT bound to viewer */
  listPspRole: 'psp-dashboard:list-podsecuritypolicies',
  rbacManagerRole: 'psp-dashboard:rbac-manager',
  restrictedUserRole: 'psp-dashboard:restricted-user',
  dashboardRole: 'psp-dashboard:dashboard',
  restrictedNamespace: 'team-a',
  dashboardNamespace: 'psp-dashboard',
  dashboardServiceAccount: 'dashboard',
} as const;

/** Metadata of every write (who, verb, object, dry run or not); reads are not logged. */
export const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: Metadata
  verbs: [create, update, patch, delete, deletecollection]
- level: None
`;

function clusterRole(name: string, rules: object[]) {
  return { apiVersion: `${RBAC_GROUP}/v1`, kind: 'ClusterRole', metadata: { name, labels: { 'psp-dashboard/testenv': 'true' } }, rules };
}

function userSubject(name: string) {
  return { kind: 'User', apiGroup: RBAC_GROUP, name };
}

function binding(kind: 'ClusterRoleBinding' | 'RoleBinding', name: string, roleKind: 'ClusterRole' | 'Role', role: string, subjects: object[], namespace?: string) {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}), labels: { 'psp-dashboard/testenv': 'true' } },
    roleRef: { apiGroup: RBAC_GROUP, kind: roleKind, name: role },
    subjects,
  };
}

/** A request as admin. */
export type AdminRequest = (method: string, urlPath: string, body?: unknown) => Promise<ApiResponse>;

/**
 * As admin: reads /version, creates the namespaces, ServiceAccounts and RBAC objects, and requests
 * the dashboard ServiceAccount's token. Without the controller manager it also creates the
 * `default` ServiceAccounts. Throws on the first refused request.
 */
export async function setUpCluster(admin: AdminRequest, withCM: boolean): Promise<{ serverVersion: string; dashboardToken: string }> {
  const must = async (method: string, p: string, body?: unknown, okStatus: number[] = [200, 201]) => {
    const r = await admin(method, p, body);
    if (!okStatus.includes(r.status)) throw new Error(`${method} ${p}: ${r.status} ${r.text.slice(0, 500)}`);
    return r;
  };
  const create = (p: string, body: unknown) => must('POST', p, body, [200, 201, 409]);

  const serverVersion: string = (await must('GET', '/version')).body.gitVersion;

  // --- namespaces, service accounts, RBAC
  // /readyz can answer before the apiserver's own controller has created `default` and
  // `kube-system` (seen in CI: 404 on default's ServiceAccounts); creating them is harmless (409).
  for (const ns of ['default', 'kube-system', RBAC_NAMES.restrictedNamespace, RBAC_NAMES.dashboardNamespace])
    await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await create(`/api/v1/namespaces/${RBAC_NAMES.dashboardNamespace}/serviceaccounts`, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: RBAC_NAMES.dashboardServiceAccount },
  });
  if (!withCM) {
    // Without the controller manager nobody creates `default` ServiceAccounts, and the
    // ServiceAccount admission plugin rejects pods whose account is missing.
    for (const ns of ['default', RBAC_NAMES.restrictedNamespace, RBAC_NAMES.dashboardNamespace])
      await create(`/api/v1/namespaces/${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
  }

  const crPath = `/apis/${RBAC_GROUP}/v1/clusterroles`;
  const crbPath = `/apis/${RBAC_GROUP}/v1/clusterrolebindings`;
  await create(
    crPath,
    clusterRole(RBAC_NAMES.viewerRole, [
      { apiGroups: ['*'], resources: ['*'], verbs: ['get', 'watch'] },
      { apiGroups: NON_POLICY_GROUPS, resources: ['*'], verbs: ['list'] },
      // everything in `policy` except podsecuritypolicies
      { apiGroups: ['policy'], resources: ['poddisruptionbudgets', 'poddisruptionbudgets/status', 'evictions'], verbs: ['list'] },
      { nonResourceURLs: ['*'], verbs: ['get'] },
    ]),
  );
  await create(crPath, clusterRole(RBAC_NAMES.listPspRole, [{ apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['list'] }]));
  await create(
    crPath,
    clusterRole(RBAC_NAMES.rbacManagerRole, [
      { apiGroups: ['*'], resources: ['*'], verbs: READ },
      { nonResourceURLs: ['*'], verbs: ['get'] },
      {
        apiGroups: [RBAC_GROUP],
        resources: ['clusterroles', 'clusterrolebindings', 'roles', 'rolebindings'],
        verbs: ['create', 'update', 'patch', 'delete', 'get', 'list', 'watch'],
      },
    ]),
  );
  await create(
    crPath,
    clusterRole(RBAC_NAMES.restrictedUserRole, [
      { apiGroups: [''], resources: ['pods', 'replicationcontrollers'], verbs: ['create', 'get', 'list', 'watch', 'update', 'patch', 'delete'] },
      {
        apiGroups: ['apps'],
        resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'],
        verbs: ['create', 'get', 'list', 'watch', 'update', 'patch', 'delete'],
      },
      { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: ['create', 'get', 'list', 'watch', 'update', 'patch', 'delete'] },
    ]),
  );
  await create(
    crPath,
    clusterRole(RBAC_NAMES.dashboardRole, [
      { apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: READ },
      { apiGroups: [RBAC_GROUP], resources: ['clusterroles', 'clusterrolebindings', 'roles', 'rolebindings'], verbs: READ },
      { apiGroups: [''], resources: ['serviceaccounts', 'namespaces', 'pods', 'replicationcontrollers'], verbs: READ },
      { apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'daemonsets', 'statefulsets'], verbs: READ },
      { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: READ },
      // Who a signed-in person is: the system:auth-delegator way, as the in-cluster dashboard does.
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
    ]),
  );
  await create(crbPath, binding('ClusterRoleBinding', RBAC_NAMES.viewerRole, 'ClusterRole', RBAC_NAMES.viewerRole, [userSubject('viewer')]));
  await create(
    crbPath,
    binding('ClusterRoleBinding', RBAC_NAMES.rbacManagerRole, 'ClusterRole', RBAC_NAMES.rbacManagerRole, [userSubject('rbac-manager')]),
  );
  await create(
    `/apis/${RBAC_GROUP}/v1/namespaces/${RBAC_NAMES.restrictedNamespace}/rolebindings`,
    binding('RoleBinding', RBAC_NAMES.restrictedUserRole, 'ClusterRole', RBAC_NAMES.restrictedUserRole, [userSubject('restricted-user')], RBAC_NAMES.restrictedNamespace),
  );
  await create(
    crbPath,
    binding('ClusterRoleBinding', RBAC_NAMES.dashboardRole, 'ClusterRole', RBAC_NAMES.dashboardRole, [
      { kind: 'ServiceAccount', name: RBAC_NAMES.dashboardServiceAccount, namespace: RBAC_NAMES.dashboardNamespace },
    ]),
  );

  // --- the dashboard's own identity: a real ServiceAccount token (TokenRequest, one year)
  const tr = await must('POST', `/api/v1/namespaces/${RBAC_NAMES.dashboardNamespace}/serviceaccounts/${RBAC_NAMES.dashboardServiceAccount}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds: 365 * 24 * 3600 },
  });
  return { serverVersion, dashboardToken: tr.body.status.token };
}
