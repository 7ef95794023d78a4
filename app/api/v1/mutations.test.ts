/**
 * The mutating routes over the demo source: guarded (read-only, Host, Origin, CSRF), validated,
 * previewed with dryRun, applied to the in-memory copy and exported.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { FileSource } from '@/lib/server/sources/file';
import { setSourceForTests } from '@/lib/server/sources/registry';
import { csrfToken } from '@/lib/server/csrf';
import { DEMO_PATH } from '@/lib/testing/demo';
import { POST as attach } from './attach/route';
import { POST as detach } from './detach/route';
import { POST as clean } from './clean/route';
import { POST as createPsp } from './psps/route';
import { DELETE as deletePsp, PUT as putPsp } from './psps/[name]/route';
import { DELETE as deleteBinding } from './bindings/[kind]/[name]/route';
import { DELETE as removeSubject } from './bindings/[kind]/[name]/subjects/route';
import { DELETE as discard, GET as pending } from './pending/route';
import { GET as tree } from './tree/route';

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

function call(handler: unknown, method: string, path: string, body?: unknown, opts: { headers?: Record<string, string>; params?: Record<string, string>; raw?: string } = {}) {
  const headers: Record<string, string> = { host: '127.0.0.1:3000', 'content-type': 'application/json', 'x-csrf-token': csrfToken(), ...opts.headers };
  for (const [k, v] of Object.entries(headers)) if (v === '') delete headers[k];
  const req = new Request(`http://127.0.0.1:3000${path}`, { method, headers, body: opts.raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
  return (handler as Handler)(req, { params: Promise.resolve(opts.params ?? {}) });
}

async function treeText() {
  return (await tree(new Request('http://127.0.0.1:3000/api/v1/tree'))).text();
}

let source: FileSource;
function useDemo(readOnly = false) {
  source = new FileSource(DEMO_PATH, 'demo', readOnly);
  setSourceForTests(source, { source: { kind: 'demo', reason: 'asked' }, readOnly });
}

describe('mutating routes on the demo', () => {
  beforeEach(() => useDemo());

  it('attach: dryRun returns the plan and writes nothing; then it applies; twice is a no-op', async () => {
    const body = { psp: 'eks.privileged', subject: { kind: 'Group', name: 'eks' } };
    const preview = await (await call(attach, 'POST', '/api/v1/attach?dryRun=true', body)).json();
    expect(preview.dryRun).toBe(true);
    expect(preview.operations.map((o: { action: string; kind: string }) => `${o.action} ${o.kind}`)).toEqual(['create ClusterRole', 'create ClusterRoleBinding']);
    expect(preview.operations[1].diff).toContain('+ kind: ClusterRoleBinding');
    expect(await treeText()).not.toContain('psp-util');

    const done = await (await call(attach, 'POST', '/api/v1/attach', body)).json();
    expect(done.performed).toEqual([
      { action: 'create', kind: 'ClusterRole', name: 'psp-util.eks.privileged' },
      { action: 'create', kind: 'ClusterRoleBinding', name: 'psp-util.eks.privileged' },
    ]);
    expect(await treeText()).toContain('📘 ClusterRoleBinding psp-util.eks.privileged\n        └── 📗 Subject{Kind: Group, Name: eks, Namespace: }');
    const again = await (await call(attach, 'POST', '/api/v1/attach', body)).json();
    expect(again.noop).toMatch(/already attached/);
    expect(again.performed).toEqual([]);
  });

  it('attach to the service accounts of kube-system DaemonSets and Deployments in one plan', async () => {
    const res = await call(attach, 'POST', '/api/v1/attach', { psp: 'eks.privileged', workloads: { namespace: 'kube-system', items: [
      { kind: 'DaemonSet', name: 'aws-node' }, { kind: 'DaemonSet', name: 'kube-proxy' }, { kind: 'Deployment', name: 'coredns' }, { kind: 'Deployment', name: 'alb-ingress-controller' },
    ] } });
    expect(res.status).toBe(200);
    const t = await treeText();
    for (const sa of ['aws-node', 'kube-proxy', 'coredns', 'alb-ingress-controller']) expect(t).toContain(`Subject{Kind: ServiceAccount, Name: ${sa}, Namespace: kube-system}`);
  });

  it('the guardrail answers 409 naming the field to acknowledge', async () => {
    const res = await call(attach, 'POST', '/api/v1/attach', { psp: 'eks.privileged', subject: { kind: 'Group', name: 'system:serviceaccounts' } });
    expect(res.status).toBe(409);
    const body = await res.json();
    expect(body.error.details).toMatchObject({ field: 'acknowledgeRisk', guardrail: true });
    expect(body.error.message).toMatch(/every pod in every namespace could use it/);
    const ok = await call(attach, 'POST', '/api/v1/attach', { psp: 'eks.privileged', subject: { kind: 'Group', name: 'system:serviceaccounts' }, acknowledgeRisk: true });
    expect(ok.status).toBe(200);
  });

  it('detach, clean, foreign bindings with confirmation, PSP create/edit/delete, and the export', async () => {
    await call(attach, 'POST', '/api/v1/attach', { psp: 'eks.privileged', subject: { kind: 'Group', name: 'eks' } });
    expect((await call(detach, 'POST', '/api/v1/detach', { psp: 'eks.privileged', subject: { kind: 'Group', name: 'eks' } })).status).toBe(200);
    expect(await treeText()).toContain('📘 ClusterRoleBinding psp-util.eks.privileged\n');
    expect((await call(clean, 'POST', '/api/v1/clean', { psp: 'eks.privileged' })).status).toBe(200);
    expect(await treeText()).not.toContain('psp-util');

    const unconfirmed = await call(deleteBinding, 'DELETE', '/api/v1/bindings/ClusterRoleBinding/eks:podsecuritypolicy:authenticated', undefined, { params: { kind: 'ClusterRoleBinding', name: 'eks:podsecuritypolicy:authenticated' } });
    expect(unconfirmed.status).toBe(409);
    expect((await unconfirmed.json()).error.details.field).toBe('confirm');
    const confirmed = await call(deleteBinding, 'DELETE', '/api/v1/bindings/ClusterRoleBinding/x?confirm=true', undefined, { params: { kind: 'ClusterRoleBinding', name: 'eks:podsecuritypolicy:authenticated' } });
    expect(confirmed.status).toBe(200);
    const masters = await call(removeSubject, 'DELETE', '/api/v1/bindings/ClusterRoleBinding/cluster-admin/subjects', { subject: { kind: 'Group', name: 'system:masters' } }, { params: { kind: 'ClusterRoleBinding', name: 'cluster-admin' } });
    expect(masters.status).toBe(409);
    expect((await masters.json()).error.message).toMatch(/grants more than PodSecurityPolicy use/);

    expect((await call(createPsp, 'POST', '/api/v1/psps', { template: 'restricted', name: 'restricted' })).status).toBe(200);
    const dup = await call(createPsp, 'POST', '/api/v1/psps', { template: 'baseline', name: 'restricted' });
    expect(dup.status).toBe(409);
    const edited = await call(putPsp, 'PUT', '/api/v1/psps/restricted', { manifest: { metadata: { name: 'restricted' }, spec: { seLinux: { rule: 'RunAsAny' }, runAsUser: { rule: 'MustRunAsNonRoot' }, supplementalGroups: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' }, readOnlyRootFilesystem: true } } }, { params: { name: 'restricted' } });
    expect(edited.status).toBe(200);
    const del = await (await call(deletePsp, 'DELETE', '/api/v1/psps/eks.privileged?dryRun=true', undefined, { params: { name: 'eks.privileged' } })).json();
    expect(del.warnings[0]).toMatch(/Still granted by ClusterRole eks:podsecuritypolicy:privileged/);

    const view = await (await pending(new Request('http://127.0.0.1:3000/api/v1/pending'))).json();
    expect(view.history.map((h: { summary: string }) => h.summary)).toHaveLength(6);
    expect(view.delete).toEqual([{ kind: 'ClusterRoleBinding', apiVersion: 'rbac.authorization.k8s.io/v1', name: 'eks:podsecuritypolicy:authenticated' }]);
    expect(view.yaml).toContain('readOnlyRootFilesystem: true');
    const yaml = await (await pending(new Request('http://127.0.0.1:3000/api/v1/pending?format=yaml'))).text();
    expect(yaml).toMatch(/^# Pending changes from PSP Dashboard/);
  });
});

describe('the impact in every preview', () => {
  beforeEach(() => useDemo());
  type Impact = { refusedAfter: { key: string; pspBefore?: string }[]; changedPsp: unknown[]; admittedAfter: unknown[]; simulated: number };
  const names = (list: { key: string }[]) => list.map((w) => w.key).sort();

  it('deleting eks:podsecuritypolicy:authenticated lists the workloads refused after; applying carries no impact', async () => {
    const path = '/api/v1/bindings/ClusterRoleBinding/eks:podsecuritypolicy:authenticated?confirm=true';
    const params = { kind: 'ClusterRoleBinding', name: 'eks:podsecuritypolicy:authenticated' };
    const preview = await (await call(deleteBinding, 'DELETE', `${path}&dryRun=true`, undefined, { params })).json();
    const impact = preview.impact as Impact;
    expect(impact.simulated).toBe(11);
    expect(names(impact.refusedAfter)).toEqual(expect.arrayContaining(['DaemonSet/kube-system/aws-node', 'Deployment/ci/runner', 'Deployment/shop/web']));
    expect(impact.refusedAfter.length).toBeGreaterThanOrEqual(10);
    expect(impact.refusedAfter.every((w) => w.pspBefore === 'eks.privileged')).toBe(true);
    const applied = await (await call(deleteBinding, 'DELETE', path, undefined, { params })).json();
    expect(applied.impact).toBeUndefined();
  });

  it('deleting the only PSP lists the refused workloads; attaching a new grant lists nothing refused', async () => {
    const del = (await (await call(deletePsp, 'DELETE', '/api/v1/psps/eks.privileged?dryRun=true', undefined, { params: { name: 'eks.privileged' } })).json()).impact as Impact;
    expect(del.refusedAfter.length).toBeGreaterThanOrEqual(10);
    const attached = (await (await call(attach, 'POST', '/api/v1/attach?dryRun=true', { psp: 'eks.privileged', subject: { kind: 'Group', name: 'eks' } })).json()).impact as Impact;
    expect(attached).toEqual({ refusedAfter: [], changedPsp: [], admittedAfter: [], simulated: 11 });
  });
});

describe('undo one pending change', () => {
  beforeEach(() => useDemo());
  const history = async () => ((await (await pending(new Request('http://127.0.0.1:3000/api/v1/pending'))).json()).history as { summary: string }[]).map((h) => h.summary);

  it('takes back one change and plans the later ones again; refuses when a later one depends on it', async () => {
    const group = (name: string) => ({ psp: 'eks.privileged', subject: { kind: 'Group', name } });
    expect((await call(attach, 'POST', '/api/v1/attach', group('team-a'))).status).toBe(200);
    expect((await call(attach, 'POST', '/api/v1/attach', group('team-b'))).status).toBe(200);
    expect(await history()).toHaveLength(2);

    const undone = await call(discard, 'DELETE', '/api/v1/pending?change=1');
    expect(undone.status).toBe(200);
    expect((await undone.json()).history.map((h: { summary: string }) => h.summary)).toEqual(['attach PodSecurityPolicy eks.privileged to Group team-b']);
    const tree = await treeText();
    expect(tree).toContain('team-b');
    expect(tree).not.toContain('team-a');

    expect((await call(createPsp, 'POST', '/api/v1/psps', { template: 'restricted', name: 'restricted' })).status).toBe(200);
    expect((await call(deletePsp, 'DELETE', '/api/v1/psps/restricted', undefined, { params: { name: 'restricted' } })).status).toBe(200);
    const refused = await call(discard, 'DELETE', '/api/v1/pending?change=2');
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.message).toMatch(/Change 2 cannot be undone alone: change 3 .* depends on it/);
    expect(await history()).toHaveLength(3);
    expect((await call(discard, 'DELETE', '/api/v1/pending?change=9')).status).toBe(404);
    expect((await call(discard, 'DELETE', '/api/v1/pending?change=x')).status).toBe(400);
  });
});

describe('guards and bad input', () => {
  beforeEach(() => useDemo());
  const body = { psp: 'eks.privileged', subject: { kind: 'Group', name: 'eks' } };

  it('read-only mode refuses every mutating route', async () => {
    useDemo(true);
    const routes: [unknown, string, string, unknown, Record<string, string>?][] = [
      [attach, 'POST', '/api/v1/attach', body], [detach, 'POST', '/api/v1/detach', body], [clean, 'POST', '/api/v1/clean', { psp: 'x' }],
      [createPsp, 'POST', '/api/v1/psps', { template: 'restricted', name: 'r' }], [putPsp, 'PUT', '/api/v1/psps/x', { manifest: {} }, { name: 'x' }],
      [deletePsp, 'DELETE', '/api/v1/psps/x', undefined, { name: 'x' }], [deleteBinding, 'DELETE', '/api/v1/bindings/ClusterRoleBinding/x', undefined, { kind: 'ClusterRoleBinding', name: 'x' }],
      [removeSubject, 'DELETE', '/api/v1/bindings/ClusterRoleBinding/x/subjects', { subject: { kind: 'Group', name: 'g' } }, { kind: 'ClusterRoleBinding', name: 'x' }],
    ];
    for (const [h, m, p, b, params] of routes) {
      const res = await call(h, m, p, b, { params });
      expect(res.status, `${m} ${p}`).toBe(403);
      expect((await res.json()).error.code).toBe('read_only');
    }
  });

  it('refuses a wrong Host, a foreign Origin and a missing or wrong CSRF token', async () => {
    const variants: Record<string, string>[] = [
      { host: 'evil.example:3000' }, { origin: 'http://evil.example' }, { origin: 'null' }, { 'x-csrf-token': '' }, { 'x-csrf-token': 'wrong' },
      // Malformed Host values that start with a loopback name.
      { host: 'localhost:3000.evil.com' }, { host: '127.0.0.1:3000@evil.com' }, { host: '[::1]evil.com' }, { host: '127.0.0.1:3000, evil.com' },
      // Our host with another scheme or port is another origin.
      { origin: 'https://127.0.0.1:3000' }, { origin: 'http://127.0.0.1:3001' }, { origin: 'http://127.0.0.1' }, { origin: 'http://127.0.0.1:3000.evil.com' },
    ];
    for (const headers of variants) {
      const res = await call(attach, 'POST', '/api/v1/attach', body, { headers });
      expect(res.status, JSON.stringify(headers)).toBe(403);
    }
    expect((await call(attach, 'POST', '/api/v1/attach', body, { headers: { origin: 'http://127.0.0.1:3000' } })).status).toBe(200);
    // Behind a TLS-terminating proxy the browser's origin is https, and the proxy says so.
    expect((await call(attach, 'POST', '/api/v1/attach', body, { headers: { origin: 'https://127.0.0.1:3000', 'x-forwarded-proto': 'https' } })).status).toBe(200);
  });

  it('answers bad bodies with 400 and changes nothing', async () => {
    const cases: [string | undefined, unknown, string?][] = [
      ['not json', undefined],
      [undefined, { psp: 'eks.privileged' }],
      [undefined, { psp: 'eks.privileged', subject: { kind: 'Robot', name: 'x' } }],
      [undefined, { psp: 'eks.privileged', subject: { kind: 'ServiceAccount', name: 'x' } }],
      [undefined, { psp: 'eks.privileged', subject: { kind: 'Group', name: 'eks' }, extra: 1 }],
      [undefined, { psp: '', subject: { kind: 'Group', name: 'eks' } }],
      [undefined, { psp: 'a/b', subject: { kind: 'Group', name: 'eks' } }],
      [undefined, [1, 2, 3]],
    ];
    for (const [raw, b] of cases) {
      const res = await call(attach, 'POST', '/api/v1/attach', b, { raw });
      expect(res.status, raw ?? JSON.stringify(b)).toBe(400);
      expect((await res.json()).error.code).toBe('invalid');
    }
    const missing = await call(attach, 'POST', '/api/v1/attach', { psp: 'no-such-psp', subject: { kind: 'Group', name: 'g' } });
    expect(missing.status).toBe(404);
    expect((await (await pending(new Request('http://127.0.0.1:3000/api/v1/pending'))).json()).history).toEqual([]);
  });

  it('refuses, in the demo as the API server would, names, labels and annotations a live cluster refuses, in its words', async () => {
    const SUBDOMAIN = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
    const spec = { seLinux: { rule: 'RunAsAny' }, runAsUser: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' } };
    const cases: [unknown, string, string, unknown, string][] = [
      [attach, 'POST', '/api/v1/attach', { psp: 'eks.privileged', subject: { kind: 'ServiceAccount', name: 'UPPER..x', namespace: 'default' } }, `subject.name: Invalid value: "UPPER..x": ${SUBDOMAIN}`],
      [attach, 'POST', '/api/v1/attach', { psp: 'eks.privileged', subject: { kind: 'ServiceAccount', name: 'a:b', namespace: 'default' } }, `subject.name: Invalid value: "a:b": ${SUBDOMAIN}`],
      [attach, 'POST', '/api/v1/attach', { psp: 'eks.privileged', subject: { kind: 'ServiceAccount', name: 'a\u0000b', namespace: 'default' } }, 'subject.name: Invalid value: "a\\x00b"'],
      [attach, 'POST', '/api/v1/attach', { psp: 'eks.privileged', subjects: [{ kind: 'ServiceAccount', name: 'evil\u202etxt', namespace: 'default' }] }, 'subjects.0.name: Invalid value: "evil\\u202etxt"'],
      [attach, 'POST', '/api/v1/attach', { psp: 'eks.privileged', subject: { kind: 'ServiceAccount', name: 'ok', namespace: 'Kube.System' } }, 'subject.namespace: Invalid value: "Kube.System": a lowercase RFC 1123 label'],
      [attach, 'POST', '/api/v1/attach', { psp: 'eks.privileged', subject: { kind: 'Group', name: '' } }, 'subject.name: Required value'],
      [detach, 'POST', '/api/v1/detach', { psp: 'eks.privileged', subject: { kind: 'ServiceAccount', name: 'UPPER..x', namespace: 'default' } }, 'subject.name: Invalid value: "UPPER..x"'],
      [createPsp, 'POST', '/api/v1/psps', { template: 'restricted', name: 'Restricted' }, `name: Invalid value: "Restricted": ${SUBDOMAIN}`],
      [createPsp, 'POST', '/api/v1/psps', { manifest: { metadata: { name: 'p', labels: { 'a b': 'x' } }, spec } }, 'metadata.labels: Invalid value: "a b": name part must consist of alphanumeric characters'],
      [createPsp, 'POST', '/api/v1/psps', { manifest: { metadata: { name: 'p', labels: { a: 'x y' } }, spec } }, 'metadata.labels: Invalid value: "x y": a valid label must be an empty string or consist of alphanumeric characters'],
      [createPsp, 'POST', '/api/v1/psps', { manifest: { metadata: { name: 'p', labels: { ['k'.repeat(64)]: 'v' } }, spec } }, 'name part must be no more than 63 characters'],
      [createPsp, 'POST', '/api/v1/psps', { manifest: { metadata: { name: 'p', labels: { a: 'v'.repeat(64) } }, spec } }, `metadata.labels: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`],
      [createPsp, 'POST', '/api/v1/psps', { manifest: { metadata: { name: 'p', annotations: { a: 'x'.repeat(300 * 1024) } }, spec } }, 'metadata.annotations: Too long: must have at most 262144 bytes'],
      [createPsp, 'POST', '/api/v1/psps', { manifest: { metadata: { name: 'p', annotations: { 'bad key': 'v' } }, spec } }, 'metadata.annotations: Invalid value: "bad key"'],
      [createPsp, 'POST', '/api/v1/psps', { manifest: { metadata: { name: 'UPPER..x' }, spec } }, `metadata.name: Invalid value: "UPPER..x": ${SUBDOMAIN}`],
    ];
    for (const [h, m, p, b, fragment] of cases) {
      const res = await call(h, m, p, b);
      const text = await res.text();
      expect(res.status, `${p} ${text.slice(0, 300)}`).toBe(400);
      expect(JSON.parse(text).error.message, p).toContain(fragment);
    }
    // What the API server does accept is accepted: any non-empty User or Group name.
    for (const name of ['a:b', 'UPPER..x', 'evil\u202etxt']) {
      expect((await call(attach, 'POST', '/api/v1/attach?dryRun=true', { psp: 'eks.privileged', subject: { kind: 'User', name } })).status, name).toBe(200);
    }
    // Only the dry runs above: nothing was applied to the demo.
    expect((await (await pending(new Request('http://127.0.0.1:3000/api/v1/pending'))).json()).history).toEqual([]);
  });
});
