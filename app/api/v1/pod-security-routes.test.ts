/**
 * The Pod Security routes on the demo cluster (a PSP cluster mid-migration: kube-public enforces
 * restricted, shop audits/warns at restricted, analytics enforces baseline): the board, its exports,
 * the one-pod check, and their 400s and 404s.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FileSource } from '@/lib/server/sources/file';
import { setSourceForTests } from '@/lib/server/sources/registry';
import { DEMO_PATH } from '@/lib/testing/demo';
import { GET as board } from './pod-security/route';
import { POST as check } from './pod-security/check/route';

const get = (q = '') => board(new Request(`http://127.0.0.1:3000/api/v1/pod-security${q}`));
const post = (body: unknown, type = 'application/json') =>
  check(new Request('http://127.0.0.1:3000/api/v1/pod-security/check', { method: 'POST', headers: { 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) }));

/** As an object here; YAML text is taken too (see the 400 cases). */
const PRIVILEGED_POD = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: 'ci' }, spec: { containers: [{ name: 'shell', image: 'busybox', securityContext: { privileged: true } }] } };

describe('GET /api/v1/pod-security on the demo cluster', () => {
  beforeAll(() => setSourceForTests(new FileSource(DEMO_PATH, 'demo', false), { source: { kind: 'demo', reason: 'asked' }, readOnly: false }));

  it('answers the documented shape: serverVersion, and per namespace labels, recommended, levels, mutated, relabelers', async () => {
    const res = await get();
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ serverVersion: null, serverMinor: 24, pspApiServed: true, latest: { now: 'v1.24', nextUpgrade: 'v1.25' } });
    expect(body.namespaces).toHaveLength(7);
    const ci = body.namespaces.find((r: { namespace: string }) => r.namespace === 'ci');
    expect(ci).toMatchObject({
      namespace: 'ci',
      labels: { enforce: { level: 'privileged', version: 'latest' }, set: {} },
      recommended: { level: 'privileged', version: 'v1.24' },
      levels: {
        baseline: { violations: [{ workload: 'Deployment/runner', checks: [{ id: 'privileged', message: 'privileged (container "runner" must not set securityContext.privileged=true)' }] }] },
        restricted: { violations: [expect.objectContaining({ workload: 'Deployment/runner' }), expect.objectContaining({ workload: 'Job/db-migrate' })] },
      },
      mutated: false,
      relabelers: [{ kind: 'Group', name: 'system:masters', via: 'ClusterRoleBinding/cluster-admin', verbs: ['patch', 'update'] }],
      psps: ['eks.privileged'],
    });
    expect(body.checklist.map((i: { id: string; done: boolean }) => [i.id, i.done])).toEqual([
      ['namespaces-labelled', false], ['versions-pinned', false], ['no-mutating-psp', true], ['psp-admission-off', false],
    ]);
  });

  it('?namespace= gives one row; an unknown namespace is a 404', async () => {
    const body = await (await get('?namespace=kube-public')).json();
    expect(body.namespaces.map((r: { namespace: string }) => r.namespace)).toEqual(['kube-public']);
    const missing = await get('?namespace=nowhere');
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('not_found');
  });

  it('?format=csv and ?format=markdown are downloads', async () => {
    const csv = await get('?format=csv');
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="pod-security-board.csv"');
    expect((await csv.text()).split('\r\n')[0]).toMatch(/^namespace,enforce,audit,warn,/);
    const md = await get('?format=markdown&namespace=shop');
    expect(md.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    const text = await md.text();
    expect(text).toContain('| shop |');
    expect(text).not.toContain('| ci |');
    expect((await get('?format=csv&namespace=nowhere')).status).toBe(404);
  });

  it.each([
    ['?format=pdf', 'format'],
    ['?bogus=1', 'bogus'],
    ['?namespace=a&namespace=b', '"namespace" is given more than once'],
  ])('GET %s is a 400 naming the problem', async (q, fragment) => {
    const res = await get(q);
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain(fragment);
  });
});

describe('POST /api/v1/pod-security/check on the demo cluster', () => {
  beforeAll(() => setSourceForTests(new FileSource(DEMO_PATH, 'demo', false), { source: { kind: 'demo', reason: 'asked' }, readOnly: false }));

  it('a manifest at a level and version: refused with the plugin\'s checks and message', async () => {
    const res = await post({ manifest: PRIVILEGED_POD, level: 'baseline', version: 'v1.24' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      allowed: false, level: 'baseline', version: 'v1.24',
      checks: [{ id: 'privileged', message: 'privileged (container "shell" must not set securityContext.privileged=true)' }],
      message: 'violates PodSecurity "baseline:v1.24": privileged (container "shell" must not set securityContext.privileged=true)',
    });
  });

  it('an existing workload, at its namespace\'s enforce level when no level is given', async () => {
    const body = await (await post({ workload: 'Deployment/kube-system/coredns', namespace: 'kube-public' })).json();
    expect(body).toMatchObject({ allowed: false, level: 'restricted', version: 'v1.24' });
    expect(body.checks.map((c: { id: string }) => c.id)).toEqual(['capabilities_restricted', 'runAsNonRoot', 'seccompProfile_restricted']);
    const ok = await (await post({ workload: 'Deployment/kube-system/coredns', level: 'baseline' })).json();
    expect(ok).toEqual(expect.objectContaining({ allowed: true, checks: [], version: 'latest' }));
  });

  it.each([
    [{ level: 'baseline' }, 'manifest'],
    [{ manifest: PRIVILEGED_POD, workload: 'Pod/ci/x', level: 'baseline' }, 'exactly one of manifest and workload'],
    [{ manifest: PRIVILEGED_POD }, 'level'],
    [{ manifest: PRIVILEGED_POD, level: 'strict' }, 'level'],
    [{ manifest: PRIVILEGED_POD, level: 'baseline', version: '1.24' }, 'version'],
    [{ manifest: PRIVILEGED_POD, level: 'baseline', extra: 1 }, 'extra'],
    [{ manifest: 'kind: Service\nmetadata: {name: s}', level: 'baseline' }, 'carries no pod template'],
    [{ manifest: ': not yaml: [', level: 'baseline' }, 'not valid YAML'],
  ])('a bad body is a 400 naming the field: %j', async (body, fragment) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain(fragment);
  });

  it('not JSON is a 400; an unknown workload or namespace a 404', async () => {
    expect((await post('level=baseline', 'text/plain')).status).toBe(400);
    expect((await post({ workload: 'Deployment/shop/ghost', level: 'baseline' })).status).toBe(404);
    expect((await post({ manifest: PRIVILEGED_POD, namespace: 'nowhere' })).status).toBe(404);
  });
});
