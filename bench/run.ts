// npm run bench: times the read path on a large generated cluster. Prints figures; asserts nothing.
import { buildGraph } from '../lib/graph/build-graph';
import { resolvePspRelations } from '../lib/rbac/relations';
import { buildModel } from '../lib/sources/to-model';
import { renderTree } from '../lib/tree/render-tree';
import { generateLargeCluster, LARGE_CLUSTER } from '../lib/testing/large-cluster';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { benchAdmission } from './admission';
import { benchAudit } from './audit';
import { time } from './time';

const raw = generateLargeCluster();
console.log(`Large cluster: ${Object.entries(LARGE_CLUSTER).map(([k, v]) => `${v} ${k}`).join(', ')} (${raw.length} objects)\n`);
const source = { kind: 'snapshot' as const, name: 'bench', pspApiServed: true, state: 'static' as const, readOnly: true };
const objects = raw.map((object, i) => ({ object, where: `object ${i}` }));

const model = time('model (raw objects → ClusterModel)', 10, () => buildModel({ objects, source, computeAggregation: true }));
const rel = time('relations (PSP ↔ role ↔ binding ↔ subject)', 10, () => resolvePspRelations(model));
const graph = time('graph JSON, whole cluster (relations cached)', 10, () => JSON.stringify(buildGraph(model, {}, rel)));
time('graph JSON, cold (relations + graph + JSON)', 10, () => JSON.stringify(buildGraph(model)));
time('graph JSON, filtered to one namespace', 10, () => JSON.stringify(buildGraph(model, { namespace: 'ns-042' }, rel)));
time('graph JSON, search "sa-77"', 10, () => JSON.stringify(buildGraph(model, { q: 'sa-77' }, rel)));
const tree = time('psp-util tree text', 10, () => renderTree(model, {}, rel));

const parsed = JSON.parse(graph);
console.log(`\nGraph: ${parsed.total} nodes before trimming; sent ${parsed.nodes.length} nodes and ${parsed.edges.length} edges (${(graph.length / 1024).toFixed(0)} KiB), ${parsed.hidden} in collapsed groups.`);
console.log(`Relations: ${rel.roles.length} PSP-granting roles; ${rel.warnings.length} warnings. Tree: ${tree.split('\n').length} lines.`);

console.log('');
benchAdmission(model, time);

console.log('');
benchAudit(raw, time);
console.log(''); (await import('./preview-impact')).benchPreviewImpact(raw, time);

console.log(''); (await import('./pss')).benchPss(time);
console.log(''); (await import('./board')).benchBoard(raw, time);
console.log(''); (await import('./plans')).benchPlans(raw, time);
// Time to first graph in Chromium (demo, large cluster): two servers on the current build. BENCH_GRAPH=0 skips it.
if (process.env.BENCH_GRAPH !== '0') {
  console.log('\nTime to first graph in Chromium (navigation → first node drawn):');
  await (await import('./graph-first-paint')).benchGraphFirstPaint();
}
// Live first load against a real kube-apiserver v1.24 holding the large cluster (about 2–3 minutes,
// most of it loading the objects). The server modules import 'server-only', which resolves to an
// empty module only under the react-server condition, hence a child process. BENCH_LIVE=0 skips it.
if (process.env.BENCH_LIVE !== '0') {
  console.log('\nLive first load (kube-apiserver v1.24, the large cluster):');
  const tsx = createRequire(import.meta.url).resolve('tsx/cli');
  spawnSync(process.execPath, [tsx, '--conditions=react-server', '--expose-gc', fileURLToPath(new URL('./live-load.ts', import.meta.url))], { stdio: 'inherit' });
}
