// The dashboard's side of `npm run bench:scale`, in processes of its own (so that the resident memory
// is the dashboard's alone): bare LISTs and first loads alternately, then on the kept live source the
// cold audit and workload outcomes, warm answers, steady memory, and churn (pods created and deleted
// at a fixed rate) with the time from each event to updated views. Prints one JSON line last.
import { parseArgs } from 'node:util';
import { getHeapStatistics, writeHeapSnapshot } from 'node:v8';
import * as path from 'node:path';
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { buildGraph } from '../../lib/graph/build-graph';
import { resolvePspRelations } from '../../lib/rbac/relations';
import { KubeConnection } from '../../lib/server/kube/connection';
import type { LiveSource } from '../../lib/server/sources/live';
import { renderTree } from '../../lib/tree/render-tree';
import { workloadOutcomesView } from '../../lib/server/analysis-views';
import { analysisOf } from '../../lib/server/workload-analysis';
import { auditView } from '../../lib/server/audit-view';
import { podSecurityView } from '../../lib/server/pod-security-view';
import { summarizeRow } from '../../lib/pss/board';
import { clusterView, graphView, pspTableView, treeView } from '../../lib/server/views';
import { keepViewsWarm } from '../../lib/server/warm-views';
import { bareLists, createPath } from '../kube-io';
import { alternately, liveFirstLoad } from '../live-first-load';

const { values } = parseArgs({
  options: { kubeconfig: { type: 'string' }, part: { type: 'string', default: 'kept' }, rounds: { type: 'string', default: '3' }, 'churn-seconds': { type: 'string', default: '300' }, rate: { type: 'string', default: '20' }, 'heap-snapshots': { type: 'string' } },
});
const conn = KubeConnection.load({ kubeconfig: values.kubeconfig, context: 'admin' });
conn.keepAliveWrites = true;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
const mib = (b: number) => b / 1024 / 1024;
const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : NaN);
const pct = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] : NaN);
/** Wall time; `cpuOf` keeps this process's CPU time too (on a shared machine, wall time measures the neighbours as well). */
const cpuOf = new Map<string, number>();
const timed = <T,>(fn: () => T, label?: string): [T, number] => {
  const t = performance.now();
  const c = process.cpuUsage();
  const r = fn();
  const d = process.cpuUsage(c);
  if (label) cpuOf.set(label, (d.user + d.system) / 1000);
  return [r, performance.now() - t];
};
const log = (s: string) => console.error(s);

// 1. First load against the bare LISTs, alternately (`--part first-load`, a process of its own: the
// bare LISTs' bodies of hundreds of MB would stay in the resident memory measured in part 2).
if (values.part === 'first-load') {
  await bareLists(conn);
  const bare: number[] = [];
  const model: number[] = [];
  const graph: number[] = [];
  let items = 0;
  for (let i = 0; i < Number(values.rounds); i++) {
    const runBare = async () => {
      await sleep(1_000);
      gc();
      const t = performance.now();
      items = await bareLists(conn);
      bare.push(performance.now() - t);
    };
    const runLive = async () => {
      await sleep(1_000);
      gc();
      const r = await liveFirstLoad(conn);
      model.push(r.model);
      graph.push(r.graph);
    };
    await alternately(i, runBare, runLive);
    log(`  round ${i + 1}: bare ${bare[bare.length - 1].toFixed(0)} ms, first graph ${graph[graph.length - 1].toFixed(0)} ms`);
  }
  console.log(JSON.stringify({ items, bare: median(bare), firstModel: median(model), firstGraph: median(graph) }));
  process.exit(0);
}

// 2. The kept source: cold analysis, warm answers, steady memory. In a function of its own so that
// nothing of the first model stays reachable from here: the pods the churn deletes must be garbage
// for the dashboard's memory to be measured flat (runs before 2026-12-03 kept the first model, its
// cold outcomes and audit, and every deleted pod: the heap after a collection grew by 24–34 MiB
// in 300 s of churn, all of it this script's).
await sleep(1_000);
gc();
let live!: LiveSource;
const kept = await liveFirstLoad(conn, (l) => (live = l));
// The source's own analysis, the one the pages share (a second one would double the memory measured).
const analysis = analysisOf(live);

