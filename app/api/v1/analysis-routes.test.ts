/**
 * The analysis routes on the demo cluster (EKS as shipped: eks.privileged usable by every
 * authenticated requester): admission simulation and effective access, with their 400s and 404s.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { FileSource } from '@/lib/server/sources/file';
import { setSourceForTests } from '@/lib/server/sources/registry';
import { DEMO_PATH } from '@/lib/testing/demo';
import { GET as outcomes, POST as simulate } from './simulate/route';
import { GET as access } from './access/route';

const post = (body: unknown, type = 'application/json') =>
  simulate(new Request('http://127.0.0.1:3000/api/v1/simulate', { method: 'POST', headers: { 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) }));
const get = (q: string) => access(new Request(`http://127.0.0.1:3000/api/v1/access${q}`));

const PRIVILEGED_POD = `
apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: ci}
spec:
  containers:
  - name: shell
    image: busybox
    securityContext: {privileged: true}
`;

describe('POST /api/v1/simulate on the demo cluster', () => {
  beforeAll(() => setSourceForTests(new FileSource(DEMO_PATH, 'demo', false), { source: { kind: 'demo', reason: 'asked' }, readOnly: false }));

  it('a privileged pod from any authenticated user gets eks.privileged, unchanged', async () => {
    const res = await post({ manifest: PRIVILEGED_POD, requester: { user: 'alice' } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ allowed: true, psp: 'eks.privileged', mutations: [], namespace: 'ci', serviceAccount: 'default' });
    expect(body.pod.metadata.annotations['kubernetes.io/psp']).toBe('eks.privileged');
    expect(body.evaluations).toEqual([expect.objectContaining({ psp: 'eks.privileged', verdict: 'chosen', authorized: true })]);
  });

  it('without a requester only the pod service account is asked, and it is not system:authenticated', async () => {
    const body = await (await post({ manifest: PRIVILEGED_POD })).json();
    expect(body.allowed).toBe(false);
    expect(body.message).toBe('pods "debug" is forbidden: PodSecurityPolicy: unable to admit pod: []');
    expect(body.evaluations[0]).toMatchObject({ verdict: 'not-authorized', authorized: false });
  });

  it('an existing Deployment is simulated with its controller as the requester', async () => {
    const body = await (await post({ workload: 'Deployment/kube-system/coredns' })).json();
    expect(body).toMatchObject({ allowed: true, psp: 'eks.privileged', serviceAccount: 'coredns' });
    expect(body.requester.user).toBe('system:serviceaccount:kube-system:replicaset-controller');
  });

  it.each([
    [{ manifest: PRIVILEGED_POD, workload: 'Deployment/kube-system/coredns' }, 'exactly one of manifest and workload'],
    [{ manifest: 'a: [b' }, 'not valid YAML'],
    [{ manifest: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: {} } }, 'Cannot simulate a Service'],
    [{ manifest: { spec: { containers: [] } } }, 'no containers'],
    [{ manifest: PRIVILEGED_POD, requester: { user: '' } }, 'requester.user'],
  ])('400 for %j', async (body, fragment) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain(fragment);
  });

  it('400 for a body that is not JSON, 404 for an unknown workload', async () => {
    expect((await post(PRIVILEGED_POD, 'text/yaml')).status).toBe(400);
    expect((await post({ workload: 'Deployment/nowhere/nothing' })).status).toBe(404);
  });
});

describe('GET /api/v1/access on the demo cluster', () => {
  beforeAll(() => setSourceForTests(new FileSource(DEMO_PATH, 'demo', false), { source: { kind: 'demo', reason: 'asked' }, readOnly: false }));

  it('?psp: system:masters, then every binding subject with its scope and chain', async () => {
    const body = await (await get('?psp=eks.privileged')).json();
    expect(body.exists).toBe(true);
    expect(body.grants[0].subject.name).toBe('system:masters');
    const authd = body.grants.find((g: { subject: { name: string } }) => g.subject.name === 'system:authenticated');
    expect(authd).toMatchObject({ chain: { binding: { kind: 'ClusterRoleBinding', name: 'eks:podsecuritypolicy:authenticated' }, role: { kind: 'ClusterRole', name: 'eks:podsecuritypolicy:privileged' } } });
    expect(authd.namespace).toBeUndefined();
    expect(authd.covers).toMatch(/every authenticated user/);
  });

  it('?subject=Group/system:authenticated: eks.privileged in every namespace', async () => {
    const body = await (await get('?subject=Group/system:authenticated')).json();
    expect(body.usable).toEqual([expect.objectContaining({ psp: 'eks.privileged', namespaces: [] })]);
    expect(body.usable[0].clusterWide).toHaveLength(1);
  });

  it('?subject=ServiceAccount/…: nothing as a pod identity, eks.privileged as a requester', async () => {
    const body = await (await get('?subject=ServiceAccount/kube-system/coredns')).json();
    expect(body.identity.groups).not.toContain('system:authenticated');
    expect(body.usable.map((u: { psp: string }) => u.psp)).not.toContain('eks.privileged');
    expect(body.asRequester.usable.map((u: { psp: string }) => u.psp)).toContain('eks.privileged');
  });

  it.each([['', 'exactly one'], ['?psp=a&subject=User/b', 'exactly one'], ['?subject=alice', 'subject must be'], ['?subject=ServiceAccount/x', 'subject must be']])('400 for %s', async (q, fragment) => {
    const res = await get(q);
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain(fragment);
  });
});

describe('GET /api/v1/simulate on the demo cluster', () => {
  beforeAll(() => setSourceForTests(new FileSource(DEMO_PATH, 'demo', false), { source: { kind: 'demo', reason: 'asked' }, readOnly: false }));
  const list = (q: string) => outcomes(new Request(`http://127.0.0.1:3000/api/v1/simulate${q}`));

  it('every workload gets eks.privileged through its controller, which is system:authenticated', async () => {
    const body = await (await list('')).json();
    expect(body.workloads.length).toBeGreaterThan(5);
    expect(body.refused).toBe(0);
    expect(new Set(body.workloads.map((w: { psp: string }) => w.psp))).toEqual(new Set(['eks.privileged']));
    expect(body.workloads.find((w: { name: string }) => w.name === 'coredns')).toMatchObject({ kind: 'Deployment', namespace: 'kube-system', requester: 'system:serviceaccount:kube-system:replicaset-controller', allowed: true, mutated: false });
  });

  it('filters by namespace; 400 for an unknown parameter', async () => {
    const body = await (await list('?namespace=kube-system&useServiceAccountCredentials=false')).json();
    expect(body.useServiceAccountCredentials).toBe(false);
    expect(body.workloads.every((w: { namespace: string; requester: string }) => w.namespace === 'kube-system' && w.requester === 'system:kube-controller-manager')).toBe(true);
    expect((await list('?ns=x')).status).toBe(400);
  });
});
