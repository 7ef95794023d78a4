// Writes the benchmark's large generated cluster as a snapshot file (kubectl's List JSON), to look
// at the dashboard on a big cluster: npx tsx scripts/write-large-snapshot.ts /tmp/large.json
import { writeFileSync } from 'node:fs';
import { generateLargeCluster } from '../lib/testing/large-cluster';

const target = process.argv[2];
if (!target) {
  console.error('usage: tsx scripts/write-large-snapshot.ts FILE');
  process.exit(2);
}
const items = generateLargeCluster();
writeFileSync(target, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
console.log(`wrote ${items.length} objects to ${target}`);
