/**
 * The dashboard's HTTP API paths, in one place: the browser's client (lib/client/api.ts) and the
 * audit's fix requests (lib/audit/evidence.ts) build them here, so a route that moves moves once.
 */
const enc = encodeURIComponent;

function withQuery(path: string, query: Record<string, string | undefined>): string {
  const q = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export const API_PATHS = {
  access: (subject: string) => withQuery('/api/v1/access', { subject }),
  advise: '/api/v1/advise',
  adviseApply: '/api/v1/advise/apply',
  attach: '/api/v1/attach',
  audit: (query: { format?: string; useServiceAccountCredentials?: boolean } = {}) =>
    withQuery('/api/v1/audit', { format: query.format, useServiceAccountCredentials: query.useServiceAccountCredentials === false ? 'false' : undefined }),
  /** A binding; a RoleBinding's namespace goes in the query (the route is shared with ClusterRoleBindings). */
  binding: (kind: string, name: string, namespace?: string) => withQuery(`/api/v1/bindings/${kind}/${enc(name)}`, { namespace: kind === 'RoleBinding' ? namespace : undefined }),
  bindingSubjects: (kind: string, name: string, namespace?: string) => withQuery(`/api/v1/bindings/${kind}/${enc(name)}/subjects`, { namespace: kind === 'RoleBinding' ? namespace : undefined }),
  clean: '/api/v1/clean',
  cluster: '/api/v1/cluster',
  contexts: '/api/v1/contexts',
  csrf: '/api/v1/csrf',
  detach: '/api/v1/detach',
  graph: '/api/v1/graph',
  object: (id: string) => withQuery('/api/v1/objects', { id }),
  pending: (format?: 'yaml' | 'kubectl') => withQuery('/api/v1/pending', { format }),
  /** One pending change, 1-based (DELETE takes it back). */
  pendingChange: (n: number) => withQuery('/api/v1/pending', { change: String(n) }),
  psps: '/api/v1/psps',
  psp: (name: string) => `/api/v1/psps/${enc(name)}`,
  session: '/api/v1/session',
  simulate: '/api/v1/simulate',
  tree: (all = false) => withQuery('/api/v1/tree', { all: all ? 'true' : undefined }),
  workloads: (namespace: string) => withQuery('/api/v1/workloads', { namespace }),
  podSecurity: (namespace?: string) => withQuery('/api/v1/pod-security', { namespace }),
  podSecurityCheck: '/api/v1/pod-security/check',
  podSecurityPlans: '/api/v1/pod-security/plans',
  /** One migration plan (copy, label, bypass, cleanup): a change route like the others. */
  podSecurityPlan: (plan: 'copy' | 'label' | 'bypass' | 'cleanup') => `/api/v1/pod-security/plans/${plan}`,
} as const;
