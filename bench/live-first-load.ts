// The dashboard's first load against a live cluster, timed: LiveSource from start to its first
// complete model, then the graph JSON. Needs `--conditions=react-server` (server-only modules).
import { buildGraph } from '../lib/graph/build-graph';
import type { ClusterModel } from '../lib/model/types';
import type { KubeConnection } from '../lib/server/kube/connection';
import { LiveSource } from '../lib/server/sources/live';

export interface FirstLoad {
  /** ms from start to the first complete model, and to its graph JSON */
  model: number;
  graph: number;
  objects: number;
  /** this process's CPU, ms */
  cpu: number;
}

export const modelObjects = (m: ClusterModel) =>
  m.psps.length + m.clusterRoles.length + m.roles.length + m.clusterRoleBindings.length + m.roleBindings.length + m.serviceAccounts.length + m.namespaces.length + m.workloads.length;

/** One first load; the source is closed afterwards unless `keep` takes it. */
export async function liveFirstLoad(conn: KubeConnection, keep?: (live: LiveSource) => void): Promise<FirstLoad> {
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
    if (!keep) await new Promise((ok) => setTimeout(ok, 500)); // let its watches open before closing them
    const objects = modelObjects(model);
    return { model: t1 - t0, graph: t2 - t0, objects, cpu: (cpu.user + cpu.system) / 1000 };
  } finally {
    if (keep) keep(live);
    else live.close();
  }
}


/** Round i runs a then b, or b then a: neither always meets a server just warmed by the other. */
export async function alternately(i: number, a: () => Promise<void>, b: () => Promise<void>): Promise<void> {
  for (const run of i % 2 === 0 ? [a, b] : [b, a]) await run();
}
