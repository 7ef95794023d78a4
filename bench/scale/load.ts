// Loads the issue-13 cluster into an API server with many concurrent writers: the policy objects
// kind by kind, then the Deployments, their ReplicaSets (owned by them), the DaemonSets, and the
// pods (owned by the ReplicaSets and DaemonSets by uid, or bare), which admission annotates with
// `kubernetes.io/psp` as it admits them.
//
// Which path the pods take: the 2,000 bare pods are created through the API server. The 148,000
// owned pods, given an etcd URL, go into etcd directly (etcd.ts: the API server's create path runs
// at 100–250/s here, 10–25 minutes for them): each ReplicaSet's and DaemonSet's pod template is
// admitted once by the API server with dryRun=All (real defaulting, ServiceAccount and PSP
// admission: the `kubernetes.io/psp` annotation and any mutation), and its pods are copies of that
// answer with their own name, uid, node and token volume, as the controllers' creates would give.
// Without an etcd URL every pod goes through the API server.
import { randomUUID } from 'node:crypto';
import type { KubeConnection } from '../../lib/server/kube/connection';
import type { RawObject } from '../../lib/sources/to-model';
import { createAll, createPath } from '../kube-io';
import { putPods } from './etcd';
import { barePodPlan, daemonSetPlan, deploymentPlan, nodeName, podOf, policyObjects, type AppPlan, type ScaleShape } from './shape';

const POLICY_ORDER = ['Namespace', 'ServiceAccount', 'PodSecurityPolicy', 'ClusterRole', 'Role', 'ClusterRoleBinding', 'RoleBinding'];
const CONCURRENCY = 64;

/** A ReplicaSet's pod-template-hash and its pods' name suffixes, deterministic. */
const templateHash = (i: number) => (0x5f3759df ^ (i * 2654435761)).toString(36).replace('-', '').slice(0, 10).padEnd(10, 'x');
const podSuffix = (i: number) => (i * 48271 + 12345).toString(36).slice(-5).padStart(5, 'a');

export interface ScalePlan {
  policy: RawObject[];
  deployments: AppPlan[];
  daemonSets: AppPlan[];
  barePods: AppPlan[];
}

export function planScaleCluster(shape: ScaleShape): ScalePlan {
  const { objects, namespaces, accounts } = policyObjects(shape);
  return { policy: objects, deployments: deploymentPlan(shape, namespaces, accounts), daemonSets: daemonSetPlan(shape), barePods: barePodPlan(shape, namespaces, accounts) };
}

/**
 * Created last, when everything else is: a namespace (the churn deletes loaded pods, so no pod can
 * say that the cluster was loaded).
 */
const LOADED_MARKER: RawObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench-scale-loaded' } };

export function loadedMarkerPath(): string {
  return `${createPath(LOADED_MARKER)}/${(LOADED_MARKER.metadata as { name: string }).name}`;
}

const replicaSetName = (d: AppPlan, i: number) => `${d.name}-${templateHash(i)}`;

