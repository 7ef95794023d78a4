import 'server-only';
import { createHash } from 'node:crypto';
import { AppError, isAppError } from '../../errors';
import { authMode } from '../config';
import { OWN_IDENTITY, type Identity } from '../kube/connection';
import { getConfig, sourceOf } from '../sources/registry';
import type { RequestHeaders } from '../sources/context-selection';
import { clearedCookie, readCookie, sessionCookie, sessionCookieName } from './cookie';
import { reviewToken, selfSubjectReview } from './reviews';
import { sessionStore, type Person } from './sessions';
import type { ActorView } from '../../identity/actor-view';

export type { ActorView };

export type { RequestHeaders };

/** A token is re-confirmed with the API server at most this often when the browser asks who is signed in. */
const RECHECK_MS = 60_000;

function mode(): ActorView['mode'] {
  const config = getConfig();
  return config.source.kind === 'live' ? authMode(config) : 'offline';
}

/** The connection of the context this request reads (the one cluster, outside kubeconfig mode). */
function connection(headers: RequestHeaders) {
  const conn = sourceOf(headers).connection?.();
  if (!conn) throw new AppError('source_error', 'The cluster connection is not available: the live source failed to start (see the error page).');
  return conn;
}

function sessionId(headers: RequestHeaders): string | undefined {
  return readCookie(headers.get('cookie'), sessionCookieName(headers.get('host')));
}

function bearer(headers: RequestHeaders): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(headers.get('authorization') ?? '');
  return m?.[1];
}

/** TokenReviews of proxy-injected tokens, by the token's hash, for a minute. */
const headerCache = globalThis as unknown as { __pspdHeaderPeople?: Map<string, { person: Person; at: number }> };
async function personOfHeader(headers: RequestHeaders, token: string): Promise<Person> {
  const cache = (headerCache.__pspdHeaderPeople ??= new Map());
  const key = createHash('sha256').update(token).digest('base64url');
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < RECHECK_MS) return hit.person;
  const person = await reviewToken(connection(headers), token);
  if (cache.size > 1000) cache.clear();
  cache.set(key, { person, at: Date.now() });
  return person;
}

/**
 * The kubeconfig's user of the request's context, as the API server names it where it can say
 * (v1.27+), else the entry's name. Asked once per context's connection.
 */
const kubeconfigHolder = globalThis as unknown as { __pspdKubeconfigPeople?: WeakMap<object, Promise<{ person: Person; verified: boolean }>> };
async function kubeconfigPerson(headers: RequestHeaders): Promise<{ person: Person; verified: boolean }> {
  const people = (kubeconfigHolder.__pspdKubeconfigPeople ??= new WeakMap());
  const conn = connection(headers);
  let person = people.get(conn);
  if (!person) {
    const named = { person: { user: conn.info.user ?? conn.info.context, groups: [] }, verified: false };
    person = selfSubjectReview(conn, OWN_IDENTITY).then((self) => (self ? { person: self, verified: true } : named), () => named);
    people.set(conn, person);
  }
  return person;
}

function changes(signedIn: boolean): ActorView['changes'] {
  if (getConfig().readOnly) return { allowed: false, reason: 'read-only' };
  return signedIn ? { allowed: true } : { allowed: false, reason: 'sign-in' };
}

