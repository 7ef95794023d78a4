/**
 * POST /api/v1/advise on the demo cluster (EKS as shipped: eks.privileged for every authenticated
 * requester): each namespace gets a proposal its workloads are admitted by, unchanged; 400s and 404s.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FileSource } from '@/lib/server/sources/file';
import { setSourceForTests } from '@/lib/server/sources/registry';
import { DEMO_PATH } from '@/lib/testing/demo';
import { parse } from 'yaml';
import { POST as advise } from './advise/route';
import { POST as apply } from './advise/apply/route';
import { GET as pending } from './pending/route';
import { csrfToken } from '@/lib/server/csrf';

const post = (body: unknown, type = 'application/json') =>
  advise(new Request('http://127.0.0.1:3000/api/v1/advise', { method: 'POST', headers: { 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) }));

describe('POST /api/v1/advise on the demo cluster', () => {
  beforeAll(() => setSourceForTests(new FileSource(DEMO_PATH, 'demo', false), { source: { kind: 'demo', reason: 'asked' }, readOnly: false }));

  it.each([
    ['kube-system', 4],
    ['shop', 3],
    ['ci', 2],
  ])('%s: every workload admitted by the proposal, unchanged, and each allowance needed', async (ns, count) => {
    const res = await post({ namespace: ns });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.psp.metadata.name).toBe(`advised-${ns}`);
    expect(parse(body.yaml)).toEqual(JSON.parse(JSON.stringify(body.psp)));
    expect(body.admits).toHaveLength(count);
    for (const a of body.admits) expect(a).toMatchObject({ allowed: true, psp: `advised-${ns}`, mutated: false, mutations: [] });
    expect(body.minimality.every((m: { ok: boolean }) => m.ok)).toBe(true);
    expect(body.existing).toMatchObject({ psp: 'eks.privileged', sufficient: false });
    expect(body.reasons.length).toBeGreaterThan(0);
    for (const r of body.reasons) expect(r).toEqual({ field: expect.any(String), value: expect.any(String), workloads: expect.any(Array), text: expect.any(String) });
  });

  it('kube-system: the reasons name the workloads', async () => {
    const body = await (await post({ namespace: 'kube-system' })).json();
    const texts = body.reasons.map((r: { text: string }) => r.text);
    expect(texts).toContain('hostNetwork: true — DaemonSet kube-system/aws-node, DaemonSet kube-system/kube-proxy');
    expect(texts).toContain('allowedCapabilities: NET_ADMIN — DaemonSet kube-system/aws-node');
    expect(body.psp.spec.privileged).toBe(true);
    // Its Pod Security level, and why: what these workloads need under PSA.
    expect(body.pss.level).toBe('privileged');
    expect(body.pss.looser.map((l: { check: string }) => l.check)).toEqual(expect.arrayContaining(['privileged', 'hostNamespaces']));
  });

  it('a list of workloads, and a service account', async () => {
    const one = await (await post({ workloads: [{ kind: 'Deployment', namespace: 'kube-system', name: 'coredns' }], name: 'coredns-only' })).json();
    expect(one.psp.metadata.name).toBe('coredns-only');
    expect(one.psp.spec).toMatchObject({ privileged: false, hostNetwork: false, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, allowedCapabilities: ['NET_BIND_SERVICE'], requiredDropCapabilities: ['all'] });
    expect(one.admits).toEqual([expect.objectContaining({ workload: 'Deployment kube-system/coredns', allowed: true, psp: 'coredns-only', mutated: false })]);
    const sa = await (await post({ serviceAccount: 'shop/cart' })).json();
    expect(sa.psp.metadata.name).toBe('advised-shop-cart');
    expect(sa.workloads).toEqual([{ kind: 'Deployment', namespace: 'shop', name: 'cart', serviceAccount: 'cart' }]);
    expect(sa.psp.spec).toMatchObject({ runAsUser: { rule: 'MustRunAs', ranges: [{ min: 10001, max: 10001 }] }, fsGroup: { rule: 'MustRunAs', ranges: [{ min: 10001, max: 10001 }] }, allowPrivilegeEscalation: false, requiredDropCapabilities: ['ALL'] });
    expect(sa.admits[0]).toMatchObject({ allowed: true, psp: 'advised-shop-cart', mutated: false });
  });

  it.each([
    [{}, 'exactly one of namespace, workloads and serviceAccount'],
    [{ namespace: 'shop', serviceAccount: 'shop/cart' }, 'exactly one'],
    [{ namespace: 'Shop' }, 'namespace'],
    [{ workloads: [] }, 'at least one workload'],
    [{ workloads: [{ kind: 'Service', namespace: 'shop', name: 'web' }] }, 'kind must be one of'],
    [{ serviceAccount: 'cart' }, 'NAMESPACE/NAME'],
    [{ namespace: 'shop', name: 'Not A Name' }, 'name'],
    [{ namespace: 'shop', extra: 1 }, 'extra'],
    ['[', 'not valid JSON'],
  ])('400 for %j', async (body, fragment) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain(fragment);
  });

  it('400 for a body that is not JSON', async () => {
    expect((await post('namespace=shop', 'application/x-www-form-urlencoded')).status).toBe(400);
  });

  it.each([
    [{ namespace: 'nowhere' }, 'No workloads in namespace nowhere'],
    [{ serviceAccount: 'shop/nobody' }, 'shop/nobody'],
    [{ workloads: [{ kind: 'Deployment', namespace: 'shop', name: 'web' }, { kind: 'Job', namespace: 'shop', name: 'ghost' }] }, 'Job shop/ghost'],
  ])('404 for %j', async (body, fragment) => {
    const res = await post(body);
    expect(res.status).toBe(404);
    expect((await res.json()).error.message).toContain(fragment);
  });
});

describe('POST /api/v1/advise/apply on the demo cluster', () => {
  beforeAll(() => setSourceForTests(new FileSource(DEMO_PATH, 'demo', false), { source: { kind: 'demo', reason: 'asked' }, readOnly: false }));
  const change = (path: string, body: unknown, headers: Record<string, string> = { 'x-csrf-token': csrfToken() }) =>
    apply(new Request(`http://127.0.0.1:3000${path}`, { method: 'POST', headers: { host: '127.0.0.1:3000', 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }), undefined as never);

  it('previews, applies as one plan, then the proposal is the existing sufficient PSP and applying again is a no-op', async () => {
    const preview = await (await change('/api/v1/advise/apply?dryRun=true', { namespace: 'ci' })).json();
    expect(preview.dryRun).toBe(true);
    expect(preview.operations.map((o: { action: string; kind: string; name: string; namespace?: string }) => `${o.action} ${o.kind} ${o.namespace ?? ''}/${o.name}`)).toEqual([
      'create PodSecurityPolicy /advised-ci', 'create ClusterRole /psp-util.advised-ci', 'create RoleBinding ci/psp-util.advised-ci',
    ]);
    const done = await (await change('/api/v1/advise/apply', { namespace: 'ci' })).json();
    expect(done.performed).toHaveLength(3);
    const exported = await (await pending(new Request('http://127.0.0.1:3000/api/v1/pending?format=yaml'))).text();
    expect(exported).toContain('name: advised-ci');
    expect(exported).toContain('name: ci-runner');

    const after = await (await post({ namespace: 'ci' })).json();
    expect(after.existing).toEqual({ psp: 'advised-ci', sufficient: true, granted: true });
    for (const a of after.admits) expect(a).toMatchObject({ allowed: true, psp: 'advised-ci', mutated: false });
    const again = await (await change('/api/v1/advise/apply', { namespace: 'ci' })).json();
    expect(again.noop).toMatch(/already/);
    expect(again.performed).toEqual([]);
  });

  it('is a change route: CSRF is required, bad bodies are 400s, unknown workloads 404s', async () => {
    expect((await change('/api/v1/advise/apply', { namespace: 'shop' }, {})).status).toBe(403);
    expect((await change('/api/v1/advise/apply', { namespace: 'shop', serviceAccount: 'shop/cart' })).status).toBe(400);
    expect((await change('/api/v1/advise/apply', { namespace: 'nowhere' })).status).toBe(404);
  });
});