export async function loadScaleCluster(conn: KubeConnection, plan: ScalePlan, log: (s: string) => void, etcdUrl?: string): Promise<number> {
  let total = 0;
  const step = async (what: string, objects: Iterable<RawObject>, created?: (o: RawObject, uid: string) => void) => {
    const t = performance.now();
    const n = await createAll(conn, objects, CONCURRENCY, created);
    total += n;
    log(`  ${what}: ${n} in ${((performance.now() - t) / 1000).toFixed(1)} s (${(n / ((performance.now() - t) / 1000)).toFixed(0)}/s)`);
  };
  for (const kind of POLICY_ORDER) await step(kind, plan.policy.filter((o) => o.kind === kind));
  await step('ServiceAccount kube-system/default', [{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'kube-system' } }]);

  const uids = new Map<string, string>();
  const remember = (o: RawObject, uid: string) => uids.set(`${o.kind}/${(o.metadata as { namespace: string }).namespace}/${(o.metadata as { name: string }).name}`, uid);
  const selector = (d: AppPlan, extra: Record<string, string> = {}) => ({ matchLabels: { app: d.template.labels.app, ...extra } });
  await step('Deployment', plan.deployments.map((d) => ({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: d.name, namespace: d.namespace, labels: d.template.labels },
    spec: { replicas: d.replicas, selector: selector(d), template: { metadata: { labels: d.template.labels }, spec: d.template.spec } },
  })), remember);
  await step('ReplicaSet', plan.deployments.map((d, i) => {
    const hash = { 'pod-template-hash': templateHash(i) };
    return {
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: {
        name: replicaSetName(d, i), namespace: d.namespace, labels: { ...d.template.labels, ...hash },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.name, uid: uids.get(`Deployment/${d.namespace}/${d.name}`)!, controller: true, blockOwnerDeletion: true }],
      },
      spec: { replicas: d.replicas, selector: selector(d, hash), template: { metadata: { labels: { ...d.template.labels, ...hash } }, spec: d.template.spec } },
    };
  }), remember);
  await step('DaemonSet', plan.daemonSets.map((d) => ({
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: d.name, namespace: d.namespace, labels: d.template.labels },
    spec: { selector: selector(d), template: { metadata: { labels: d.template.labels }, spec: d.template.spec } },
  })), remember);

  const owner = (kind: string, ns: string, name: string) => ({ apiVersion: 'apps/v1', kind, name, uid: uids.get(`${kind}/${ns}/${name}`)! });
  function* replicaSetPods() {
    let n = 0;
    for (const [i, d] of plan.deployments.entries()) {
      const rs = replicaSetName(d, i);
      for (let r = 0; r < d.replicas; r++) yield podOf(d, `${rs}-${podSuffix(n)}`, owner('ReplicaSet', d.namespace, rs), nodeName(n++ % 1000), { 'pod-template-hash': templateHash(i) });
    }
  }
  function* daemonSetPods() {
    for (const d of plan.daemonSets) for (let node = 0; node < d.replicas; node++) yield podOf(d, `${d.name}-${podSuffix(node)}`, owner('DaemonSet', d.namespace, d.name), nodeName(node));
  }
  if (etcdUrl) {
    const t = performance.now();
    const admitted = await admitTemplates(conn, firstOf([replicaSetPods(), daemonSetPods()]));
    log(`  pod templates admitted (dryRun=All): ${admitted.size} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const written = (what: string) => async (pods: Iterable<RawObject>) => {
      const t1 = performance.now();
      const n = await putPods(etcdUrl, copies(pods, admitted));
      total += n;
      log(`  ${what}, into etcd: ${n} in ${((performance.now() - t1) / 1000).toFixed(1)} s (${(n / ((performance.now() - t1) / 1000)).toFixed(0)}/s)`);
    };
    await written('Pod (ReplicaSet)')(replicaSetPods());
    await written('Pod (DaemonSet)')(daemonSetPods());
    await checkStoredPods(conn, [...firstOf(replicaSetPods())].slice(0, 20), admitted);
  } else {
    await step('Pod (ReplicaSet)', replicaSetPods());
    await step('Pod (DaemonSet)', daemonSetPods());
  }
  await step('Pod (bare)', plan.barePods.map((p) => podOf(p, p.name)));
  await createAll(conn, [LOADED_MARKER], 1);
  return total;
}

/** The owner of a pod (its controller), as `Kind/namespace/name`. */
const ownerOf = (pod: RawObject) => {
  const meta = pod.metadata as { namespace: string; ownerReferences?: { kind: string; name: string }[] };
  const o = meta.ownerReferences![0];
  return `${o.kind}/${meta.namespace}/${o.name}`;
};

/** The first pod of each owner, from each of the generators. */
function* firstOf(streams: Iterable<RawObject>[] | Iterable<RawObject>): Generator<RawObject> {
  const seen = new Set<string>();
  const all = Array.isArray(streams) ? streams : [streams];
  for (const pods of all) for (const p of pods) {
    const owner = ownerOf(p);
    if (!seen.has(owner)) {
      seen.add(owner);
      yield p;
    }
  }
}

/** Each owner's first pod as the API server would store it (dryRun=All runs defaulting and admission, stores nothing). */
async function admitTemplates(conn: KubeConnection, firsts: Iterable<RawObject>): Promise<Map<string, RawObject>> {
  const admitted = new Map<string, RawObject>();
  const it = firsts[Symbol.iterator]();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    for (let next = it.next(); !next.done; next = it.next()) {
      const pod = next.value;
      let res = await conn.request('POST', `${createPath(pod)}?dryRun=All`, { body: pod, timeoutMs: 120_000 });
      for (let retry = 0; (res.status === 429 || res.status >= 500) && retry < 5; retry++) {
        await new Promise((ok) => setTimeout(ok, 500 * (retry + 1)));
        res = await conn.request('POST', `${createPath(pod)}?dryRun=All`, { body: pod, timeoutMs: 120_000 });
      }
      if (res.status !== 201) throw new Error(`admitting the pod template of ${ownerOf(pod)}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
      admitted.set(ownerOf(pod), JSON.parse(res.body) as RawObject);
    }
  }));
  return admitted;
}

