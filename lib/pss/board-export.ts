/**
 * The migration board as Markdown (for a ticket or a review) and CSV (for a spreadsheet). Pure.
 */
import type { Board, BoardRow } from './board';
import { levelLabel, MODES } from './labels';

const lv = (r: BoardRow, m: (typeof MODES)[number]) => (r.labels.set[levelLabel(m)] !== undefined ? `${r.labels[m].level}:${r.labels[m].version}` : '');
const refused = (r: BoardRow, level: 'baseline' | 'restricted') => r.levels[level].violations.map((v) => `${v.workload} (${v.checks.map((c) => c.id).join(', ')})`);
const relabelers = (r: BoardRow) => r.relabelers.map((s) => `${s.kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name}`);

interface Column {
  title: string;
  value: (r: BoardRow) => string;
}

const COLUMNS: Column[] = [
  { title: 'namespace', value: (r) => r.namespace },
  ...MODES.map((m) => ({ title: m, value: (r: BoardRow) => lv(r, m) })),
  { title: 'label errors', value: (r) => r.labels.errors.map((e) => e.message).join('; ') },
  { title: 'workloads', value: (r) => String(r.workloads) },
  { title: 'PSPs now', value: (r) => r.psps.join(' ') },
  { title: 'recommended', value: (r) => `${r.recommended.level}:${r.recommended.version}` },
  { title: 'strictest at latest', value: (r) => r.strictest.latest },
  { title: 'after next upgrade', value: (r) => r.strictest.nextUpgrade ?? '' },
  { title: 'refused at baseline', value: (r) => refused(r, 'baseline').join('; ') },
  { title: 'refused at restricted', value: (r) => refused(r, 'restricted').join('; ') },
  { title: 'PSP mutates pods', value: (r) => (r.mutated ? 'yes' : 'no') },
  { title: 'may relabel', value: (r) => relabelers(r).join('; ') },
];

/** RFC 4180 quoting; a leading =, +, - or @ is neutralised so a spreadsheet never runs it as a formula. */
function csvCell(s: string): string {
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function boardCsv(board: Board): string {
  const lines = [COLUMNS.map((c) => csvCell(c.title)).join(',')];
  for (const r of board.namespaces) lines.push(COLUMNS.map((c) => csvCell(c.value(r))).join(','));
  return lines.join('\r\n') + '\r\n';
}

function mdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function boardMarkdown(board: Board, serverVersion?: string): string {
  const head = [
    '# Pod Security migration board',
    '',
    `API server ${serverVersion ?? `v1.${board.serverMinor}`}: \`latest\` means ${board.latest.now}${board.latest.nextUpgrade ? `, and ${board.latest.nextUpgrade} after the next upgrade` : ''}.`,
    '',
  ];
  const cols = COLUMNS.filter((c) => c.title !== 'label errors' || board.namespaces.some((r) => r.labels.errors.length > 0));
  const table = [
    `| ${cols.map((c) => c.title).join(' | ')} |`,
    `| ${cols.map(() => '---').join(' | ')} |`,
    ...board.namespaces.map((r) => `| ${cols.map((c) => mdCell(c.value(r)) || ' ').join(' | ')} |`),
  ];
  const details = board.namespaces.flatMap((r) => {
    const out: string[] = [];
    for (const level of ['baseline', 'restricted'] as const) {
      for (const v of r.levels[level].violations) out.push(`- ${level}: ${v.workload}: ${v.checks.map((c) => `${c.message} [${c.id}]`).join(', ')}`);
    }
    return out.length ? ['', `## ${r.namespace}`, '', ...out] : [];
  });
  return [...head, ...table, ...details, ''].join('\n');
}