/** What the churn needs of the first model: names to delete and templates to create from, copied out. */
interface ChurnInputs {
  bare: { namespace: string; name: string; spec: unknown }[];
  owned: { namespace: string; name: string }[];
  replicaSets: { namespace: string; name: string; uid: string; spec: unknown }[];
}

const churnMs = Number(values['churn-seconds']) * 1000;
const rate = Number(values.rate);

async function measureKept() {
  const first = await live.readModel();
  const [outcomes, outcomesCold] = timed(() => analysis.outcomes(first), 'outcomes');
  const [report, auditCold] = timed(() => analysis.audit(first), 'audit');
  const cases = analysis.caseCount;
  const [rel, relMs] = timed(() => resolvePspRelations(first));
  const warm = {
    graph: timed(() => JSON.stringify(buildGraph(first, {}, rel)))[1] + relMs,
    tree: timed(() => renderTree(first, {}, rel))[1],
    outcomesNamespace: timed(() => JSON.stringify(analysis.outcomes(first, first.namespaces[1]?.metadata.name)))[1],
    outcomesAll: timed(() => JSON.stringify(analysis.outcomes(first)))[1],
    audit: timed(() => JSON.stringify(analysis.audit(first)))[1],
  };
  // 2b. The server's background warm-up (lib/server/warm-views.ts, as instrumentation.ts starts it):
  // the outcomes and audit are warm from above, so this is the board's cold computation.
  const warmStart = performance.now();
  const warmViews = keepViewsWarm(live);
  await warmViews.ready;
  const warmUp = performance.now() - warmStart;
  log(`  background warm-up after the load: ${warmUp.toFixed(0)} ms`);
  // 2c. The pages' server side: the views each page awaits, on the kept source: the first answer once
  // the server has warmed its views, then again.
  const pageViews: Record<string, () => Promise<unknown>> = {
    graph: () => Promise.all([clusterView(live), graphView(live, {}, 'auto')]),
    tree: () => treeView(live, false),
    namespaces: () => Promise.all([clusterView(live), pspTableView(live), workloadOutcomesView(live, {})]),
    audit: () => auditView(live, { useServiceAccountCredentials: true }),
    // The migration page renders one summary per namespace (the details come per namespace).
    board: () => podSecurityView(live).then((v) => ({ ...v, namespaces: v.namespaces.map(summarizeRow) })),
    // GET /api/v1/pod-security without a namespace: every row with all its details.
    'board API, all details': () => podSecurityView(live),
  };
  const pages: Record<string, { first: number; again: number }> = {};
  for (const [name, view] of Object.entries(pageViews)) {
    const t = performance.now();
    JSON.stringify(await view());
    const firstMs = performance.now() - t;
    const t2 = performance.now();
    JSON.stringify(await view());
    pages[name] = { first: firstMs, again: performance.now() - t2 };
    log(`  page ${name}: first ${firstMs.toFixed(0)} ms, again ${pages[name].again.toFixed(0)} ms`);
  }
  log(`  kept source: ${first.workloads.length} workloads, ${outcomes.length} top-level, ${cases} distinct admission cases, ${report.findings.length} findings`);
  // Copies (structuredClone), not references, and only as many as the churn uses: what this script
  // keeps is counted in the resident memory measured.
  const deletions = Math.ceil((rate * churnMs) / 1000 / 2) + 10;
  const pods = first.workloads.filter((w) => w.kind === 'Pod');
  const bareLoaded = pods.filter((p) => !p.metadata.ownerReferences?.length);
  const inputs: ChurnInputs = {
    bare: bareLoaded.slice(0, deletions).map((p, i) => ({ namespace: p.metadata.namespace!, name: p.metadata.name, spec: i < 200 ? structuredClone(p.spec) : undefined })),
    owned: pods.filter((p) => p.metadata.ownerReferences?.some((o) => o.kind === 'ReplicaSet')).slice(0, deletions)
      .map((p) => ({ namespace: p.metadata.namespace!, name: p.metadata.name })),
    replicaSets: first.workloads.filter((w) => w.kind === 'ReplicaSet').slice(0, 500)
      .map((w) => ({ namespace: w.metadata.namespace!, name: w.metadata.name, uid: w.metadata.uid!, spec: structuredClone((w.spec as { template: { spec: unknown } }).template.spec) })),
  };
  return {
    figures: { cold: { outcomes: outcomesCold, audit: auditCold, outcomesCpu: cpuOf.get('outcomes')!, auditCpu: cpuOf.get('audit')!, cases, topLevel: outcomes.length, findings: report.findings.length }, warm, warmUp, pages },
    inputs, warmViews,
  };
}
const { figures, inputs, warmViews } = await measureKept();
await sleep(3_000);
gc();
await sleep(500);
const steady = process.memoryUsage();
/** After the figures it would disturb (writing one takes seconds and memory of its own). */
const snapshot = (name: string) => {
  if (values['heap-snapshots']) log(`  heap snapshot: ${writeHeapSnapshot(path.join(values['heap-snapshots'], `${name}.heapsnapshot`))}`);
};
snapshot('before-churn');

