// The migration board on the large generated cluster with its 5,000 generated workloads: every
// namespace's row (labels, PSPs now, strictest level pinned/latest/after the next upgrade, refused
// workloads per level with reasons, mutations, relabelers, dry-run enforce warnings), its exports,
// and the PSP admission outcomes it reads (timed apart: the server caches them per model).
import { buildBoard } from '../lib/pss/board';
import { boardCsv, boardMarkdown } from '../lib/pss/board-export';
import { buildChecklist } from '../lib/pss/checklist';
import { pspOutcomes } from '../lib/pss/psp-outcomes';
import type { ClusterModel } from '../lib/model/types';
import { buildModel, type RawObject } from '../lib/sources/to-model';
import { generateLargeClusterWorkloads } from '../lib/testing/large-cluster';

export function benchBoard(raw: RawObject[], time: <T>(label: string, runs: number, fn: () => T) => T): void {
  const source = { kind: 'snapshot' as const, name: 'bench', pspApiServed: true, state: 'static' as const, readOnly: true };
  const model: ClusterModel = buildModel({ objects: [...raw, ...generateLargeClusterWorkloads()].map((object, i) => ({ object, where: `object ${i}` })), source, computeAggregation: true });
  console.log(`Migration board: ${model.namespaces.length} namespaces, ${model.workloads.length} workloads.`);
  const outcomes = time('PSP outcomes the board reads (simulation)', 5, () => pspOutcomes(model));
  // One untimed build first: the figures are the steady state (the browser spec prints a cold page).
  buildBoard({ model, serverMinor: 24, outcomes });
  for (const serverMinor of [24, 37]) {
    const board = time(`board, all levels pinned/latest/next (server v1.${serverMinor})`, 5, () => buildBoard({ model, serverMinor, outcomes: serverMinor === 24 ? outcomes : undefined }));
    if (serverMinor === 24) {
      time('board + checklist + Markdown + CSV (v1.24)', 5, () => {
        const b = buildBoard({ model, serverMinor, outcomes });
        return buildChecklist(b, { pspApiServed: true, psps: model.psps.length }).length + boardMarkdown(b).length + boardCsv(b).length;
      });
      time('board JSON (what GET /api/v1/pod-security sends)', 5, () => JSON.stringify(board).length);
    }
    const tally = new Map<string, number>();
    for (const r of board.namespaces) tally.set(r.recommended.level, (tally.get(r.recommended.level) ?? 0) + 1);
    const refused = board.namespaces.reduce((n, r) => n + r.levels.restricted.violations.length, 0);
    console.log(`  v1.${serverMinor}: recommended ${[...tally].map(([k, n]) => `${k} ${n}`).join(', ')}; ${refused} workloads refused at restricted; JSON ${(JSON.stringify(board).length / 1024 / 1024).toFixed(1)} MiB`);
  }
}