const TOKEN_VOLUME = /^kube-api-access-[a-z0-9]{5}$/;

/**
 * Each pod as its owner's admitted template with the pod's own name, labels, node, a fresh uid and
 * creation time, and its own name for the ServiceAccount token volume (admission picks a random one
 * per pod). No resourceVersion: etcd's revision is the object's version.
 */
function* copies(pods: Iterable<RawObject>, admitted: Map<string, RawObject>): Generator<RawObject> {
  const created = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  for (const pod of pods) {
    const template = admitted.get(ownerOf(pod))!;
    const meta = pod.metadata as { name: string; labels: Record<string, string> };
    const spec = structuredClone(template.spec) as {
      nodeName?: string; volumes?: { name: string }[]; containers: { volumeMounts?: { name: string }[] }[]; initContainers?: { volumeMounts?: { name: string }[] }[];
    };
    spec.nodeName = (pod.spec as { nodeName?: string }).nodeName;
    const token = spec.volumes?.find((v) => TOKEN_VOLUME.test(v.name));
    if (token) {
      const old = token.name;
      token.name = `kube-api-access-${meta.name.slice(-5)}`;
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) for (const m of c.volumeMounts ?? []) if (m.name === old) m.name = token.name;
    }
    const { resourceVersion: _rv, uid: _uid, creationTimestamp: _ct, ...rest } = template.metadata as Record<string, unknown>;
    yield {
      ...template,
      metadata: { ...rest, name: meta.name, labels: meta.labels, uid: randomUUID(), creationTimestamp: created },
      spec,
      status: template.status,
    };
  }
}

/**
 * Reads pods written into etcd back through the API server and compares them with their admitted
 * templates (node and token volume name aside): the API server must serve what admission gave.
 */
async function checkStoredPods(conn: KubeConnection, pods: RawObject[], admitted: Map<string, RawObject>): Promise<void> {
  const comparable = (p: RawObject) => {
    const spec = { ...(p.spec as Record<string, unknown>), nodeName: undefined };
    return JSON.stringify({ annotations: (p.metadata as { annotations?: unknown }).annotations, spec }).replace(/kube-api-access-[a-z0-9]{5}/g, 'kube-api-access-*');
  };
  for (const pod of pods) {
    const meta = pod.metadata as { namespace: string; name: string };
    const res = await conn.request('GET', `${createPath(pod)}/${meta.name}`);
    if (res.status !== 200) throw new Error(`pod ${meta.namespace}/${meta.name}, written into etcd, is not served by the API server: HTTP ${res.status} ${res.body.slice(0, 300)}`);
    const served = JSON.parse(res.body) as RawObject;
    if (comparable(served) !== comparable(admitted.get(ownerOf(pod))!))
      throw new Error(`pod ${meta.namespace}/${meta.name} as served differs from its admitted template:\n${comparable(served)}\n${comparable(admitted.get(ownerOf(pod))!)}`);
  }
}