// 3. Churn: `rate` pods created and `rate` deleted per second; views follow the watch. Each pod
// created is a bare pod or a ReplicaSet's, alternately, and each deletion takes a pod of the same
// kind (the loaded ones first, then the churn's own), so that the cluster keeps its make-up: runs
// before 2026-12-03 deleted 2,000 bare pods and 4,000 owned ones while creating 3,000 of each,
// adding 1,000 top-level workloads per run.
const toDelete = { bare: inputs.bare.map(({ namespace, name }) => ({ namespace, name })), owned: inputs.owned };
const eventToViews: number[] = [];
const recompute: number[] = [];
const recomputeCpu: number[] = [];
const unreachable: string[] = [];
/** Memory during churn: resident, V8 heap (reserved and used), and outside it (Buffers and other external memory). */
const rss: { at: number; mib: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number }[] = [];
const pending = new Map<string, number>();
let created = 0;
let deleted = 0;
let failures = 0;
/** Why churn requests failed, counted by reason. */
const failedBy = new Map<string, number>();
const failed = (why: string) => {
  failures++;
  failedBy.set(why, (failedBy.get(why) ?? 0) + 1);
};
let churning = true;
const churnStart = performance.now();

/** Each run's churn pods have names of their own (a rerun on the same cluster would meet the last run's). */
const runId = Date.now().toString(36);

async function churn() {
  const interval = 1000 / rate;
  for (let i = 0; performance.now() - churnStart < churnMs; i++) {
    const due = churnStart + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const bare = i % 2 === 0;
    const template = inputs.bare[Math.floor(i / 2) % Math.min(200, inputs.bare.length)];
    const rs = inputs.replicaSets[Math.floor(i / 2) % inputs.replicaSets.length];
    const name = `churn-${runId}-${i}`;
    const ns = bare ? template.namespace : rs.namespace;
    const pod = {
      apiVersion: 'v1', kind: 'Pod',
      metadata: {
        name, namespace: ns,
        ...(bare ? {} : { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.name, uid: rs.uid, controller: true }] }),
      },
      spec: { ...((bare ? template.spec : rs.spec) as object), nodeName: undefined },
    };
    const queue = bare ? toDelete.bare : toDelete.owned;
    const victim = queue.shift();
    void conn.request('POST', createPath(pod), { body: pod, timeoutMs: 30_000 }).then((res) => {
      if (res.status !== 201) return void failed(`create HTTP ${res.status}`);
      created++;
      if (bare) pending.set(`${ns}/${name}`, performance.now());
      queue.push({ namespace: ns, name });
    }, (e: Error) => failed(`create: ${e.message.replace(/^.*unreachable: /, '')}`));
    if (victim) {
      // At once (no grace period): the test cluster has no kubelet to finish a graceful deletion,
      // so a loaded pod (bound to a node) would stay, terminating, and the cluster grow by the
      // churn's every pod (runs before 2026-12-02 22:20 did: 6,000 pods more per 300 s).
      void conn.request('DELETE', `${createPath({ kind: 'Pod', metadata: victim })}/${victim.name}?gracePeriodSeconds=0`, { timeoutMs: 30_000 }).then(
        (res) => (res.status === 200 || res.status === 202 ? deleted++ : failed(`delete HTTP ${res.status}`)), (e: Error) => failed(`delete: ${e.message.replace(/^.*unreachable: /, '')}`));
    }
  }
  churning = false;
}

