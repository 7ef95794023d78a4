/**
 * The in-cluster way of working on a real kube-apiserver v1.24: the dashboard reads as its service
 * account, and every change is made as the person signed in, or not at all. The apiserver's audit
 * log says who wrote.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../testenv/cluster';
import { KubeConnection } from '../lib/server/kube/connection';
import { LiveSource } from '../lib/server/sources/live';
import { setSourceForTests } from '../lib/server/sources/registry';
import type { ServerConfig } from '../lib/server/config';
import { csrfToken } from '../lib/server/csrf';
import { SessionStore } from '../lib/server/identity/sessions';
import { GET as getSession, POST as postSession, DELETE as deleteSession } from '../app/api/v1/session/route';
import { POST as attach } from '../app/api/v1/attach/route';
import { POST as detach } from '../app/api/v1/detach/route';
import { POST as clean } from '../app/api/v1/clean/route';
import { POST as createPsp } from '../app/api/v1/psps/route';
import { DELETE as deletePsp } from '../app/api/v1/psps/[name]/route';
import { DELETE as deleteBinding } from '../app/api/v1/bindings/[kind]/[name]/route';
import { DELETE as removeSubject } from '../app/api/v1/bindings/[kind]/[name]/subjects/route';
import { GET as getCluster } from '../app/api/v1/cluster/route';
import { clusterAvailable, createObjects, demoObjects, rbacSnapshot, until } from './support';

const run = clusterAvailable('1.24');
const HOST = '127.0.0.1:3000';

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** Every answer of the run, to scan for tokens at the end. */
const answers: string[] = [];

