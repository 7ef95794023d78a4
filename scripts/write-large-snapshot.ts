// Writes the benchmark's large generated cluster, with the workloads the bench audits, as a snapshot
// file (kubectl's List JSON), to look at the dashboard on a big cluster (graph, namespaces, simulate,
// audit): npx tsx scripts/write-large-snapshot.ts /tmp/large.json
import { writeFileSync } from 'node:fs';
import { generateLargeCluster, generateLargeClusterWorkloads } from '../lib/testing/large-cluster';

const target = process.argv[2];
if (!target) {
  console.error('usage: tsx scripts/write-large-snapshot.ts FILE');
  process.exit(2);
}
const policy = generateLargeCluster();
const workloads = generateLargeClusterWorkloads();
const items = [...policy, ...workloads];
writeFileSync(target, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
console.log(`wrote ${policy.length} policy and RBAC objects and ${workloads.length} workloads to ${target}`);
