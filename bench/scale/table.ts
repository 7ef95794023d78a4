// The table bench:scale prints, with issue 13's targets beside the figures.

export interface Measured {
  items: number;
  objects: number;
  bare: number;
  firstModel: number;
  firstGraph: number;
  cold: { outcomes: number; audit: number; outcomesCpu: number; auditCpu: number; cases: number; topLevel: number; findings: number };
  warm: { graph: number; tree: number; outcomesNamespace: number; outcomesAll: number; audit: number };
  /** The V8 heap limit the measuring process ran with (MiB). */
  heapLimit?: number;
  /** The server's background warm-up of outcomes, audit and board after the load (lib/server/warm-views.ts). */
  warmUp?: number;
  /** The views each page awaits: the first answer after the warm-up, and the next. */
  pages?: Record<string, { first: number; again: number }>;
  steady: { rss: number; heap: number };
  churn: {
    seconds: number; rate: number; created: number; deleted: number; failures: number; failedBy?: Record<string, number>; unreachable: string[];
    recompute: { median: number; p95: number; max: number; n: number; cpuMedian: number; cpuP95: number };
    eventToViews: { median: number; p95: number; n: number };
    /** Sampled every second (every 10 s before 2026-12-03 06:00). */
    rss: { at: number; mib: number; heapTotal?: number; heapUsed?: number; external?: number; arrayBuffers?: number }[];
    /** The heap used just after each full collection during the churn. */
    afterFull?: { at: number; heapUsed: number }[];
    end: { rss: number; heap: number; workloads?: number; topLevel?: number };
    /** V8's pauses during the churn (runs before 2026-12-02 22:00 did not count them). */
    gc?: Record<'full' | 'young', { n: number; ms: number; max: number }>;
  };
}

const ms = (x: number) => `${x.toFixed(0)} ms`;
const mib = (x: number) => `${x.toFixed(0)} MiB`;

