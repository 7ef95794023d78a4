// "Live first load": the large generated cluster loaded into a real kube-apiserver v1.24 (testenv),
// then, in the same run and alternately, (a) the dashboard's LiveSource from start to its first
// complete model (and graph), and (b) the same LISTs done bare, in parallel: the floor any client
// pays (request, body, JSON.parse). Prints figures; asserts nothing.
//
// Run by bench/run.ts in a child process with `--conditions=react-server` (the server modules import
// 'server-only'), or alone: npx tsx --conditions=react-server --expose-gc bench/live-load.ts
// BENCH_LIVE_ROUNDS (default 7); BENCH_LIVE_KUBECONFIG=<a running testenv cluster's kubeconfig> reuses
// that cluster (loaded once) instead of starting one; BENCH_LIVE_DEBUG=1 prints each first load's split.
import { binariesAvailable, startCluster } from '../testenv/cluster';
import { KubeConnection } from '../lib/server/kube/connection';
import { LiveSource } from '../lib/server/sources/live';
import { buildGraph } from '../lib/graph/build-graph';
import { RESOURCES, collectionPath } from '../lib/sources/resources';
import type { RawObject } from '../lib/sources/to-model';
import { generateLargeCluster } from '../lib/testing/large-cluster';

const ROUNDS = Number(process.env.BENCH_LIVE_ROUNDS ?? 7);
const ORDER = ['Namespace', 'ServiceAccount', 'PodSecurityPolicy', 'ClusterRole', 'Role', 'ClusterRoleBinding', 'RoleBinding'];

function createPath(obj: RawObject): string {
  const def = RESOURCES.find((r) => r.kind === obj.kind)!;
  const ns = (obj.metadata as { namespace?: string }).namespace;
  const base = collectionPath(def);
  return ns ? `${base.slice(0, base.lastIndexOf('/'))}/namespaces/${ns}/${def.resource}` : base;
}