async function follow() {
  let seen = live.revision('workloads');
  let lastSample = 0;
  while (churning || pending.size > 0) {
    await sleep(10);
    const now = performance.now();
    // Every second: the floor of a saw-tooth is only seen by samples taken soon after collections
    // (runs before 2026-12-03 06:00 sampled every 10 s, and their floor moved by ±15 MiB with the phase).
    if (now - lastSample > 1_000) {
      lastSample = now;
      const m = process.memoryUsage();
      rss.push({ at: (now - churnStart) / 1000, mib: mib(m.rss), heapTotal: mib(m.heapTotal), heapUsed: mib(m.heapUsed), external: mib(m.external), arrayBuffers: mib(m.arrayBuffers) });
    }
    if (!churning && now - churnStart > churnMs + 15_000) break;
    const revision = live.revision('workloads');
    if (revision === seen) continue;
    seen = revision;
    const t = performance.now();
    const c = process.cpuUsage();
    let m: Awaited<ReturnType<LiveSource['readModel']>>;
    try {
      m = await live.readModel();
    } catch (e) {
      // The source says the API server does not answer (a watch could not be opened in time on an
      // overloaded machine): the views would show that error; counted, and followed again.
      unreachable.push(`${((performance.now() - churnStart) / 1000).toFixed(0)} s: ${(e as Error).message}`);
      continue;
    }
    const out = analysis.outcomes(m);
    analysis.audit(m);
    const done = performance.now();
    const d = process.cpuUsage(c);
    recompute.push(done - t);
    recomputeCpu.push((d.user + d.system) / 1000);
    if (pending.size === 0) continue;
    const present = new Set<string>();
    for (const o of out) if (o.kind === 'Pod') present.add(`${o.namespace}/${o.name}`);
    for (const [key, at] of pending) {
      if (present.has(key)) {
        eventToViews.push(done - at);
        pending.delete(key);
      }
    }
  }
}

log(`  churn: ${rate} pods/s created and ${rate}/s deleted for ${churnMs / 1000} s`);
// V8's pauses during the churn, full collections (mark-compact) apart from scavenges: what the
// garbage made per event costs, and what sets the recomputation's tail.
const gcPauses = { full: { n: 0, ms: 0, max: 0 }, young: { n: 0, ms: 0, max: 0 } };
/** The heap used just after each full collection: close to what is live, without forcing collections. */
const afterFull: { at: number; heapUsed: number }[] = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
    const of = kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR ? gcPauses.full : kind === perfConstants.NODE_PERFORMANCE_GC_MINOR ? gcPauses.young : undefined;
    if (!of) continue;
    of.n++;
    of.ms += e.duration;
    of.max = Math.max(of.max, e.duration);
    if (of === gcPauses.full) afterFull.push({ at: (performance.now() - churnStart) / 1000, heapUsed: mib(process.memoryUsage().heapUsed) });
  }
});
gcObserver.observe({ entryTypes: ['gc'] });
await Promise.all([churn(), follow()]);
gcObserver.disconnect();
await sleep(2_000);
gc();
await sleep(500);
const end = process.memoryUsage();
const last = await live.readModel();
const endCounts = { workloads: last.workloads.length, topLevel: analysis.outcomes(last).length };
snapshot('after-churn');
warmViews.stop();
live.close();

console.log(JSON.stringify({
  objects: kept.objects,
  heapLimit: mib(getHeapStatistics().heap_size_limit),
  ...figures,
  steady: { rss: mib(steady.rss), heap: mib(steady.heapUsed) },
  churn: {
    seconds: churnMs / 1000, rate, created, deleted, failures, failedBy: Object.fromEntries(failedBy), unreachable,
    recompute: { median: median(recompute), p95: pct(recompute, 0.95), max: Math.max(...recompute), n: recompute.length, cpuMedian: median(recomputeCpu), cpuP95: pct(recomputeCpu, 0.95) },
    eventToViews: { median: median(eventToViews), p95: pct(eventToViews, 0.95), n: eventToViews.length },
    rss, afterFull, end: { rss: mib(end.rss), heap: mib(end.heapUsed), ...endCounts }, gc: gcPauses,
  },
}));
