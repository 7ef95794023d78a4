/**
 * ReplicationControllers through the dashboard on kube-apiserver v1.24.17 with the controller manager
 * (its replication-controller creates the pods). In one namespace only a PSP that sets fields
 * (defaultAllowPrivilegeEscalation, runAsUser and fsGroup MustRunAs, a default seccomp profile) is
 * granted to the service accounts; a non-mutating PSP that allows host paths exists but is not granted.
 * Two RCs: `legacy` (plain pods, which the PSP mutates) and `legacy-host` (a hostPath volume, which it
 * refuses: FailedCreate). Read through the live source and the HTTP API, the dashboard must:
 *  - list both RCs as workloads, their pods as theirs (not as bare pods);
 *  - predict for `legacy` the PSP real admission wrote in `kubernetes.io/psp` of its pods, and for
 *    `legacy-host` the controller's FailedCreate message;
 *  - list them on the board with refusals equal to a server dry run of their pods in namespaces that
 *    enforce baseline and restricted (whole message);
 *  - find on `legacy`'s running pods the fields its PSP set, equal to those predicted from the template;
 *  - audit `legacy-host` as refused, with an attach fix the route takes; applied, the controller's next
 *    pod gets the PSP the fix names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCluster } from '../testenv/cluster';
import { csrfToken } from '../lib/server/csrf';
import type { AuditReport } from '../lib/audit/types';
import type { BoardRow } from '../lib/pss/board';
import type { WorkloadOutcome } from '../lib/access/simulate-workload';
import { podOfWorkload } from '../lib/access/simulate-workload';
import type { Workload } from '../lib/model/types';
import type { RawObject } from '../lib/sources/to-model';
import { GET as auditRoute } from '../app/api/v1/audit/route';
import { POST as attachRoute } from '../app/api/v1/attach/route';
import { GET as podSecurityRoute } from '../app/api/v1/pod-security/route';
import { GET as outcomesRoute, POST as simulateRoute } from '../app/api/v1/simulate/route';
import { GET as workloadsRoute } from '../app/api/v1/workloads/route';
import { clusterAvailable, createObjects, until } from './support';
import { startLiveDashboard } from './live-dashboard';

const NS = 'rc-legacy';
const MUTATING = 'rc-sets-fields';
const HOST = 'rc-host-paths';
const RBAC = 'rbac.authorization.k8s.io/v1';
const PSP_ANNOTATION = 'kubernetes.io/psp';
const E = 'pod-security.kubernetes.io/enforce';
const EV = 'pod-security.kubernetes.io/enforce-version';
const ANY = { seLinux: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' } };

const policy: RawObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
  {
    apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy',
    metadata: { name: MUTATING, annotations: { 'seccomp.security.alpha.kubernetes.io/allowedProfileNames': 'runtime/default', 'seccomp.security.alpha.kubernetes.io/defaultProfileName': 'runtime/default' } },
    spec: {
      ...ANY, privileged: false, allowPrivilegeEscalation: true, defaultAllowPrivilegeEscalation: false, volumes: ['configMap', 'secret', 'emptyDir', 'projected', 'downwardAPI'],
      runAsUser: { rule: 'MustRunAs', ranges: [{ min: 1000, max: 2000 }] }, fsGroup: { rule: 'MustRunAs', ranges: [{ min: 3000, max: 3000 }] },
    },
  },
  { apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: { name: HOST }, spec: { ...ANY, privileged: false, volumes: ['*'], runAsUser: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' } } },
  { apiVersion: RBAC, kind: 'ClusterRole', metadata: { name: `use-${MUTATING}` }, rules: [{ apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['use'], resourceNames: [MUTATING] }] },
  { apiVersion: RBAC, kind: 'RoleBinding', metadata: { name: `use-${MUTATING}`, namespace: NS }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `use-${MUTATING}` }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: `system:serviceaccounts:${NS}` }] },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'host-reader', namespace: NS } },
];

const rc = (name: string, replicas: number, spec: Record<string, unknown> = {}): RawObject => ({
  apiVersion: 'v1', kind: 'ReplicationController', metadata: { name, namespace: NS },
  spec: { replicas, selector: { app: name }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.7' }], ...spec } } },
});
const LEGACY = rc('legacy', 2);
const LEGACY_HOST = rc('legacy-host', 1, { serviceAccountName: 'host-reader', volumes: [{ name: 'logs', hostPath: { path: '/var/log' } }] });

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
async function call<T>(handler: unknown, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const req = new Request(`http://127.0.0.1:3000${path}`, {
    method, headers: { host: '127.0.0.1:3000', 'content-type': 'application/json', 'x-csrf-token': csrfToken() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const res = await (handler as Handler)(req, { params: Promise.resolve({}) });
  return { status: res.status, body: await res.json() as T };
}
async function get<T>(handler: unknown, path: string): Promise<T> {
  const r = await call<T>(handler, 'GET', path);
  expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(200);
  return r.body;
}

type StoredPod = { metadata: { name: string; annotations?: Record<string, string>; ownerReferences?: { kind: string; name: string }[] } };

const run = clusterAvailable('1.24');

describe.runIf(run)('ReplicationControllers on kube-apiserver v1.24.17 with the controller manager, through the live source and the HTTP API', () => {
  let cluster: TestCluster;
  let close: () => Promise<void> = async () => {};
  let legacyPods: StoredPod[] = [];
  let failedCreate = '';

  const podsOf = async (name: string): Promise<StoredPod[]> =>
    ((await cluster.request('admin', 'GET', `/api/v1/namespaces/${NS}/pods?labelSelector=app%3D${name}`)).body.items ?? []) as StoredPod[];
  const outcomes = async () => (await get<{ workloads: WorkloadOutcome[] }>(outcomesRoute, `/api/v1/simulate?namespace=${NS}`)).workloads;
  const boardRow = async () => (await get<{ namespaces: BoardRow[] }>(podSecurityRoute, `/api/v1/pod-security?namespace=${NS}`)).namespaces[0];
  const audit = () => get<AuditReport>(auditRoute, '/api/v1/audit');

  beforeAll(async () => {
    ({ cluster, close } = await startLiveDashboard('1.24', 'admin', policy, { controllerManager: true }));
    // The ServiceAccount admission plugin refuses pods until the controller manager has made `default`.
    await until(`the default service account of ${NS}`, 60_000, async () => ((await cluster.request('admin', 'GET', `/api/v1/namespaces/${NS}/serviceaccounts/default`)).status === 200 ? true : undefined));
    await createObjects(cluster, [LEGACY, LEGACY_HOST]);
    legacyPods = (await until('the two pods of legacy', 120_000, async () => {
      const pods = await podsOf('legacy');
      return pods.length === 2 ? pods : undefined;
    })).value;
    failedCreate = (await until('the FailedCreate event of legacy-host', 120_000, async () => {
      const events = await cluster.request('admin', 'GET', `/api/v1/namespaces/${NS}/events?fieldSelector=reason%3DFailedCreate`);
      return (events.body.items as { involvedObject: { kind: string; name: string }; message: string }[] | undefined)
        ?.find((e) => e.involvedObject.kind === 'ReplicationController' && e.involvedObject.name === 'legacy-host' && e.message.includes('PodSecurityPolicy'))?.message;
    })).value;
    // The live source follows the watches: wait until it has both RCs and legacy's pods.
    await until('the live source to show the RCs and their pods', 15_000, async () => ((await boardRow())?.podMutations.reduce((n, m) => n + 1 + (m.otherPods ?? 0), 0) === 2 && (await outcomes()).length === 2 ? true : undefined));
  }, 360_000);

  afterAll(() => close());

  it('lists both RCs as workloads, and their pods as theirs (no bare pods)', async () => {
    const workloads = await get<{ kind: string; name: string; serviceAccount: string }[]>(workloadsRoute, `/api/v1/workloads?namespace=${NS}`);
    expect(workloads.map((w) => [w.kind, w.name, w.serviceAccount])).toEqual([['ReplicationController', 'legacy', 'default'], ['ReplicationController', 'legacy-host', 'host-reader']]);
    expect(legacyPods.every((p) => p.metadata.ownerReferences?.some((o) => o.kind === 'ReplicationController' && o.name === 'legacy'))).toBe(true);
  });

  it('predicts the PSP real admission wrote on legacy\'s pods, and legacy-host\'s FailedCreate message, as replication-controller\'s requests', async () => {
    const byName = Object.fromEntries((await outcomes()).map((o) => [o.name, o]));
    const written = [...new Set(legacyPods.map((p) => p.metadata.annotations?.[PSP_ANNOTATION]))];
    expect(written).toEqual([MUTATING]);
    expect(byName.legacy).toMatchObject({ kind: 'ReplicationController', allowed: true, psp: MUTATING, mutated: true, requester: 'system:serviceaccount:kube-system:replication-controller' });
    expect(byName['legacy-host']).toMatchObject({ kind: 'ReplicationController', allowed: false, serviceAccount: 'host-reader' });
    expect(`Error creating: ${byName['legacy-host'].message}`).toBe(failedCreate);
    const one = await call<{ psp: string; allowed: boolean }>(simulateRoute, 'POST', '/api/v1/simulate', { workload: `ReplicationController/${NS}/legacy` });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ allowed: true, psp: MUTATING });
    console.log(`[replication-controllers] ${cluster.serverVersion}: predicted PSP = kubernetes.io/psp on ${legacyPods.length}/${legacyPods.length} pods of RC legacy; FailedCreate of legacy-host predicted word for word`);
  });

  it('the board: refusals at baseline and restricted equal a server dry run of each RC\'s pod, whole message', async () => {
    const row = await boardRow();
    expect(row.workloads).toBe(2);
    expect(row.psps).toEqual([MUTATING]);
    let compared = 0;
    for (const level of ['baseline', 'restricted'] as const) {
      const enforceNs = `rc-enforce-${level}`;
      const made = await cluster.request('admin', 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: enforceNs, labels: { [E]: level, [EV]: row.recommended.version } } });
      expect([201, 409]).toContain(made.status);
      await until(`the default service account of ${enforceNs}`, 60_000, async () => ((await cluster.request('admin', 'GET', `/api/v1/namespaces/${enforceNs}/serviceaccounts/default`)).status === 200 ? true : undefined));
      for (const w of [LEGACY, LEGACY_HOST]) {
        const name = (w.metadata as { name: string }).name;
        const expected = row.levels[level].violations.find((v) => v.workload === `ReplicationController/${name}`);
        // The pod replication-controller would create, as the default account (admin may use the non-mutating PSP: PodSecurity sees it unchanged).
        const pod = podOfWorkload(w as unknown as Workload);
        const res = await cluster.request('admin', 'POST', `/api/v1/namespaces/${enforceNs}/pods?dryRun=All`, { ...pod, metadata: { name, namespace: enforceNs }, spec: { ...pod.spec, serviceAccountName: 'default' } });
        if (expected) {
          expect(res.status, `${name} at ${level}`).toBe(403);
          expect(res.body.message).toBe(`pods "${name}" is forbidden: violates PodSecurity "${level}:${row.recommended.version}": ${expected.checks.map((c) => c.message).join(', ')}`);
        } else {
          expect(res.status, `${name} at ${level}: ${res.text.slice(0, 300)}`).toBe(201);
        }
        compared++;
      }
    }
    expect(row.levels.baseline.violations.map((v) => v.workload)).toEqual(['ReplicationController/legacy-host']);
    expect(row.levels.restricted.violations.map((v) => v.workload).sort()).toEqual(['ReplicationController/legacy', 'ReplicationController/legacy-host']);
    console.log(`[replication-controllers] ${cluster.serverVersion}: board refusals = server dry run for ${compared}/${compared} RC pods × level`);
  });

  it('the mutation check on legacy\'s running pods: the fields its PSP set, as predicted from the template, kept in spec.template', async () => {
    const row = await boardRow();
    expect(row.mutated).toBe(true);
    // Its two pods got the same fields: one entry, counting the other pod.
    expect(row.podMutations.map((m) => [m.owner, m.psp, m.otherPods])).toEqual([['ReplicationController/legacy', MUTATING, 1]]);
    const predicted = Object.fromEntries(row.mutations.find((m) => m.workload === 'ReplicationController/legacy')!.changes.map((c) => [c.templatePath, c.after]));
    for (const m of row.podMutations) {
      const observed = Object.fromEntries(m.changes.map((c) => [c.templatePath, c.value]));
      expect(observed, m.pod).toEqual(predicted);
    }
    expect(predicted).toEqual({
      'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation': false,
      'spec.template.spec.containers[0].securityContext.runAsUser': 1000,
      'spec.template.spec.securityContext.fsGroup': 3000,
      'spec.template.spec.securityContext.seccompProfile.type': 'RuntimeDefault',
    });
    console.log(`[replication-controllers] ${cluster.serverVersion}: ${row.podMutations.reduce((n, m) => n + 1 + (m.otherPods ?? 0), 0)} running RC pods, ${row.podMutations.reduce((n, m) => n + m.changes.length, 0)} fields set by PSP found, each predicted from the template`);
  });

  it('the audit reports legacy-host refused; its attach fix goes through the route, and the controller\'s next pod gets that PSP', async () => {
    const finding = (await audit()).findings.find((f) => f.rule === 'workload-refused' && f.title === `ReplicationController ${NS}/legacy-host would be refused`);
    expect(finding?.evidence[0].text).toBe(failedCreate.replace(/^Error creating: /, ''));
    const fix = finding!.fix!;
    expect(fix.request.body).toEqual({ psp: HOST, namespace: NS, workloads: { namespace: NS, items: [{ kind: 'ReplicationController', name: 'legacy-host' }] } });
    const applied = await call<Record<string, unknown>>(attachRoute, fix.request.method, fix.request.path, fix.request.body);
    expect(applied.status, JSON.stringify(applied.body).slice(0, 500)).toBe(200);
    // The controller backs off after failures; a change to the RC makes it sync now.
    await cluster.request('admin', 'PATCH', `/api/v1/namespaces/${NS}/replicationcontrollers/legacy-host`, { metadata: { annotations: { nudge: '1' } } }, { 'Content-Type': 'application/merge-patch+json' });
    const [pod] = (await until('a pod of legacy-host', 120_000, async () => {
      const pods = await podsOf('legacy-host');
      return pods.length ? pods : undefined;
    })).value;
    expect(pod.metadata.annotations?.[PSP_ANNOTATION]).toBe(HOST);
    await until('the outcome of legacy-host to follow the new grant', 10_000, async () => ((await outcomes()).find((o) => o.name === 'legacy-host')?.psp === HOST ? true : undefined));
    expect((await audit()).findings.filter((f) => f.rule === 'workload-refused')).toEqual([]);
  });
});
