// npm run bench:scale [-- --scale 0.2] [--churn-seconds 300] [--rate 20] [--rounds 3] [--kubeconfig F [--load-only]] [--pods-via etcd|apiserver] [--heap-mib 768] [--heap-snapshots DIR]
//
// Issue 13's benchmark: a testenv kube-apiserver v1.24 loaded with a cluster shaped like the largest
// real ones (bench/scale/shape.ts: 150,000 pods in 5,000 namespaces at --scale 1), then the
// dashboard measured against it in a child process: bare parallel LISTs against its first complete
// graph, cold audit and workload outcomes, warm answers, steady memory, and churn. Prints a table;
// asserts nothing. --kubeconfig reuses a running cluster (`npm run cluster:up`; its admin context),
// loading it only once; with --load-only it stops after loading. The owned pods go into the
// cluster's etcd directly unless --pods-via apiserver (bench/scale/load.ts says why).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { KubeConnection } from '../lib/server/kube/connection';
import { binariesAvailable, startCluster } from '../testenv/cluster';
import { etcdUrlFor } from './scale/etcd';
import { loadedMarkerPath, loadScaleCluster, planScaleCluster } from './scale/load';
import { printTable, type Measured } from './scale/table';
import { shapeAt, totalPods } from './scale/shape';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' }, 'churn-seconds': { type: 'string', default: '300' }, rate: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '3' }, kubeconfig: { type: 'string' }, 'load-only': { type: 'boolean', default: false },
    'pods-via': { type: 'string', default: 'etcd' },
    // The dashboard's V8 heap limit (MiB), as NODE_OPTIONS=--max-old-space-size sets it in a pod:
    // by default deploy/base's (768 of its 1Gi), so that the figures are those of what is deployed.
    'heap-mib': { type: 'string', default: '768' },
    // For a memory hunt: V8 heap snapshots of the kept source before and after the churn, written there.
    'heap-snapshots': { type: 'string' },
  },
});
const scale = Number(values.scale);
const shape = shapeAt(scale);
const log = (s: string) => console.log(s);

const available = binariesAvailable('1.24');
if (!values.kubeconfig && !available.ok) {
  log(`bench:scale skipped: the 1.24 control plane is missing (${available.missing.join('; ')}; run bash testenv/build.sh)`);
  process.exit(0);
}
const t0 = performance.now();
const cluster = values.kubeconfig ? undefined : await startCluster({ version: '1.24', log });
try {
  const kubeconfig = values.kubeconfig ?? cluster!.kubeconfigPath;
  const conn = KubeConnection.load({ kubeconfig, context: 'admin' });
  conn.keepAliveWrites = true;
  const plan = planScaleCluster(shape);
  log(`Scale ${scale}: ${shape.namespaces} namespaces, ${shape.deployments} Deployments and ReplicaSets, ${totalPods(shape)} pods (${shape.replicaSetPods} ReplicaSet, ${shape.daemonSets}×${shape.nodes} DaemonSet, ${shape.barePods} bare), ${shape.rbac.psps} PSPs, ${shape.rbac.clusterRoles + shape.rbac.roles} roles, ${shape.rbac.clusterRoleBindings + shape.rbac.roleBindings} bindings, ${shape.rbac.serviceAccounts} ServiceAccounts`);
  const loaded = (await conn.request('GET', loadedMarkerPath())).status === 200;
  let loadSeconds: number | undefined;
  if (!loaded) {
    const t = performance.now();
    const etcdUrl = values['pods-via'] === 'etcd' ? etcdUrlFor(kubeconfig) : undefined;
    if (values['pods-via'] === 'etcd' && !etcdUrl) log(`No testenv etcd found for ${kubeconfig}: every pod goes through the API server.`);
    const n = await loadScaleCluster(conn, plan, log, etcdUrl);
    loadSeconds = (performance.now() - t) / 1000;
    log(`Loaded ${n} objects in ${loadSeconds.toFixed(0)} s; letting the API server settle.`);
    await new Promise((ok) => setTimeout(ok, 10_000));
  } else log('Reusing the loaded cluster.');
  if (values['load-only']) process.exit(0);
  const measure = (part: string) => {
    // tsx as a loader of this node process: its CLI would run the script in a child process of its
    // own, where the heap limit given here does not apply (runs before 2026-12-02 had 4 GiB).
    // The first loads are timed against bare LISTs whose parsed bodies (every field of 150,000 pods)
    // are the reference, not the dashboard: that process keeps V8's default limit. The kept source,
    // loaded again, is the dashboard measured under --heap-mib.
    const heap = part === 'kept' ? [`--max-old-space-size=${Number(values['heap-mib'])}`] : [];
    const child = spawnSync(process.execPath, [
      ...heap, '--import', 'tsx', '--conditions=react-server', '--expose-gc', fileURLToPath(new URL('./scale/measure.ts', import.meta.url)),
      '--part', part, '--kubeconfig', kubeconfig, '--rounds', values.rounds!, '--churn-seconds', values['churn-seconds']!, '--rate', values.rate!,
      ...(values['heap-snapshots'] && part === 'kept' ? ['--heap-snapshots', values['heap-snapshots']] : []),
    ], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const last = child.stdout.trim().split('\n').pop() ?? '';
    if (child.status !== 0 || !last.startsWith('{')) throw new Error(`the measuring process (${part}) failed (exit ${child.status}): ${child.stdout.slice(-2000)}`);
    return JSON.parse(last) as Partial<Measured>;
  };
  const measured = { ...measure('first-load'), ...measure('kept') } as Measured;
  printTable(measured, { scale, pods: totalPods(shape), loadSeconds, totalSeconds: (performance.now() - t0) / 1000 });
} finally {
  await cluster?.stop();
}
