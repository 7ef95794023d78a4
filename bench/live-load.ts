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
import { bareLists, createAll, createPath } from './kube-io';
import { alternately, liveFirstLoad } from './live-first-load';
import type { RawObject } from '../lib/sources/to-model';
import { generateLargeCluster } from '../lib/testing/large-cluster';

const ROUNDS = Number(process.env.BENCH_LIVE_ROUNDS ?? 7);
const ORDER = ['Namespace', 'ServiceAccount', 'PodSecurityPolicy', 'ClusterRole', 'Role', 'ClusterRoleBinding', 'RoleBinding'];

/** Creates the objects kind by kind (dependency order), 24 requests at a time. */
async function load(conn: KubeConnection, objects: RawObject[]) {
  for (const kind of ORDER) await createAll(conn, objects.filter((o) => o.kind === kind), 24);
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
      await alternately(i, runBare, runLive);
    }
    console.log(`${'bare parallel LISTs (15 kinds, bodies parsed)'.padEnd(52)} median ${ms(median(bare))}   min ${ms(Math.min(...bare))}   (${items} items, ${ROUNDS} runs)`);
    console.log(`${'LiveSource: start → first complete model'.padEnd(52)} median ${ms(median(model))}   min ${ms(Math.min(...model))}   (${objectsSeen} objects)`);
    console.log(`${'LiveSource: start → first graph JSON'.padEnd(52)} median ${ms(median(graph))}   min ${ms(Math.min(...graph))}`);
    console.log(`This process's CPU: bare ${median(bareCpu).toFixed(0)} ms, LiveSource to its first graph ${median(liveCpu).toFixed(0)} ms (medians; the API server shares the machine)`);
    console.log(`Ratio, first model / bare LISTs: ${(median(model) / median(bare)).toFixed(2)}× (aim ≤ 1.2×); first graph / bare LISTs: ${(median(graph) / median(bare)).toFixed(2)}×`);
  } finally {
    await cluster?.stop();
  }
}

await main();