/** Creates the objects kind by kind (dependency order), `concurrency` requests at a time. */
async function load(conn: KubeConnection, objects: RawObject[], concurrency = 24) {
  for (const kind of ORDER) {
    const batch = objects.filter((o) => o.kind === kind);
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < batch.length) {
        const obj = batch[next++];
        const res = await conn.request('POST', createPath(obj), { body: obj, timeoutMs: 60_000 });
        if (res.status !== 201 && res.status !== 409) throw new Error(`creating ${obj.kind}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
      }
    }));
  }
}

/** The dashboard's LISTs (same query as the reflector's first list), all kinds in parallel, bodies parsed. */
async function bareLists(conn: KubeConnection): Promise<number> {
  let items = 0;
  await Promise.all(RESOURCES.map(async (def) => {
    let cont = '';
    let first = true;
    do {
      const q = new URLSearchParams({ limit: '500' });
      if (first) q.set('resourceVersion', '0');
      if (cont) q.set('continue', cont);
      const res = await conn.request('GET', `${collectionPath(def)}?${q}`);
      const list = JSON.parse(res.body) as { items?: unknown[]; metadata?: { continue?: string } };
      items += list.items?.length ?? 0;
      cont = list.metadata?.continue ?? '';
      first = false;
    } while (cont);
  }));
  return items;
}

async function liveFirstLoad(conn: KubeConnection): Promise<{ model: number; graph: number; objects: number; cpu: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const live = new LiveSource(conn, true);
  try {
    await live.start();
    const tSynced = performance.now();
    const model = await live.readModel();
    const t1 = performance.now();
    if (process.env.BENCH_LIVE_DEBUG) console.log(`  synced ${(tSynced - t0).toFixed(0)} ms, model ${(t1 - tSynced).toFixed(0)} ms`);
    JSON.stringify(buildGraph(model));
    const t2 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    await new Promise((ok) => setTimeout(ok, 500)); // let its watches open before closing them
    const objects = model.psps.length + model.clusterRoles.length + model.roles.length + model.clusterRoleBindings.length + model.roleBindings.length + model.serviceAccounts.length + model.namespaces.length + model.workloads.length;
    return { model: t1 - t0, graph: t2 - t0, objects, cpu: (cpu.user + cpu.system) / 1000 };
  } finally {
    live.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${x.toFixed(0).padStart(6)} ms`;

async function main() {
  const available = binariesAvailable('1.24');
  if (!available.ok) {
    console.log(`live first load: skipped, the 1.24 control plane is missing (${available.missing.join('; ')}; run bash testenv/build.sh)`);
    return;
  }
  // BENCH_LIVE_KUBECONFIG: a running test cluster (its admin context) to reuse; loaded only once.
  const reuse = process.env.BENCH_LIVE_KUBECONFIG;
  const cluster = reuse ? undefined : await startCluster({ version: '1.24' });
  try {
    const conn = KubeConnection.load({ kubeconfig: reuse ?? cluster!.kubeconfigPath, context: 'admin' });
    const objects = generateLargeCluster();
    const last = objects[objects.length - 1];
    const loaded = (await conn.request('GET', `${createPath(last)}/${(last.metadata as { name: string }).name}`)).status === 200;
    const t0 = performance.now();
    if (!loaded) await load(conn, objects);
    const version = JSON.parse((await conn.request('GET', '/version')).body).gitVersion;
    console.log(`${loaded ? 'Reused' : 'Loaded'} ${objects.length} objects in kube-apiserver ${version}${loaded ? '' : ` in ${((performance.now() - t0) / 1000).toFixed(1)} s`}.`);
    // Right after a load the API server and etcd are still busy (compaction, garbage collection):
    // let them settle, then one of each to warm up the connection pool and both code paths.
    if (!loaded) await new Promise((ok) => setTimeout(ok, 10_000));
    await bareLists(conn);
    await liveFirstLoad(conn);
    const bare: number[] = [];
    const model: number[] = [];
    const graph: number[] = [];
    const bareCpu: number[] = [];
    const liveCpu: number[] = [];
    const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
    let items = 0;
    let objectsSeen = 0;
    for (let i = 0; i < ROUNDS; i++) {
      // Alternate which goes first, so that neither always meets a server just warmed by the other.
      const gc = (globalThis as { gc?: () => void }).gc;
      // Each run starts on a quiet process and server: the previous one's watches are closed, its
      // garbage collected.
      const quiet = () => new Promise((ok) => setTimeout(ok, 1_000));
      const runBare = async () => {
        await quiet();
        gc?.();
        const t = performance.now();
        const cpu = process.cpuUsage();
        items = await bareLists(conn);
        bare.push(performance.now() - t);
        bareCpu.push(cpuMs(process.cpuUsage(cpu)));
      };
      const runLive = async () => {
        await quiet();
        gc?.();
        const r = await liveFirstLoad(conn);
        liveCpu.push(r.cpu);
        model.push(r.model);
        graph.push(r.graph);
        objectsSeen = r.objects;
      };
      if (i % 2 === 0) {
        await runBare();
        await runLive();
      } else {
        await runLive();
        await runBare();
      }
    }
    console.log(`${'bare parallel LISTs (14 kinds, bodies parsed)'.padEnd(52)} median ${ms(median(bare))}   min ${ms(Math.min(...bare))}   (${items} items, ${ROUNDS} runs)`);
    console.log(`${'LiveSource: start → first complete model'.padEnd(52)} median ${ms(median(model))}   min ${ms(Math.min(...model))}   (${objectsSeen} objects)`);
    console.log(`${'LiveSource: start → first graph JSON'.padEnd(52)} median ${ms(median(graph))}   min ${ms(Math.min(...graph))}`);
    console.log(`This process's CPU: bare ${median(bareCpu).toFixed(0)} ms, LiveSource to its first graph ${median(liveCpu).toFixed(0)} ms (medians; the API server shares the machine)`);
    console.log(`Ratio, first model / bare LISTs: ${(median(model) / median(bare)).toFixed(2)}× (aim ≤ 1.2×); first graph / bare LISTs: ${(median(graph) / median(bare)).toFixed(2)}×`);
  } finally {
    await cluster?.stop();
  }
}

await main();