export function printTable(m: Measured, run: { scale: number; pods: number; loadSeconds?: number; totalSeconds: number }): void {
  const c = m.churn;
  // RSS saw-tooths between collections: growth is the floor rising, the lowest sample of the last
  // minute against the lowest of the second (not the last sample against one after a minute).
  const end = c.rss.length ? c.rss[c.rss.length - 1].at : 0;
  /** The lowest value of the second minute and of the last; undefined for a run too short to have both. */
  const floors = <T extends { at: number }>(samples: T[], value: (s: T) => number) => {
    const lowest = (from: number, to: number) => Math.min(...samples.filter((s) => s.at >= from && s.at < to).map(value));
    return end >= 150 && samples.length ? { second: lowest(60, 120), last: lowest(end - 60, end + 1) } : undefined;
  };
  const rssFloor = floors(c.rss, (s) => s.mib);
  const heapFloor = floors(c.afterFull ?? [], (s) => s.heapUsed);
  const rows: [string, string, string][] = [
    ['bare parallel LIST (15 kinds, bodies parsed)', `${ms(m.bare)} (${m.items} items)`, ''],
    ['dashboard: start → first complete model', ms(m.firstModel), ''],
    ['dashboard: start → first complete graph', `${ms(m.firstGraph)} (${(m.firstGraph / m.bare).toFixed(2)}× bare)`, '≤ 1.2× bare'],
    ['workload outcomes, cold', `${ms(m.cold.outcomes)} (${m.cold.topLevel} top-level, ${m.cold.cases} distinct cases)`, ''],
    ['audit, cold (after the outcomes)', `${ms(m.cold.audit)} (${m.cold.findings} findings)`, ''],
    ['audit + outcomes, cold', `${ms(m.cold.outcomes + m.cold.audit)} (CPU ${ms(m.cold.outcomesCpu + m.cold.auditCpu)})`, '< 2 s'],
    ['warm: graph JSON (relations included)', ms(m.warm.graph), '< 1 s'],
    ['warm: tree', ms(m.warm.tree), '< 1 s'],
    ['warm: outcomes, one namespace / all (JSON)', `${ms(m.warm.outcomesNamespace)} / ${ms(m.warm.outcomesAll)}`, '< 1 s'],
    ['warm: audit (JSON)', ms(m.warm.audit), '< 1 s'],
    ...(m.warmUp !== undefined ? [['background warm-up after the load (the board, cold)', ms(m.warmUp), ''] as [string, string, string]] : []),
    ...Object.entries(m.pages ?? {}).map(([page, t]): [string, string, string] => [`page ${page}: server answer, first after the warm-up / again`, `${ms(t.first)} / ${ms(t.again)}`, '< 1 s']),
    ['steady RSS after the load (heap used; V8 heap limit)', `${mib(m.steady.rss)} (${mib(m.steady.heap)}; ${m.heapLimit !== undefined ? mib(m.heapLimit) : '?'})`, '≤ 1 GiB'],
    [`churn: ${c.rate}/s created + ${c.rate}/s deleted, ${c.seconds} s`, `${c.created} created, ${c.deleted} deleted, ${c.failures} failed${c.unreachable.length ? `; source unreachable ${c.unreachable.length}×` : ''}`, ''],
    ['churn: views recomputed after an event (median / p95 / max)', `${ms(c.recompute.median)} / ${ms(c.recompute.p95)} / ${ms(c.recompute.max)} (CPU ${ms(c.recompute.cpuMedian)} / ${ms(c.recompute.cpuP95)}; ${c.recompute.n} times)`, '< 50 ms'],
    ['churn: pod created → in the updated views (median / p95)', `${ms(c.eventToViews.median)} / ${ms(c.eventToViews.p95)} (${c.eventToViews.n} pods)`, ''],
    ...(c.gc ? [['churn: V8 pauses, full collections / scavenges (count, total, longest)', `${c.gc.full.n}, ${ms(c.gc.full.ms)}, ${ms(c.gc.full.max)} / ${c.gc.young.n}, ${ms(c.gc.young.ms)}, ${ms(c.gc.young.max)}`, ''] as [string, string, string]] : []),
    ['churn: RSS at the end (heap used)', `${mib(c.end.rss)} (${mib(c.end.heap)})`, '≤ 1 GiB'],
    ['churn: live heap after a full collection, before → after the churn', `${mib(m.steady.heap)} → ${mib(c.end.heap)} (${c.end.heap >= m.steady.heap ? '+' : ''}${mib(c.end.heap - m.steady.heap)})${c.end.workloads !== undefined ? ` (top-level workloads ${m.cold.topLevel} → ${c.end.topLevel}; ${c.end.workloads} workloads at the end)` : ''}`, 'flat'],
    ['churn: RSS floor growth after the first minute (lowest of the last minute − lowest of the second)', rssFloor ? mib(rssFloor.last - rssFloor.second) : 'n/a (shorter run)', 'flat'],
    ...(c.afterFull ? [['churn: heap after full collections, growth after the first minute (the same way)', heapFloor ? `${mib(heapFloor.last - heapFloor.second)} (${mib(heapFloor.second)} → ${mib(heapFloor.last)}; ${c.afterFull.length} collections)` : 'n/a (shorter run)', 'flat'] as [string, string, string]] : []),
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  console.log(`\nbench:scale at --scale ${run.scale} (${run.pods} pods; ${m.objects} objects in the dashboard's model)${run.loadSeconds ? `, loaded in ${run.loadSeconds.toFixed(0)} s` : ''}, whole run ${(run.totalSeconds / 60).toFixed(1)} min\n`);
  console.log(`| ${'measure'.padEnd(w0)} | ${'figure'.padEnd(w1)} | target |`);
  console.log(`|${'-'.repeat(w0 + 2)}|${'-'.repeat(w1 + 2)}|--------|`);
  for (const [a, b, t] of rows) console.log(`| ${a.padEnd(w0)} | ${b.padEnd(w1)} | ${t} |`);
  console.log('(wall-clock figures include waiting for the CPU on a shared machine; CPU figures are this process\'s own)');
  if (c.failures) console.log(`Churn requests that failed, by reason: ${Object.entries(c.failedBy ?? {}).map(([why, n]) => `${why} ×${n}`).join('; ')}`);
  if (c.unreachable.length) console.log(`The live source said the API server did not answer: ${c.unreachable.slice(0, 5).join('; ')}`);
  console.log(`\nMemory during churn, every 10 s (RSS; V8 heap reserved/used; external, of which Buffers):`);
  let printed = -Infinity;
  for (const s of c.rss) {
    if (s.at - printed < 9.5) continue;
    printed = s.at;
    console.log(`  ${s.at.toFixed(0).padStart(4)} s  RSS ${mib(s.mib)}${s.heapTotal !== undefined ? `; heap ${mib(s.heapTotal)}/${mib(s.heapUsed!)}; external ${mib(s.external!)} (${mib(s.arrayBuffers!)})` : ''}`);
  }
}
