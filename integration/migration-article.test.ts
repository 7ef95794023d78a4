/**
 * The article's cluster migrated off PSP with the migration plans (issue 10), on a real
 * kube-apiserver v1.24.17 with kube-controller-manager, then re-created on v1.37.2:
 * 1. The demo (the article's EKS cluster) is created; the article's procedure is made with the
 *    dashboard's own plans (PSP `restricted` for everyone, eks.privileged for kube-system's
 *    controllers and the admins, the blanket grant deleted); every workload gets pods.
 * 2. The guide's steps as plans, through the live source: step 2, the non-mutating copy of every
 *    mutating PSP; step 3 for every namespace, the strictest level all its pod templates meet,
 *    audit and warn, then enforce, pinned to v1.24; then the PSP bypass.
 * (An RC in shop joins the demo's workloads.)
 * 3. After the plans every pod is deleted: every Deployment, StatefulSet, Job and RC gets pods again
 *    (DaemonSets and CronJobs, with no nodes and no schedule here, by a server dry run as their
 *    controller), and no namespace is left without its six labels.
 * 4. On v1.37 (no PSP API) the same namespaces (with their labels) and workloads are re-created:
 *    every workload gets what lib/pss predicts (its pod by server dry run: all admitted; the
 *    PodSecurity warnings on the workload itself equal); the leftover PSP RBAC copied over is removed by the cleanup plan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../testenv/cluster';
import { KubeConnection, OWN_IDENTITY } from '../lib/server/kube/connection';
import { LiveSource } from '../lib/server/sources/live';
import type { Change } from '../lib/plan/change';
import { attachChange, createPspChange, deleteBindingChange } from '../lib/plan/requests';
import { pspFromTemplate } from '../lib/plan/templates';
import { nonMutatingCopyChange, labelNamespaceChange, pspBypassChange, pspCleanupChange } from '../lib/plan/migration/changes';
import { strictestLevelFor } from '../lib/plan/migration/label';
import { pspVerdict } from '../lib/pss/psp-verdict';
import { admit, LABEL_PREFIX } from '../lib/pss/labels';
import { podOfWorkload, simulateWorkloads } from '../lib/access/simulate-workload';
import { normalizeForServer } from '../lib/pss/normalize';
import { ruleGrantsUseOfAny } from '../lib/rbac/grants';
import { withoutServerFields } from '../lib/plan/in-memory';
import type { ClusterModel, Workload } from '../lib/model/types';
import type { RawObject } from '../lib/sources/to-model';
import { clusterAvailable, createObjects, createPath, demoObjects, until } from './support';

const run = clusterAvailable('1.24') && clusterAvailable('current');
const CONTROLLED = ['Deployment', 'StatefulSet', 'Job', 'ReplicationController'];
const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'Job', 'ReplicationController', 'DaemonSet', 'CronJob'];
/** Beside the demo's workloads, an old-style ReplicationController (the migration must carry it too). */
const LEGACY_RC: RawObject = {
  apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'legacy', namespace: 'shop' },
  spec: { replicas: 1, selector: { app: 'legacy' }, template: { metadata: { labels: { app: 'legacy' } }, spec: { containers: [{ name: 'legacy', image: 'nginx:1.25' }] } } },
};
const articleObjects = () => [...demoObjects(), LEGACY_RC];
const SIX = ['enforce', 'audit', 'warn'].flatMap((m) => [`${LABEL_PREFIX}${m}`, `${LABEL_PREFIX}${m}-version`]);

async function applied(live: LiveSource, change: Change) {
  const r = await live.applyChange(change, { dryRun: false, identity: OWN_IDENTITY });
  // The next plan is made from the watch cache: wait until it holds what was written.
  await until('the live cache to hold the change', 20_000, async () => {
    const m = await live.readModel();
    const all = [...m.psps, ...m.clusterRoles, ...m.roles, ...m.clusterRoleBindings, ...m.roleBindings, ...m.namespaces];
    return r.plan.operations.every((op) => {
      const o = all.find((x) => x.kind === op.kind && x.metadata.name === op.name && (x.metadata.namespace ?? undefined) === op.namespace);
      if (op.action === 'delete') return !o;
      return !!o && (op.action === 'create' || o.metadata.resourceVersion !== op.before?.metadata.resourceVersion);
    }) || r.dryRun ? true : undefined;
  });
  return r;
}

