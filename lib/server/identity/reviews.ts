import 'server-only';
import { AppError, describePermission, type MissingPermission } from '../../errors';
import type { Identity, KubeConnection } from '../kube/connection';
import { kubeError } from '../kube/status';
import type { Person } from './sessions';

const SIGN_IN_AGAIN = 'Sign in again with a current token.';

/** The answer to a token the API server does not accept: the person must sign in again. */
export function tokenRefused(what: string): AppError {
  return new AppError('unauthorized', `The API server no longer accepts your token (${what}): it expired or was revoked. ${SIGN_IN_AGAIN}`, { signIn: true, hint: SIGN_IN_AGAIN });
}

/**
 * Who a bearer token belongs to. The dashboard asks with a TokenReview under its own account (the
 * system:auth-delegator way; its ClusterRole grants `create tokenreviews`). When its account may
 * not, the person's own SelfSubjectReview answers instead (API servers from v1.28).
 */
export async function reviewToken(conn: KubeConnection, token: string): Promise<Person> {
  const res = await conn.request('POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
    timeoutMs: 10_000,
  });
  if (res.status === 201 || res.status === 200) {
    const status = (JSON.parse(res.body) as { status?: { authenticated?: boolean; user?: { username?: string; groups?: string[] }; error?: string } }).status;
    if (!status?.authenticated || !status.user?.username) {
      throw new AppError('unauthorized', 'The API server does not accept this token: it is expired, revoked, or not a token of this cluster.', { signIn: true });
    }
    return { user: status.user.username, groups: status.user.groups ?? [] };
  }
  if (res.status === 403) {
    const self = await selfSubjectReview(conn, { kind: 'token', token });
    if (self) return self;
    throw new AppError('forbidden', "The dashboard's service account may not create tokenreviews (authentication.k8s.io), so it cannot tell who a token belongs to.", {
      hint: 'Apply the dashboard\'s ClusterRole from deploy/ (it grants create on tokenreviews), or bind system:auth-delegator to its service account.',
    });
  }
  throw kubeError(res, 'review the token (TokenReview)');
}

/** authentication.k8s.io SelfSubjectReview: who the caller is, as the caller (v1 from 1.28, beta from 1.27). */
export async function selfSubjectReview(conn: KubeConnection, identity: Identity): Promise<Person | undefined> {
  for (const version of ['v1', 'v1beta1']) {
    const res = await conn.request('POST', `/apis/authentication.k8s.io/${version}/selfsubjectreviews`, {
      identity,
      body: { apiVersion: `authentication.k8s.io/${version}`, kind: 'SelfSubjectReview' },
      timeoutMs: 10_000,
    });
    if (res.status === 401) throw tokenRefused('SelfSubjectReview');
    if (res.status !== 201 && res.status !== 200) continue;
    const info = (JSON.parse(res.body) as { status?: { userInfo?: { username?: string; groups?: string[] } } }).status?.userInfo;
    if (info?.username) return { user: info.username, groups: info.groups ?? [] };
  }
  return undefined;
}

/**
 * Whether the identity may do each of these, asked with SelfSubjectAccessReviews (any
 * authenticated user may ask about themselves). Returns what is denied, in request order.
 */
export async function deniedPermissions(conn: KubeConnection, identity: Identity, wanted: (MissingPermission & { name?: string })[]): Promise<MissingPermission[]> {
  const seen = new Set<string>();
  const unique = wanted.filter((w) => {
    const k = `${w.verb} ${w.group} ${w.resource} ${w.namespace ?? ''} ${w.name ?? ''}`;
    return !seen.has(k) && !!seen.add(k);
  });
  const answers = await Promise.all(unique.map(async (w): Promise<MissingPermission | undefined> => {
    const res = await conn.request('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      identity,
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb: w.verb, group: w.group, resource: w.resource, namespace: w.namespace, name: w.name } } },
      timeoutMs: 10_000,
    });
    if (res.status === 401) throw tokenRefused('SelfSubjectAccessReview');
    if (res.status !== 201 && res.status !== 200) throw kubeError(res, `ask whether you may ${describePermission(w)}`);
    const allowed = !!(JSON.parse(res.body) as { status?: { allowed?: boolean } }).status?.allowed;
    return allowed ? undefined : { verb: w.verb, group: w.group, resource: w.resource, ...(w.namespace ? { namespace: w.namespace } : {}) };
  }));
  return answers.filter((a): a is MissingPermission => !!a);
}
