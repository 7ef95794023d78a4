// Pod Security (lib/pss) on the large generated cluster's 5,000 workloads: every pod template at
// baseline and restricted, pinned (v1.24, v1.30) and latest, on a v1.37 server and on a v1.24 one,
// plus the strictest level per namespace at each version (what the migration board recommends).
import { evaluateWorkloadAt } from '../lib/pss/evaluate';
import type { LevelVersion, PssVersion } from '../lib/pss/version';
import { generateLargeClusterWorkloads } from '../lib/testing/large-cluster';

export function benchPss(time: <T>(label: string, runs: number, fn: () => T) => T): void {
  const workloads = generateLargeClusterWorkloads() as Parameters<typeof evaluateWorkloadAt>[0][];
  const versions: PssVersion[] = ['v1.24', 'v1.30', 'latest'];
  const pairs: LevelVersion[] = versions.flatMap((version) => (['baseline', 'restricted'] as const).map((level) => ({ level, version })));
  console.log(`Pod Security: ${workloads.length} workload templates × ${pairs.length} (level, version) pairs.`);
  for (const serverMinor of [37, 24]) {
    const refused = time(`PSS evaluation, all workloads × ${pairs.length} (server v1.${serverMinor})`, 5, () => {
      const counts = new Map<string, number>();
      for (const w of workloads) {
        for (const r of evaluateWorkloadAt(w, pairs, { serverMinor })!) {
          if (!r.allowed) counts.set(r.levelVersion, (counts.get(r.levelVersion) ?? 0) + 1);
        }
      }
      return counts;
    });
    console.log(`  would be refused (v1.${serverMinor}): ${[...refused].map(([k, n]) => `${k} ${n}`).join(', ')}`);
  }
  const byNamespace = time('strictest level per namespace, pinned and latest', 5, () => {
    const rank = { privileged: 0, baseline: 1, restricted: 2 } as const;
    const out = new Map<string, Record<string, keyof typeof rank>>();
    for (const w of workloads) {
      const ns = (w.metadata as { namespace?: string } | undefined)?.namespace ?? 'default';
      const row = out.get(ns) ?? Object.fromEntries(versions.map((v) => [v, 'restricted' as const]));
      const results = evaluateWorkloadAt(w, pairs)!;
      versions.forEach((v, i) => {
        const lvl = results[2 * i + 1].allowed ? 'restricted' : results[2 * i].allowed ? 'baseline' : 'privileged';
        if (rank[lvl] < rank[row[v]]) row[v] = lvl;
      });
      out.set(ns, row);
    }
    return out;
  });
  const tally = new Map<string, number>();
  for (const row of byNamespace.values()) tally.set(row.latest, (tally.get(row.latest) ?? 0) + 1);
  console.log(`  ${byNamespace.size} namespaces; strictest level at latest: ${[...tally].map(([k, n]) => `${k} ${n}`).join(', ')}`);
}