/** The top-level workloads of the demo, by namespace/kind/name. */
const workloadsOf = (m: ClusterModel) => m.workloads.filter((w) => WORKLOAD_KINDS.includes(w.kind) && !(w.metadata.ownerReferences ?? []).some((o) => o.controller));
const label = (w: { kind: string; metadata: { namespace?: string; name: string } }) => `${w.kind} ${w.metadata.namespace}/${w.metadata.name}`;

type PodMeta = { metadata: { creationTimestamp: string; annotations?: Record<string, string>; ownerReferences?: { name: string }[] } };

/** A workload's pods, newest first (Deployment → ReplicaSet → Pod; StatefulSet, Job and ReplicationController → Pod). */
async function podsOf(cluster: TestCluster, w: Workload): Promise<PodMeta[]> {
  const ns = w.metadata.namespace!;
  const pods = (await cluster.request('admin', 'GET', `/api/v1/namespaces/${ns}/pods`)).body.items as PodMeta[];
  let owners = [w.metadata.name];
  if (w.kind === 'Deployment') {
    const rss = (await cluster.request('admin', 'GET', `/apis/apps/v1/namespaces/${ns}/replicasets`)).body.items as { metadata: { name: string; ownerReferences?: { name: string }[] } }[];
    owners = rss.filter((rs) => rs.metadata.ownerReferences?.some((o) => o.name === w.metadata.name)).map((rs) => rs.metadata.name);
  }
  return pods.filter((p) => p.metadata.ownerReferences?.some((o) => owners.includes(o.name))).sort((a, b) => b.metadata.creationTimestamp.localeCompare(a.metadata.creationTimestamp));
}

const hasPod = async (cluster: TestCluster, w: Workload) => (await podsOf(cluster, w)).length > 0;

/** The `kubernetes.io/psp` of a workload's newest pod. */
const pspOfPod = async (cluster: TestCluster, w: Workload) => (await podsOf(cluster, w))[0]?.metadata.annotations?.['kubernetes.io/psp'];

/** DaemonSet and CronJob pods, with no nodes and no schedule here: the pod their controller would submit, dry run as that controller. */
async function controllerDryRun(cluster: TestCluster, w: Workload) {
  const controller = w.kind === 'DaemonSet' ? 'daemon-set-controller' : 'job-controller';
  return cluster.request('admin', 'POST', `/api/v1/namespaces/${w.metadata.namespace}/pods?dryRun=All`, podOfWorkload(w),
    { 'Impersonate-User': `system:serviceaccount:kube-system:${controller}`, 'Impersonate-Group': 'system:serviceaccounts' });
}

