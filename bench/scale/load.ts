// Loads the issue-13 cluster into an API server with many concurrent writers: the policy objects
// kind by kind, then the Deployments, their ReplicaSets (owned by them), the DaemonSets, and the
// pods (owned by the ReplicaSets and DaemonSets by uid, or bare), which admission annotates with
// `kubernetes.io/psp` as it admits them.
import type { KubeConnection } from '../../lib/server/kube/connection';
import type { RawObject } from '../../lib/sources/to-model';
import { createAll, createPath } from '../kube-io';
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

export async function loadScaleCluster(conn: KubeConnection, plan: ScalePlan, log: (s: string) => void): Promise<number> {
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
  await step('Pod (ReplicaSet)', replicaSetPods());
  await step('Pod (DaemonSet)', daemonSetPods());
  await step('Pod (bare)', plan.barePods.map((p) => podOf(p, p.name)));
  await createAll(conn, [LOADED_MARKER], 1);
  return total;
}
