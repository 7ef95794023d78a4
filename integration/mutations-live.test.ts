/**
 * Changes through the API on a real kube-apiserver v1.24: the article's procedure, concurrency,
 * privilege-escalation refusal in the dry run, and hostile input that must change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCluster } from '../testenv/cluster';
import { KubeConnection } from '../lib/server/kube/connection';
import { LiveSource } from '../lib/server/sources/live';
import { setSourceForTests } from '../lib/server/sources/registry';
import { csrfToken } from '../lib/server/csrf';
import type { ServerConfig } from '../lib/server/config';
import { POST as attach } from '../app/api/v1/attach/route';
import { POST as detach } from '../app/api/v1/detach/route';
import { POST as clean } from '../app/api/v1/clean/route';
import { POST as createPsp } from '../app/api/v1/psps/route';
import { DELETE as deletePsp, PUT as putPsp } from '../app/api/v1/psps/[name]/route';
import { DELETE as deleteBinding } from '../app/api/v1/bindings/[kind]/[name]/route';
import { DELETE as removeSubject } from '../app/api/v1/bindings/[kind]/[name]/subjects/route';
import { GET as tree } from '../app/api/v1/tree/route';
import { clusterAvailable, demoObjects, rbacSnapshot, until } from './support';
import { startLiveDashboard } from './live-dashboard';
import { ARTICLE_FINAL_TREE } from '../lib/testing/article';

const run = clusterAvailable('1.24');
const LIVE: ServerConfig = { source: { kind: 'live' }, readOnly: false };

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
function call(handler: unknown, method: string, path: string, body?: unknown, params: Record<string, string> = {}, raw?: string) {
  const req = new Request(`http://127.0.0.1:3000${path}`, {
    method,
    headers: { host: '127.0.0.1:3000', 'content-type': 'application/json', 'x-csrf-token': csrfToken() },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  return (handler as Handler)(req, { params: Promise.resolve(params) });
}


describe.runIf(run)('changes on kube-apiserver v1.24', () => {
  let cluster: TestCluster;
  let admin: LiveSource;

  let close: () => Promise<void> = async () => {};

  beforeAll(async () => {
    ({ cluster, live: admin, close } = await startLiveDashboard('1.24', 'admin', demoObjects()));
  });

  afterAll(() => close());

  async function treeEventually(expected: string) {
    await until('the tree to match', 5_000, async () => ((await (await tree(new Request('http://x/api/v1/tree'))).text()) === expected ? true : undefined));
  }

  it("carries out the article's procedure and ends in its final tree", async () => {
    const ok = async (res: Promise<Response>) => {
      const r = await res;
      const body = await r.json();
      expect(r.status, JSON.stringify(body)).toBe(200);
      return body;
    };
    const created = await ok(call(createPsp, 'POST', '/api/v1/psps', { template: 'restricted', name: 'restricted' }));
    expect(created.serverDryRun).toBe(true);
    await ok(call(deleteBinding, 'DELETE', '/api/v1/bindings/ClusterRoleBinding/eks:podsecuritypolicy:authenticated?confirm=true', undefined, { kind: 'ClusterRoleBinding', name: 'eks:podsecuritypolicy:authenticated' }));
    await ok(call(attach, 'POST', '/api/v1/attach', { psp: 'restricted', subject: { kind: 'Group', name: 'system:authenticated' } }));
    await ok(call(attach, 'POST', '/api/v1/attach', { psp: 'restricted', subject: { kind: 'Group', name: 'system:unauthenticated' } }));
    await ok(call(attach, 'POST', '/api/v1/attach', { psp: 'eks.privileged', subject: { kind: 'Group', name: 'eks' } }));
    await ok(call(attach, 'POST', '/api/v1/attach', { psp: 'eks.privileged', subject: { kind: 'Group', name: 'system:masters' } }));
    const loop = await ok(call(attach, 'POST', '/api/v1/attach', { psp: 'eks.privileged', workloads: { namespace: 'kube-system', items: [
      { kind: 'DaemonSet', name: 'aws-node' }, { kind: 'DaemonSet', name: 'kube-proxy' }, { kind: 'Deployment', name: 'alb-ingress-controller' }, { kind: 'Deployment', name: 'coredns' },
    ] } }));
    expect(loop.performed).toEqual([{ action: 'update', kind: 'ClusterRoleBinding', name: 'psp-util.eks.privileged' }]);
    await treeEventually(ARTICLE_FINAL_TREE);
    const stored = await cluster.request('admin', 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles/psp-util.restricted');
    expect(stored.body.metadata.annotations['psp-util.k8s.jlandowner.com/psp']).toBe('restricted');
    expect(stored.body.rules).toEqual([{ apiGroups: ['policy'], resources: ['podsecuritypolicies'], resourceNames: ['restricted'], verbs: ['use'] }]);
  });

  it('50 concurrent attaches of distinct subjects to one PSP: all 50 end up in the binding', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
      call(attach, 'POST', '/api/v1/attach', { psp: 'restricted', subject: { kind: 'User', name: `user-${i}` }, namespace: 'team-a' }).then(async (r) => ({ status: r.status, body: await r.json() }))));
    const failed = results.filter((r) => r.status !== 200);
    expect(failed, JSON.stringify(failed.slice(0, 3))).toEqual([]);
    const rb = await cluster.request('admin', 'GET', '/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/rolebindings/psp-util.restricted');
    const names = rb.body.subjects.map((s: { name: string }) => s.name).sort();
    expect(names).toEqual(Array.from({ length: 50 }, (_, i) => `user-${i}`).sort());
    const attempts = results.map((r) => r.body.attempts as number);
    console.log(`50 concurrent attaches: all landed; attempts per request max ${Math.max(...attempts)}, total ${attempts.reduce((a, b) => a + b, 0)}`);
  });

  it('rbac-manager attaching the privileged PSP: the dry run reports the escalation error, nothing is written', async () => {
    const before = await rbacSnapshot(cluster);
    const manager = new LiveSource(KubeConnection.load({ kubeconfig: cluster.kubeconfigPath, context: 'rbac-manager' }), false);
    setSourceForTests(manager, LIVE);
    try {
      const res = await call(attach, 'POST', '/api/v1/attach', { psp: 'eks.privileged', subject: { kind: 'Group', name: 'ops' } });
      const body = await res.json();
      expect(res.status).toBe(403);
      expect(body.error.code).toBe('forbidden');
      expect(body.error.message).toMatch(/attempting to grant RBAC permissions not currently held/);
      expect(body.error.message).toMatch(/you need "use" on it, or the "escalate" verb/);
      expect(body.error.details.escalation).toBe(true);
    } finally {
      manager.close();
      setSourceForTests(admin, LIVE);
    }
    expect(await rbacSnapshot(cluster)).toBe(before);
  });

  it('500 malformed or hostile payloads across the mutating routes: only 4xx, RBAC byte-for-byte unchanged', async () => {
    const before = await rbacSnapshot(cluster);
    const payloads = hostilePayloads(500);
    const routes: [unknown, string, (p: unknown) => string, Record<string, string>][] = [
      [attach, 'POST', () => '/api/v1/attach', {}],
      [detach, 'POST', () => '/api/v1/detach', {}],
      [clean, 'POST', () => '/api/v1/clean', {}],
      [createPsp, 'POST', () => '/api/v1/psps', {}],
      [putPsp, 'PUT', () => '/api/v1/psps/eks.privileged', { name: 'eks.privileged' }],
      [removeSubject, 'DELETE', () => '/api/v1/bindings/ClusterRoleBinding/psp-util.restricted/subjects', { kind: 'ClusterRoleBinding', name: 'psp-util.restricted' }],
    ];
    const statuses = new Map<number, number>();
    for (const [i, p] of payloads.entries()) {
      const [h, m, path, params] = routes[i % routes.length];
      const raw = typeof p === 'string' ? p : undefined;
      const res = await call(h, m, path(p), raw === undefined ? p : undefined, params, raw);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(res.status >= 400 && res.status < 500, `${m} ${path(p)} ${JSON.stringify(p).slice(0, 200)} → ${res.status} ${(await res.text()).slice(0, 200)}`).toBe(true);
    }
    console.log(`hostile payloads: ${payloads.length}, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(await rbacSnapshot(cluster)).toBe(before);
  });

  it('names, labels and annotations the API server refuses are refused before it, in the words it uses itself', async () => {
    const before = await rbacSnapshot(cluster);
    const spec = { seLinux: { rule: 'RunAsAny' }, runAsUser: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' } };
    // Each case: our request, and the object the API server itself refuses for the same reason.
    const crb = (subject: Record<string, string>) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'hostile' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [subject] });
    const psp = (metadata: Record<string, unknown>) => ({ apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata, spec });
    const cases: [unknown, string, unknown, string, unknown][] = [
      ...['UPPER..x', 'a:b', 'a\u0000b', 'evil\u202etxt'].map((name): [unknown, string, unknown, string, unknown] => [
        attach, '/api/v1/attach', { psp: 'eks.privileged', subject: { kind: 'ServiceAccount', name, namespace: 'default' } },
        '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', crb({ kind: 'ServiceAccount', name, namespace: 'default' }),
      ]),
      [createPsp, '/api/v1/psps', { manifest: psp({ name: 'hostile', labels: { 'a b': 'x' } }) }, '/apis/policy/v1beta1/podsecuritypolicies', psp({ name: 'hostile', labels: { 'a b': 'x' } })],
      [createPsp, '/api/v1/psps', { manifest: psp({ name: 'hostile', labels: { a: 'v'.repeat(64) } }) }, '/apis/policy/v1beta1/podsecuritypolicies', psp({ name: 'hostile', labels: { a: 'v'.repeat(64) } })],
      [createPsp, '/api/v1/psps', { manifest: psp({ name: 'hostile', annotations: { a: 'x'.repeat(300 * 1024) } }) }, '/apis/policy/v1beta1/podsecuritypolicies', psp({ name: 'hostile', annotations: { a: 'x'.repeat(300 * 1024) } })],
      [createPsp, '/api/v1/psps', { manifest: psp({ name: 'UPPER..x' }) }, '/apis/policy/v1beta1/podsecuritypolicies', psp({ name: 'UPPER..x' })],
    ];
    for (const [handler, path, body, apiPath, object] of cases) {
      const ours = await call(handler, 'POST', path, body);
      const message: string = (await ours.json()).error.message;
      expect(ours.status, message).toBe(400);
      const theirs = await cluster.request('admin', 'POST', `${apiPath}?dryRun=All`, object);
      expect(theirs.status).toBe(422);
      // The API server's detail after the field path ("Invalid value: …" or "Too long: …") is ours word for word.
      const detail = String(theirs.body.details.causes[0].message);
      expect(message, `the API server says: ${detail}`).toContain(detail);
    }
    expect(await rbacSnapshot(cluster)).toBe(before);
  });

  it('detach and clean on the real cluster', async () => {
    const r1 = await call(detach, 'POST', '/api/v1/detach', { psp: 'eks.privileged', subject: { kind: 'Group', name: 'eks' } });
    expect(r1.status).toBe(200);
    const crb = await cluster.request('admin', 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/psp-util.eks.privileged');
    expect(crb.body.subjects.map((s: { name: string }) => s.name)).not.toContain('eks');
    const r2 = await call(clean, 'POST', '/api/v1/clean', { psp: 'restricted' });
    expect(r2.status).toBe(200);
    expect((await cluster.request('admin', 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles/psp-util.restricted')).status).toBe(404);
    expect((await cluster.request('admin', 'GET', '/apis/policy/v1beta1/podsecuritypolicies/restricted')).status).toBe(200);
    const d = await call(deletePsp, 'DELETE', '/api/v1/psps/restricted', undefined, { name: 'restricted' });
    expect(d.status).toBe(200);
  });
});

/** Deterministic junk: wrong types, injection strings, huge and deep values, invalid JSON. */
function hostilePayloads(n: number): unknown[] {
  let s = 7;
  const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const nasty = ['', ' ', '../../etc/passwd', 'a/b', 'x'.repeat(300), '<script>alert(1)</script>', "'; DROP TABLE x; --", '\u0000', '${jndi:ldap://x}', 'system:masters\nkind: ClusterRole', '*', '%2e%2e', 'ÿ', '🙂'];
  const values = [null, true, 0, -1, 1e309, [], {}, [[[[]]]], 'eks.privileged', ...nasty];
  // Names, labels and annotations the API server refuses (the demo and snapshot sources once took them).
  const badNames = ['UPPER..x', 'a:b', 'a\u0000b', 'evil\u202etxt', 'a..b', '-a', 'a'.repeat(254), '.', '..', 'Kube.System'];
  const badLabels = [{ 'a b': 'x' }, { a: 'x y' }, { ['k'.repeat(64)]: 'v' }, { a: 'v'.repeat(64) }, { 'a/b/c': 'v' }, { '/x': '' }, { 'Bad_Prefix/x': 'v' }, { a: '\u202e' }];
  const badAnnotations = [{ a: 'x'.repeat(300 * 1024) }, { 'bad key': 'v' }, { ['x'.repeat(200 * 1024)]: 'y'.repeat(100 * 1024) }];
  const pspSpec = { seLinux: { rule: 'RunAsAny' }, runAsUser: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' } };
  const pick = <T,>(l: T[]) => l[Math.floor(rnd() * l.length)];
  const out: unknown[] = ['{', 'null', '[]', '"str"', '{"psp":', '{"__proto__": {"admin": true}}', JSON.stringify({ constructor: { prototype: { x: 1 } } })];
  while (out.length < n) {
    const kind = rnd();
    if (kind < 0.3) out.push({ psp: pick(values), subject: { kind: pick(['Group', 'User', 'ServiceAccount', 'Robot', pick(nasty)]), name: pick(values), namespace: pick(values) } });
    else if (kind < 0.5) out.push({ psp: pick(nasty), subject: { kind: 'Group', name: 'g' }, [pick(['extra', 'acknowledgeRisk', 'repair'])]: pick(values) });
    else if (kind < 0.65) out.push({ template: pick(['privileged', 'root', pick(nasty)]), name: pick(values) });
    else if (kind < 0.8) out.push({ manifest: { metadata: { name: pick(values) }, spec: { privileged: pick(values), volumes: [pick(values)], runAsUser: { rule: pick(values) } } } });
    else if (kind < 0.85) out.push({ subject: { kind: 'Group', name: pick(values) }, confirm: pick(values) });
    else if (kind < 0.9) {
      const k = rnd();
      if (k < 0.4) out.push({ psp: 'eks.privileged', subject: { kind: 'ServiceAccount', name: pick(badNames), namespace: pick(['default', pick(badNames)]) } });
      else if (k < 0.55) out.push({ template: 'restricted', name: pick(badNames) });
      else if (k < 0.8) out.push({ manifest: { metadata: { name: 'hostile', labels: pick(badLabels) }, spec: pspSpec } });
      else out.push({ manifest: { metadata: { name: pick(['hostile', 'eks.privileged']), annotations: pick(badAnnotations) }, spec: pspSpec } });
    }
    else out.push(pick(values));
  }
  return out;
}