describe.runIf(run)('the article\'s cluster migrated to Pod Security Admission with the plans', () => {
  let v124: TestCluster;
  let live: LiveSource;
  let v137: TestCluster | undefined;

  beforeAll(async () => {
    v124 = await startCluster({ version: '1.24', controllerManager: true });
    await createObjects(v124, articleObjects());
    live = new LiveSource(KubeConnection.load({ kubeconfig: v124.kubeconfigPath, context: 'admin' }), false);
    await live.start();
  }, 240_000);

  afterAll(async () => {
    live?.close();
    await v124?.stop();
    await v137?.stop();
  });

  it('after the article\'s procedure, every workload gets pods', async () => {
    await applied(live, createPspChange(pspFromTemplate('restricted', 'restricted')));
    await applied(live, attachChange({ psp: 'restricted', subjects: [{ kind: 'Group', name: 'system:authenticated' }, { kind: 'Group', name: 'system:unauthenticated' }], acknowledgeRisk: true }));
    await applied(live, attachChange({ psp: 'eks.privileged', subjects: [{ kind: 'Group', name: 'eks' }, { kind: 'Group', name: 'system:masters' }, ...['aws-node', 'kube-proxy', 'alb-ingress-controller', 'coredns'].map((name) => ({ kind: 'ServiceAccount', name, namespace: 'kube-system' }))], acknowledgeRisk: true }));
    await applied(live, deleteBindingChange({ kind: 'ClusterRoleBinding', name: 'eks:podsecuritypolicy:authenticated' }, true));
    const workloads = workloadsOf(await live.readModel()).filter((w) => CONTROLLED.includes(w.kind));
    expect(workloads.length).toBeGreaterThanOrEqual(6);
    for (const w of workloads) await until(`a pod of ${label(w)}`, 60_000, async () => ((await hasPod(v124, w)) ? true : undefined));
  }, 180_000);

  it('the guide\'s steps as plans: copies, labels (audit, then enforce), the bypass; then every workload still gets pods and no namespace is unlabelled', async () => {
    const model = await live.readModel();
    // Step 2: every PSP that mutates pods gets its 0- copy, granted where it is.
    const mutating = model.psps.filter((p) => pspVerdict(p).mutating.length > 0 && !p.metadata.name.startsWith('0-')).map((p) => p.metadata.name);
    expect(mutating).toContain('restricted');
    for (const psp of mutating) {
      const r = await applied(live, nonMutatingCopyChange(psp));
      expect(r.performed[0]).toEqual({ action: 'create', kind: 'PodSecurityPolicy', name: `0-${psp}` });
    }
    // Step 3: every namespace, at the strictest level all its pod templates meet, pinned to the server.
    const levels: Record<string, string> = {};
    for (const ns of (await live.readModel()).namespaces.map((n) => n.metadata.name)) {
      const level = strictestLevelFor(await live.readModel(), ns, 'v1.24', 24);
      levels[ns] = level;
      await applied(live, labelNamespaceChange({ namespace: ns, level, phase: 'audit' }));
      const enforced = await applied(live, labelNamespaceChange({ namespace: ns, level, phase: 'enforce' }));
      // Enforcing a level every template meets: the server warns about no existing pod.
      expect(enforced.serverWarnings ?? [], ns).toEqual([]);
      await applied(live, pspBypassChange({ namespace: ns, psp: 'eks.privileged', acknowledgeRisk: level === 'privileged' }));
    }
    console.log(`[migration-article] v1.24.17 levels chosen from the pod templates: ${JSON.stringify(levels)}`);
    expect(levels['kube-system']).toBe('privileged');

    // Every pod is deleted; the controllers must get new ones past PSP and PodSecurity.
    const after = await live.readModel();
    for (const ns of after.namespaces.map((n) => n.metadata.name)) expect((await v124.request('admin', 'DELETE', `/api/v1/namespaces/${ns}/pods`)).status).toBe(200);
    const workloads = workloadsOf(after);
    for (const w of workloads.filter((x) => CONTROLLED.includes(x.kind))) await until(`a new pod of ${label(w)}`, 90_000, async () => ((await hasPod(v124, w)) ? true : undefined));
    // The PSP each new pod got is the one the admission engine predicts on the migrated cluster.
    const predicted = new Map(simulateWorkloads(await live.readModel()).map((o) => [`${o.kind} ${o.namespace}/${o.name}`, o.psp]));
    const got: Record<string, string | undefined> = {};
    for (const w of workloads.filter((x) => CONTROLLED.includes(x.kind))) got[label(w)] = await pspOfPod(v124, w);
    expect(got).toEqual(Object.fromEntries(Object.keys(got).map((k) => [k, predicted.get(k)])));
    console.log(`[migration-article] v1.24.17 the PSP of each new pod: ${JSON.stringify(got)}`);
    for (const w of workloads.filter((x) => !CONTROLLED.includes(x.kind))) {
      const r = await controllerDryRun(v124, w);
      expect(r.status, `${label(w)}: ${r.text.slice(0, 300)}`).toBe(201);
    }
    const namespaces = (await v124.request('admin', 'GET', '/api/v1/namespaces')).body.items as { metadata: { name: string; labels?: Record<string, string> } }[];
    const unlabelled = namespaces.filter((n) => !SIX.every((k) => n.metadata.labels?.[k])).map((n) => n.metadata.name);
    expect(unlabelled).toEqual([]);
    console.log(`[migration-article] v1.24.17 after the plans: ${workloads.length} workloads get pods (${workloads.filter((x) => CONTROLLED.includes(x.kind)).length} re-created by their controllers, the rest by dry run), ${namespaces.length}/${namespaces.length} namespaces carry all six labels`);
  }, 300_000);

  it('re-created on v1.37: the namespaces and workloads get the predicted outcome, and the cleanup plan removes the leftover PSP RBAC', async () => {
    v137 = await startCluster({ version: 'current' });
    const cluster = v137;
    const serverMinor = 37;
    const get = async (path: string) => (await v124.request('admin', 'GET', path)).body.items as RawObject[];
    const strip = (kind: string, apiVersion: string) => (o: RawObject) => withoutServerFields({ ...o, kind, apiVersion });
    const namespaces = (await get('/api/v1/namespaces')).map(strip('Namespace', 'v1'));
    const rbac = [
      ...(await get('/apis/rbac.authorization.k8s.io/v1/clusterroles')).map(strip('ClusterRole', 'rbac.authorization.k8s.io/v1')),
      ...(await get('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings')).map(strip('ClusterRoleBinding', 'rbac.authorization.k8s.io/v1')),
      ...(await get('/apis/rbac.authorization.k8s.io/v1/rolebindings')).map(strip('RoleBinding', 'rbac.authorization.k8s.io/v1')),
    ].filter((o) => !(o.metadata as { name: string }).name.startsWith('system:'));
    const serviceAccounts = demoObjects().filter((o) => o.kind === 'ServiceAccount');
    // Namespaces first (with their labels), as on v1.24; existing ones (default, kube-system…) get their labels by update.
    await createObjects(cluster, [...namespaces, ...serviceAccounts, ...rbac]);
    for (const n of namespaces) {
      const name = (n.metadata as { name: string }).name;
      const current = (await cluster.request('admin', 'GET', `/api/v1/namespaces/${name}`)).body;
      const put = await cluster.request('admin', 'PUT', `/api/v1/namespaces/${name}`, { ...current, metadata: { ...current.metadata, labels: { ...current.metadata.labels, ...(n.metadata as { labels?: object }).labels } } });
      expect(put.status).toBe(200);
    }
    const labelsOf = async (ns: string) => (await cluster.request('admin', 'GET', `/api/v1/namespaces/${ns}`)).body.metadata.labels as Record<string, string>;
    const workloads = articleObjects().filter((o) => WORKLOAD_KINDS.includes(o.kind!));
    const conn = KubeConnection.load({ kubeconfig: cluster.kubeconfigPath, context: 'admin' });
    let agree = 0;
    for (const w of workloads) {
      const ns = (w.metadata as { namespace: string }).namespace;
      const namespaceLabels = await labelsOf(ns);
      // The workload itself: PodSecurity warns (never refuses) about its template.
      const created = await conn.request('POST', createPath(w), { body: w });
      expect(created.status, created.body.slice(0, 300)).toBe(201);
      const warned = admit({ object: w as never, namespace: ns, namespaceLabels }, { serverMinor }).warnings;
      expect((created.warnings ?? []).filter((x) => x.includes('PodSecurity')), `${w.kind} ${ns}`).toEqual(warned);
      const pod = podOfWorkload(w as unknown as Workload);
      const r = await cluster.request('admin', 'POST', `/api/v1/namespaces/${ns}/pods?dryRun=All`, pod);
      const predicted = admit({ object: normalizeForServer(pod, serverMinor) as never, namespace: ns, namespaceLabels }, { serverMinor });
      expect({ allowed: r.status === 201, message: r.status === 201 ? undefined : r.body.message }, `${w.kind} ${ns}`).toEqual({ allowed: predicted.allowed, message: predicted.message });
      expect(predicted.allowed, `${w.kind} ${ns}/${(w.metadata as { name: string }).name}`).toBe(true);
      agree++;
    }
    console.log(`[migration-article] v1.37.2: ${agree}/${workloads.length} re-created workloads' pods get the predicted outcome (all admitted under the labels set on v1.24)`);

    const liveNew = new LiveSource(KubeConnection.load({ kubeconfig: cluster.kubeconfigPath, context: 'admin' }), false);
    await liveNew.start();
    try {
      const before = await liveNew.readModel();
      expect(before.source.pspApiServed).toBe(false);
      const leftovers = (m: ClusterModel) => [...m.clusterRoles, ...m.roles].filter((r) => !r.aggregationRule && r.rules.some((x) => ruleGrantsUseOfAny(x) && !x.verbs.includes('*') && !(x.resources ?? []).includes('*'))).map((r) => r.metadata.name).sort();
      expect(leftovers(before)).toEqual(expect.arrayContaining(['eks:podsecuritypolicy:privileged', 'psp-util.eks.privileged', 'psp-util.restricted']));
      const done = await liveNew.applyChange(pspCleanupChange(), { dryRun: false, identity: OWN_IDENTITY });
      expect(done.performed.length).toBeGreaterThan(0);
      await until('the cleanup in the cache', 20_000, async () => (leftovers(await liveNew.readModel()).length === 0 ? true : undefined));
      const psputil = (await cluster.request('admin', 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings')).body.items.filter((b: { metadata: { name: string } }) => b.metadata.name.startsWith('psp-util.'));
      expect(psputil).toEqual([]);
      console.log(`[migration-article] v1.37.2 cleanup plan: ${done.performed.length} objects removed (${leftovers(before).length} roles granted PSP use)`);
    } finally {
      liveNew.close();
    }
  }, 300_000);
});
