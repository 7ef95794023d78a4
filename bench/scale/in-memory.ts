// The engines alone on the issue-13 cluster, built in memory (no API server): the same objects the
// loader writes, as a live cache would hold them. Gives full-scale figures for the audit and
// outcomes, cold and after pod events, where loading 150,000 pods into a test API server would take
// too long on a small machine. `npx tsx bench/scale/in-memory.ts [--scale 1] [--events 200]`
import { parseArgs } from 'node:util';
import { IncrementalAnalysis } from '../../lib/audit/incremental';
import type { ClusterModel, Workload } from '../../lib/model/types';
import { buildModel, type RawObject } from '../../lib/sources/to-model';
import { buildBoard } from '../../lib/pss/board';
import { outcomesOf } from '../../lib/pss/psp-outcomes';
import { planScaleCluster } from './load';
import { recordEdits } from '../../lib/model/list-edits';
import { nodeName, podOf, shapeAt, totalPods } from './shape';

const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' }, events: { type: 'string', default: '200' } } });
const shape = shapeAt(Number(values.scale));
const plan = planScaleCluster(shape);
const raw: RawObject[] = [...plan.policy];
const owner = (kind: string, name: string) => ({ apiVersion: 'apps/v1', kind, name, uid: `${kind}-${name}` });
for (const d of plan.deployments) {
  raw.push({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: d.name, namespace: d.namespace, uid: `Deployment-${d.name}` }, spec: { template: { metadata: { labels: d.template.labels }, spec: d.template.spec } } });
  raw.push({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `${d.name}-rs`, namespace: d.namespace, ownerReferences: [{ ...owner('Deployment', d.name), controller: true }] }, spec: { template: { metadata: { labels: d.template.labels }, spec: d.template.spec } } });
  for (let r = 0; r < d.replicas; r++) raw.push(podOf(d, `${d.name}-rs-${r}`, owner('ReplicaSet', `${d.name}-rs`), nodeName(r)));
}
for (const d of plan.daemonSets) {
  raw.push({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: d.name, namespace: d.namespace }, spec: { template: { metadata: { labels: d.template.labels }, spec: d.template.spec } } });
  for (let n = 0; n < d.replicas; n++) raw.push(podOf(d, `${d.name}-${n}`, owner('DaemonSet', d.name), nodeName(n)));
}
for (const p of plan.barePods) raw.push(podOf(p, p.name));
const source = { kind: 'live' as const, name: 'in-memory', pspApiServed: true, state: 'live' as const, readOnly: true };
const base: ClusterModel = buildModel({ objects: raw.map((object, i) => ({ object, where: `#${i}` })), source, computeAggregation: false, trusted: true });
raw.length = 0;
console.log(`In memory at --scale ${values.scale}: ${totalPods(shape)} pods, ${base.workloads.length} workloads, ${base.namespaces.length} namespaces`);

// CPU time of this process next to wall time: on a shared machine the wall clock measures the neighbours too.
const wall: number[] = [];
const timed = <T,>(fn: () => T): [T, number] => {
  const t = process.cpuUsage();
  const w = performance.now();
  const r = fn();
  wall.push(performance.now() - w);
  const d = process.cpuUsage(t);
  return [r, (d.user + d.system) / 1000];
};
const analysis = new IncrementalAnalysis();
const [outcomes, outcomesMs] = timed(() => analysis.outcomes(base));
const [report, auditMs] = timed(() => analysis.audit(base));
console.log(`cold: outcomes ${outcomesMs.toFixed(0)} ms CPU / ${wall[0].toFixed(0)} ms wall (${outcomes.length} top-level, ${analysis.caseCount} distinct cases), audit ${auditMs.toFixed(0)} ms CPU / ${wall[1].toFixed(0)} ms wall (${report.findings.length} findings)`);
wall.length = 0;

// Pod events as the live cache gives them: a new workloads array, one object added or removed.
let workloads = base.workloads;
const bare = base.workloads.filter((w) => w.kind === 'Pod' && !w.metadata.ownerReferences);
const ownedIndex = base.workloads.findIndex((w) => w.kind === 'Pod' && !!w.metadata.ownerReferences);
const perKind = { bare: [] as number[], owned: [] as number[] };
const perKindWall = { bare: [] as number[], owned: [] as number[] };
for (let i = 0; i < Number(values.events); i++) {
  const isBare = i % 2 === 0;
  const template = isBare ? bare[i % bare.length] : workloads[ownedIndex];
  const pod: Workload = { ...template, metadata: { ...template.metadata, name: `churn-${i}` } };
  const before = workloads;
  workloads = [...workloads, pod];
  // Told as the live cache tells its patches (the simulation replays them), each event a task of
  // its own as in the server (a WeakRef of list-edits keeps its target until the task ends).
  recordEdits(workloads, before, [{ index: before.length, insert: pod }]);
  await new Promise((ok) => setImmediate(ok));
  const model = { ...base, workloads };
  const [, ms] = timed(() => {
    analysis.outcomes(model);
    analysis.audit(model);
  });
  (isBare ? perKind.bare : perKind.owned).push(ms);
  (isBare ? perKindWall.bare : perKindWall.owned).push(wall.pop()!);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];
for (const kind of ['bare', 'owned'] as const) {
  const what = kind === 'bare' ? 'a bare pod event' : 'a ReplicaSet pod event';
  console.log(`after ${what}: median ${median(perKind[kind]).toFixed(1)} ms CPU / ${median(perKindWall[kind]).toFixed(1)} ms wall, p95 ${p95(perKind[kind]).toFixed(1)} ms CPU / ${p95(perKindWall[kind]).toFixed(1)} ms wall`);
}
// The migration board (its page's view): built per model; after a pod event only the new pod is keyed and compared.
{
  const board = (model: ClusterModel) => buildBoard({ model, serverMinor: 24, outcomes: outcomesOf(analysis.simulate(model)) });
  const [rows, coldMs] = timed(() => board(base));
  const coldWall = wall.pop()!;
  const again: number[] = [];
  const againWall: number[] = [];
  let ws = base.workloads;
  for (let i = 0; i < 5; i++) {
    const template = bare[i % bare.length];
    ws = [...ws, { ...template, metadata: { ...template.metadata, name: `board-churn-${i}` } }];
    const model = { ...base, workloads: ws };
    again.push(timed(() => board(model))[1]);
    againWall.push(wall.pop()!);
  }
  console.log(`migration board: cold ${coldMs.toFixed(0)} ms CPU / ${coldWall.toFixed(0)} ms wall (${rows.namespaces.length} rows), after a pod event median ${median(again).toFixed(0)} ms CPU / ${median(againWall).toFixed(0)} ms wall`);
}
// With --expose-gc, what stays reachable rather than what the collector has not reached yet.
(globalThis as { gc?: () => void }).gc?.();
console.log(`heap used ${(process.memoryUsage().heapUsed / 1024 / 1024).toFixed(0)} MiB, RSS ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB`);