async function call(handler: unknown, method: string, path: string, opts: { body?: unknown; cookie?: string; headers?: Record<string, string>; params?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { host: HOST, 'content-type': 'application/json', 'x-csrf-token': csrfToken(), ...(opts.cookie ? { cookie: opts.cookie } : {}), ...opts.headers };
  const req = new Request(`http://${HOST}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const res = await (handler as Handler)(req, { params: Promise.resolve(opts.params ?? {}) });
  const text = await res.text();
  answers.push(text, res.headers.get('set-cookie') ?? '');
  return { status: res.status, body: text ? JSON.parse(text) : undefined, setCookie: res.headers.get('set-cookie') ?? undefined };
}

/** Signs in with a token; returns the Cookie header value the browser would send back. */
async function signIn(token: string): Promise<string> {
  const res = await call(postSession, 'POST', '/api/v1/session', { body: { token } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.setCookie).toMatch(/^pspd_session_3000=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Strict$/);
  return res.setCookie!.split(';')[0];
}

interface AuditEvent {
  verb: string;
  user: { username: string };
  requestURI: string;
  objectRef?: { resource?: string; name?: string };
  responseStatus?: { code?: number };
}

const POLICY_RESOURCES = ['clusterroles', 'clusterrolebindings', 'roles', 'rolebindings', 'podsecuritypolicies'];

/** Writes of RBAC and PSPs from the audit log (sign-in's TokenReviews and access reviews are creates too, of other resources). */
function auditEvents(cluster: TestCluster): AuditEvent[] {
  return readFileSync(cluster.auditLogPath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditEvent)
    .filter((e) => POLICY_RESOURCES.includes(e.objectRef?.resource ?? ''));
}

describe.runIf(run)('sign-in and writes as the person, on kube-apiserver v1.24', () => {
  let cluster: TestCluster;
  let live: LiveSource;
  const DASHBOARD_SA = 'system:serviceaccount:psp-dashboard:dashboard';
  const attachBody = { psp: 'eks.privileged', subject: { kind: 'Group', name: 'signin-test' } };

  function useMode(auth: ServerConfig['auth']) {
    setSourceForTests(live, { source: { kind: 'live' }, readOnly: false, auth });
  }

  beforeAll(async () => {
    cluster = await startCluster({ version: '1.24' });
    await createObjects(cluster, demoObjects());
    // The dashboard reads as its service account, as it does in a pod.
    live = new LiveSource(KubeConnection.load({ kubeconfig: cluster.kubeconfigPath, context: 'dashboard' }), false);
    useMode('session');
    await live.start();
  });

  afterAll(async () => {
    live?.close();
    await cluster?.stop();
    // Nothing any route answered carries a token of this run.
    for (const token of Object.values(cluster?.tokens ?? {})) for (const a of answers) expect(a.includes(token)).toBe(false);
  });

  it('without a session every change route answers 401 with what to do, and nothing is written', async () => {
    const before = await rbacSnapshot(cluster);
    const session = await call(getSession, 'GET', '/api/v1/session');
    expect(session.body).toMatchObject({ mode: 'session', signedIn: false, canSignIn: true, changes: { allowed: false, reason: 'sign-in' } });
    const attempts = [
      await call(attach, 'POST', '/api/v1/attach', { body: attachBody }),
      await call(attach, 'POST', '/api/v1/attach?dryRun=true', { body: attachBody }),
      await call(detach, 'POST', '/api/v1/detach', { body: attachBody }),
      await call(clean, 'POST', '/api/v1/clean', { body: { psp: 'eks.privileged' } }),
      await call(createPsp, 'POST', '/api/v1/psps', { body: { template: 'restricted', name: 'signin-new' } }),
      await call(deletePsp, 'DELETE', '/api/v1/psps/eks.privileged', { params: { name: 'eks.privileged' } }),
      await call(deleteBinding, 'DELETE', '/api/v1/bindings/ClusterRoleBinding/eks:podsecuritypolicy:authenticated?confirm=true', { params: { kind: 'ClusterRoleBinding', name: 'eks:podsecuritypolicy:authenticated' } }),
      await call(removeSubject, 'DELETE', '/api/v1/bindings/ClusterRoleBinding/eks:podsecuritypolicy:authenticated/subjects', { params: { kind: 'ClusterRoleBinding', name: 'eks:podsecuritypolicy:authenticated' }, body: { subject: { kind: 'Group', name: 'system:authenticated' }, confirm: true } }),
    ];
    for (const a of attempts) {
      expect(a.status).toBe(401);
      expect(a.body.error.message).toMatch(/^Sign in to make changes: .* never with its own service account/);
      expect(a.body.error.details.signIn).toBe(true);
    }
    const view = await call(getCluster, 'GET', '/api/v1/cluster');
    expect(view.body.actor.changes).toEqual({ allowed: false, reason: 'sign-in' });
    expect(await rbacSnapshot(cluster)).toBe(before);
    expect(auditEvents(cluster).filter((e) => e.user.username === DASHBOARD_SA)).toEqual([]);
  });

  it('sign-in refuses a token the API server does not accept, a token-less or cross-site request, and bad bodies', async () => {
    const wrong = await call(postSession, 'POST', '/api/v1/session', { body: { token: 'not-a-token-of-this-cluster' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toMatch(/does not accept this token/);
    expect(wrong.setCookie).toBeUndefined();
    const noCsrf = await call(postSession, 'POST', '/api/v1/session', { body: { token: cluster.tokens.admin }, headers: { 'x-csrf-token': '' } });
    expect(noCsrf.status).toBe(403);
    const crossSite = await call(postSession, 'POST', '/api/v1/session', { body: { token: cluster.tokens.admin }, headers: { origin: 'http://attacker.example' } });
    expect(crossSite.status).toBe(403);
    for (const body of [{}, { token: '' }, { token: 'two words' }, { token: cluster.tokens.admin, user: 'x' }]) {
      const bad = await call(postSession, 'POST', '/api/v1/session', { body });
      expect(bad.status).toBe(400);
      expect(bad.setCookie).toBeUndefined();
    }
  });

  it('viewer: told in words what they may not do; nothing written', async () => {
    const before = await rbacSnapshot(cluster);
    const cookie = await signIn(cluster.tokens.viewer);
    const who = await call(getSession, 'GET', '/api/v1/session', { cookie });
    expect(who.body).toMatchObject({ mode: 'session', signedIn: true, user: 'viewer', changes: { allowed: true } });
    expect(who.body.groups).toEqual(expect.arrayContaining(['psp-dashboard:viewers', 'system:authenticated']));
    const res = await call(attach, 'POST', '/api/v1/attach', { body: attachBody, cookie });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/^You may not create clusterroles \(cluster-wide\), nor create clusterrolebindings \(cluster-wide\)/);
    expect(res.body.error.details.missing).toEqual([
      { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'clusterroles' },
      { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings' },
    ]);
    expect(await rbacSnapshot(cluster)).toBe(before);
    expect(auditEvents(cluster).filter((e) => e.user.username === 'viewer')).toEqual([]);
  });

  it('rbac-manager: the server dry run, made with their token, reports the escalation; nothing written', async () => {
    // A PSP nobody but system:masters may use (eks.privileged is everybody's in the demo, so rbac-manager holds it).
    await cluster.request('admin', 'POST', '/apis/policy/v1beta1/podsecuritypolicies', {
      metadata: { name: 'signin-locked' },
      spec: { privileged: true, seLinux: { rule: 'RunAsAny' }, runAsUser: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' }, volumes: ['*'] },
    });
    await until('the dashboard to see the new PSP', 5_000, async () => ((await live.readModel()).psps.some((p) => p.metadata.name === 'signin-locked') ? true : undefined));
    const before = await rbacSnapshot(cluster);
    const cookie = await signIn(cluster.tokens['rbac-manager']);
    const res = await call(attach, 'POST', '/api/v1/attach', { body: { ...attachBody, psp: 'signin-locked' }, cookie });
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    expect(res.body.error.details.escalation).toBe(true);
    expect(res.body.error.message).toMatch(/you may not grant permissions you do not hold yourself/);
    expect(await rbacSnapshot(cluster)).toBe(before);
    const theirs = auditEvents(cluster).filter((e) => e.user.username === 'rbac-manager');
    expect(theirs.length).toBeGreaterThan(0);
    expect(theirs.every((e) => e.requestURI.includes('dryRun=All'))).toBe(true);
  });

  it('rbac-manager holding the PSP (through system:authenticated) but not "bind": the attach lands as them', async () => {
    // The binding's dry run cannot see the role the same plan creates; the applier asks as the API server would.
    const cookie = await signIn(cluster.tokens['rbac-manager']);
    const body = { psp: 'eks.privileged', subject: { kind: 'Group', name: 'ops' }, namespace: 'team-a', acknowledgeRisk: true };
    const res = await call(attach, 'POST', '/api/v1/attach', { body, cookie });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.performed.map((p: { kind: string }) => p.kind)).toEqual(['ClusterRole', 'RoleBinding']);
    const writes = auditEvents(cluster).filter((e) => e.objectRef?.name === 'psp-util.eks.privileged' && !e.requestURI.includes('dryRun'));
    expect(writes.map((e) => `${e.user.username} ${e.verb} ${e.objectRef?.resource}`)).toEqual(['rbac-manager create clusterroles', 'rbac-manager create rolebindings']);
    // Undone as admin, so that the next test starts from the demo's RBAC.
    await cluster.request('admin', 'DELETE', '/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/rolebindings/psp-util.eks.privileged');
    await cluster.request('admin', 'DELETE', '/apis/rbac.authorization.k8s.io/v1/clusterroles/psp-util.eks.privileged');
    await until('the dashboard to see the role gone', 5_000, async () => ((await live.readModel()).clusterRoles.some((r) => r.metadata.name === 'psp-util.eks.privileged') ? undefined : true));
  });

  it('admin: the attach lands, and the audit log names admin as the writer, never the dashboard', async () => {
    const cookie = await signIn(cluster.tokens.admin);
    const res = await call(attach, 'POST', '/api/v1/attach', { body: attachBody, cookie });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.performed).toEqual([
      { action: 'create', kind: 'ClusterRole', name: 'psp-util.eks.privileged' },
      { action: 'create', kind: 'ClusterRoleBinding', name: 'psp-util.eks.privileged' },
    ]);
    expect((await cluster.request('admin', 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/psp-util.eks.privileged')).body.subjects).toEqual([
      { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'signin-test' },
    ]);
    const writes = await until('the audit log to show the writes', 5_000, async () => {
      const w = auditEvents(cluster).filter((e) => e.objectRef?.name === 'psp-util.eks.privileged' && !e.requestURI.includes('dryRun') && e.verb === 'create' && e.objectRef.resource?.startsWith('cluster'));
      return w.length === 3 ? w : undefined;
    });
    expect(writes.value.map((e) => `${e.user.username} ${e.verb} ${e.objectRef?.resource} ${e.responseStatus?.code}`)).toEqual([
      'rbac-manager create clusterroles 201', // the test before
      'admin create clusterroles 201',
      'admin create clusterrolebindings 201',
    ]);
    expect(auditEvents(cluster).filter((e) => e.user.username === DASHBOARD_SA)).toEqual([]);
  });

  it('sign-out ends the session; its cookie, or one from another server, works no more', async () => {
    const cookie = await signIn(cluster.tokens.admin);
    const out = await call(deleteSession, 'DELETE', '/api/v1/session', { cookie });
    expect(out.body).toMatchObject({ ended: true, signedIn: false });
    expect(out.setCookie).toMatch(/Max-Age=0/);
    const after = await call(detach, 'POST', '/api/v1/detach', { body: attachBody, cookie });
    expect(after.status).toBe(401);
    // Another server process (or this one restarted) has a store of its own.
    const other = await signIn(cluster.tokens.admin);
    const holder = globalThis as unknown as { __pspdSessions?: SessionStore };
    const mine = holder.__pspdSessions;
    holder.__pspdSessions = new SessionStore();
    try {
      const elsewhere = await call(detach, 'POST', '/api/v1/detach', { body: attachBody, cookie: other });
      expect(elsewhere.status).toBe(401);
      expect((await call(getSession, 'GET', '/api/v1/session', { cookie: other })).body.message).toMatch(/Sign in again/);
    } finally {
      holder.__pspdSessions = mine;
    }
    expect((await call(getSession, 'GET', '/api/v1/session', { cookie: other })).body.signedIn).toBe(true);
  });

  it('a token revoked after sign-in: the next change says to sign in again and ends the session; nothing written', async () => {
    await cluster.request('admin', 'POST', '/api/v1/namespaces/team-a/serviceaccounts', { metadata: { name: 'short-lived' } });
    const tr = await cluster.request('admin', 'POST', '/api/v1/namespaces/team-a/serviceaccounts/short-lived/token', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } });
    const token: string = tr.body.status.token;
    const cookie = await signIn(token);
    expect((await call(getSession, 'GET', '/api/v1/session', { cookie })).body.user).toBe('system:serviceaccount:team-a:short-lived');
    await cluster.request('admin', 'DELETE', '/api/v1/namespaces/team-a/serviceaccounts/short-lived');
    const before = await rbacSnapshot(cluster);
    const res = await until('the deleted account\'s token to be refused', 30_000, async () => {
      const r = await call(detach, 'POST', '/api/v1/detach', { body: attachBody, cookie });
      return r.status === 401 ? r : undefined;
    });
    expect(res.value.body.error.message).toMatch(/no longer accepts your token .* Sign in again/);
    expect((await call(getSession, 'GET', '/api/v1/session', { cookie })).body.signedIn).toBe(false);
    expect(await rbacSnapshot(cluster)).toBe(before);
    answers.push(token.slice(0, 0)); // (the scan below covers the fixed tokens; this one is checked here)
    expect(answers.some((a) => a.includes(token))).toBe(false);
  });

  it('behind an auth proxy (--auth-header): the Authorization header is the person; without it, 401', async () => {
    useMode('header');
    try {
      const none = await call(detach, 'POST', '/api/v1/detach', { body: attachBody });
      expect(none.status).toBe(401);
      expect(none.body.error.message).toMatch(/auth proxy .* sent no Authorization header/);
      const who = await call(getSession, 'GET', '/api/v1/session', { headers: { authorization: `Bearer ${cluster.tokens.admin}` } });
      expect(who.body).toMatchObject({ mode: 'header', signedIn: true, user: 'admin' });
      const signIn = await call(postSession, 'POST', '/api/v1/session', { body: { token: cluster.tokens.admin } });
      expect(signIn.status).toBe(400);
      const res = await call(detach, 'POST', '/api/v1/detach', { body: attachBody, headers: { authorization: `Bearer ${cluster.tokens.admin}` } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.performed).toEqual([{ action: 'update', kind: 'ClusterRoleBinding', name: 'psp-util.eks.privileged' }]);
      const viewer = await call(attach, 'POST', '/api/v1/attach', { body: { ...attachBody, subject: { kind: 'Group', name: 'viewer-wants-this' } }, headers: { authorization: `Bearer ${cluster.tokens.viewer}` } });
      expect(viewer.status, JSON.stringify(viewer.body)).toBe(403);
      expect(viewer.body.error.message).toMatch(/^You may not update clusterrolebindings/);
    } finally {
      useMode('session');
    }
  });

  it('run locally (kubeconfig mode), the session endpoint says the kubeconfig user acts; there is no sign-in', async () => {
    useMode('kubeconfig');
    try {
      const who = await call(getSession, 'GET', '/api/v1/session');
      expect(who.body).toMatchObject({ mode: 'kubeconfig', signedIn: true, canSignIn: false, changes: { allowed: true } });
      expect(who.body.user).toBeTruthy();
      expect((await call(postSession, 'POST', '/api/v1/session', { body: { token: cluster.tokens.admin } })).status).toBe(400);
    } finally {
      useMode('session');
    }
  });
});