/** Who is acting for this request. Checks a session's token with the API server now and then. */
export async function currentActor(headers: RequestHeaders): Promise<ActorView> {
  const m = mode();
  if (m === 'offline') return { mode: m, signedIn: false, canSignIn: false, changes: changes(true) };
  if (m === 'kubeconfig') {
    const k = await kubeconfigPerson(headers).catch(() => undefined);
    return { mode: m, signedIn: true, user: k?.person.user, groups: k?.person.groups, verified: k?.verified ?? false, canSignIn: false, changes: changes(true) };
  }
  if (m === 'header') {
    const token = bearer(headers);
    if (!token) return { mode: m, signedIn: false, canSignIn: false, changes: changes(false), message: 'The auth proxy sent no Authorization header.' };
    try {
      const person = await personOfHeader(headers, token);
      return { mode: m, signedIn: true, ...person, verified: true, canSignIn: false, changes: changes(true) };
    } catch (e) {
      return { mode: m, signedIn: false, canSignIn: false, changes: changes(false), message: isAppError(e) ? e.message : 'The token could not be checked.' };
    }
  }
  const store = sessionStore();
  const id = sessionId(headers);
  const session = store.get(id);
  if (!session) {
    return { mode: m, signedIn: false, canSignIn: true, changes: changes(false), ...(id ? { message: 'Your session ended (signed out, expired, or the dashboard restarted). Sign in again to make changes.' } : {}) };
  }
  if (Date.now() - session.checkedAt > RECHECK_MS) {
    try {
      await reviewToken(connection(headers), session.token);
      store.markChecked(session.id);
    } catch (e) {
      if (isAppError(e) && e.code === 'unauthorized') {
        store.delete(session.id);
        return { mode: m, signedIn: false, canSignIn: true, changes: changes(false), message: 'The API server no longer accepts your token (expired or revoked). Sign in again.' };
      }
      // The API server not answering is no reason to sign anybody out.
    }
  }
  return { mode: m, signedIn: true, ...session.person, verified: true, canSignIn: true, expiresAt: new Date(session.expiresAt).toISOString(), changes: changes(true) };
}

const SIGN_IN_HINT = 'Use "Sign in" and paste a bearer token: for a ServiceAccount, kubectl -n NAMESPACE create token NAME; for yourself, the token your kubeconfig uses (or your OIDC id-token).';

/**
 * The identity a change is made as. Never the dashboard's own service account: in session mode a
 * request without a signed-in person is refused (CVE-2018-18264 was a dashboard that fell back).
 */
export async function writerIdentity(headers: RequestHeaders): Promise<Identity> {
  const m = mode();
  if (m === 'offline' || m === 'kubeconfig') return OWN_IDENTITY;
  if (m === 'header') {
    const token = bearer(headers);
    if (!token) throw new AppError('unauthorized', 'Changes need a signed-in person: the auth proxy in front of the dashboard sent no Authorization header.', { signIn: false });
    await personOfHeader(headers, token);
    return { kind: 'token', token };
  }
  const session = sessionStore().get(sessionId(headers));
  if (!session) {
    throw new AppError('unauthorized', 'Sign in to make changes: this dashboard runs in the cluster and makes changes only as the person signed in, never with its own service account.', { signIn: true, hint: SIGN_IN_HINT });
  }
  return { kind: 'token', token: session.token };
}

/** A change was refused with 401: the token died since sign-in. End the session so the UI says so. */
export function endSessionOf(headers: RequestHeaders): void {
  if (mode() === 'session') sessionStore().delete(sessionId(headers));
}

function secure(url: string, headers: RequestHeaders): boolean {
  return url.startsWith('https:') || headers.get('x-forwarded-proto') === 'https';
}

/** Checks the token with the API server and opens a session. Returns the view and the Set-Cookie value. */
export async function signIn(url: string, headers: RequestHeaders, token: string): Promise<{ actor: ActorView; cookie: string }> {
  const m = mode();
  if (m !== 'session') {
    throw new AppError('invalid', m === 'header'
      ? 'Sign-in is handled by the auth proxy in front of the dashboard.'
      : m === 'kubeconfig' ? 'This dashboard acts as your kubeconfig\'s user; there is nothing to sign in to (start it with --sign-in to require sign-in).' : 'The demo and snapshots keep changes in memory; there is nothing to sign in to.');
  }
  const person = await reviewToken(connection(headers), token);
  const store = sessionStore();
  store.delete(sessionId(headers));
  const session = store.create(token, person);
  const cookie = sessionCookie(sessionCookieName(headers.get('host')), session.id, { maxAgeSeconds: (session.expiresAt - Date.now()) / 1000, secure: secure(url, headers) });
  return { actor: { mode: m, signedIn: true, ...person, verified: true, canSignIn: true, expiresAt: new Date(session.expiresAt).toISOString(), changes: changes(true) }, cookie };
}

export function signOut(url: string, headers: RequestHeaders): { cookie: string; ended: boolean } {
  const ended = sessionStore().delete(sessionId(headers));
  return { cookie: clearedCookie(sessionCookieName(headers.get('host')), secure(url, headers)), ended };
}
