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

  /** Malformed pods the engine used to trip over (500): each is a 400 naming the field as written. */
  const C = { name: 'a', image: 'x' };
  const DEEP = '__DEEP__';
  const deepJson = (n: number) => `${'{"x":'.repeat(n)}{}${'}'.repeat(n)}`;
  const malformedSpecs: [string, unknown, string][] = [
    ['containers: [null]', { containers: [null] }, 'spec.containers[0]: expected an object'],
    ['containers: "x"', { containers: 'x' }, 'spec.containers: expected a list'],
    ['initContainers: [null]', { containers: [C], initContainers: [null] }, 'spec.initContainers[0]: expected an object'],
    ['ephemeralContainers: 5', { containers: [C], ephemeralContainers: 5 }, 'spec.ephemeralContainers: expected a list'],
    ['volumes: "x"', { containers: [C], volumes: 'x' }, 'spec.volumes: expected a list'],
    ['volumes: [null]', { containers: [C], volumes: [null] }, 'spec.volumes[0]: expected an object'],
    ['a volume without a name', { containers: [C], volumes: [{ emptyDir: {} }] }, 'spec.volumes[0].name: Required value'],
    ['hostPath: "x"', { containers: [C], volumes: [{ name: 'v', hostPath: '/' }] }, 'spec.volumes[0].hostPath: expected an object'],
    ['projected sources: [null]', { containers: [C], volumes: [{ name: 'v', projected: { sources: [null] } }] }, 'spec.volumes[0].projected.sources[0]: expected an object'],
    ['ports: [null]', { containers: [{ ...C, ports: [null] }] }, 'spec.containers[0].ports[0]: expected an object'],
    ['hostPort: "80"', { containers: [{ ...C, ports: [{ containerPort: 80, hostPort: '80' }] }] }, 'spec.containers[0].ports[0].hostPort: expected a 32-bit integer'],
    ['capabilities.drop: 5', { containers: [{ ...C, securityContext: { capabilities: { drop: 5 } } }] }, 'spec.containers[0].securityContext.capabilities.drop: expected a list'],
    ['capabilities.add: [null]', { containers: [{ ...C, securityContext: { capabilities: { add: [null] } } }] }, 'spec.containers[0].securityContext.capabilities.add[0]: expected a string'],
    ['privileged: "true"', { containers: [{ ...C, securityContext: { privileged: 'true' } }] }, 'spec.containers[0].securityContext.privileged: expected a boolean'],
    ['runAsUser: 1.5', { containers: [{ ...C, securityContext: { runAsUser: 1.5 } }] }, 'spec.containers[0].securityContext.runAsUser: expected an integer'],
    ['volumeMounts: [null]', { containers: [{ ...C, volumeMounts: [null] }] }, 'spec.containers[0].volumeMounts[0]: expected an object'],
    ['pod securityContext: "x"', { containers: [C], securityContext: 'x' }, 'spec.securityContext: expected an object'],
    ['sysctls: [null]', { containers: [C], securityContext: { sysctls: [null] } }, 'spec.securityContext.sysctls[0]: expected an object'],
    ['supplementalGroups: ["0"]', { containers: [C], securityContext: { supplementalGroups: ['0'] } }, 'spec.securityContext.supplementalGroups[0]: expected an integer'],
    ['hostNetwork: "yes"', { containers: [C], hostNetwork: 'yes' }, 'spec.hostNetwork: expected a boolean'],
    ['hostPID: 1', { containers: [C], hostPID: 1 }, 'spec.hostPID: expected a boolean'],
    ['hostIPC: {}', { containers: [C], hostIPC: {} }, 'spec.hostIPC: expected a boolean'],
    ['serviceAccountName: {}', { containers: [C], serviceAccountName: {} }, 'spec.serviceAccountName: expected a string'],
    ['a 10,000-deep securityContext', { containers: [{ ...C, securityContext: DEEP }] }, 'nested deeper than 64 levels'],
    ['a 10,000-deep unknown field', { containers: [C], extra: DEEP }, 'nested deeper than 64 levels'],
  ];
  it.each(malformedSpecs)('400 naming the field for a pod with %s, and for the same Deployment and CronJob template', async (_what, spec, error) => {
    const send = (manifest: unknown) => simulate(new Request('http://127.0.0.1:3000/api/v1/simulate', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ manifest, requester: { user: 'alice' } }).replace(`"${DEEP}"`, deepJson(10_000)),
    }));
    for (const [manifest, prefix] of [
      [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec }, ''],
      [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec } } }, 'spec.template.'],
      [{ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: { spec } } } } }, 'spec.jobTemplate.spec.template.'],
    ] as const) {
      const res = await send(manifest);
      expect(res.status, `${manifest.kind}: ${_what}`).toBe(400);
      const { message } = (await res.json()).error;
      expect(message).toContain(error.includes('nested') ? error : `${prefix}${error}`);
      expect(message.startsWith(prefix), message).toBe(true);
    }
  });

  it.each([
    ['annotations: "x"', { name: 'p', annotations: 'x' }, 'metadata.annotations: expected an object of strings'],
    ['a seccomp annotation that is a number', { name: 'p', annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 5 } }, 'metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]: expected a string'],
    ['labels: [1]', { name: 'p', labels: [1] }, 'metadata.labels: expected an object of strings'],
    ['metadata: "x"', 'x', 'metadata: expected an object'],
  ])('400 for a pod whose metadata has %s', async (_what, metadata, error) => {
    const res = await post({ manifest: { apiVersion: 'v1', kind: 'Pod', metadata, spec: { containers: [C] } } });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain(error);
  });

  it('400 for malformed YAML manifests too, however deep', async () => {
    for (const [manifest, fragment] of [
      ['kind: Pod\nmetadata: {name: p}\nspec:\n  containers: [~]\n', 'spec.containers[0]: expected an object'],
      ['kind: Deployment\nmetadata: {name: d}\nspec:\n  template: x\n', 'spec.template: expected an object'],
      [`kind: Pod\nspec: {containers: [{name: a}], x: ${'['.repeat(5000)}${']'.repeat(5000)}}\n`, ''],
    ]) {
      const res = await post({ manifest });
      expect(res.status, manifest.slice(0, 60)).toBe(400);
      expect((await res.json()).error.message).toContain(fragment);
    }
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
