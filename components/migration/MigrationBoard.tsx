'use client';
import { Fragment, useMemo, useState } from 'react';
import type { ChangesAllowed } from '@/lib/identity/actor-view';
import type { BoardSummaryRow } from '@/lib/pss/board';
import type { PssLevel } from '@/lib/pss/version';
import { LevelBadge } from './LevelBadge';
import { NamespaceDetails } from './NamespaceDetails';
import { RowActions } from './RowActions';

type SortKey = 'namespace' | 'enforce' | 'workloads' | 'recommended' | 'baseline' | 'restricted';
const RANK: Record<PssLevel, number> = { privileged: 0, baseline: 1, restricted: 2 };
const PAGE_SIZES = [25, 50, 100];

const COMPARE: Record<SortKey, (a: BoardSummaryRow, b: BoardSummaryRow) => number> = {
  namespace: (a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0),
  enforce: (a, b) => (a.labels.enforce ?? '').localeCompare(b.labels.enforce ?? ''),
  workloads: (a, b) => a.workloads - b.workloads,
  recommended: (a, b) => RANK[a.recommended.level] - RANK[b.recommended.level],
  baseline: (a, b) => a.refused.baseline - b.refused.baseline,
  restricted: (a, b) => a.refused.restricted - b.refused.restricted,
};

function Labels({ row }: { row: BoardSummaryRow }) {
  const modes = (['enforce', 'audit', 'warn'] as const).filter((m) => row.labels[m]);
  if (modes.length === 0) return <span className="text-slate-600">none</span>;
  return (
    <ul className="space-y-0.5">
      {modes.map((m) => {
        const [level, version] = row.labels[m]!.split(':');
        const flagged = row.current[m];
        return (
          <li key={m}>
            <span className="inline-block w-14 text-xs text-slate-600">{m}</span><LevelBadge level={level as PssLevel} version={version} />
            {flagged > 0 && <span className="ml-1 whitespace-nowrap text-xs font-medium text-red-800" title={`${flagged} workload${flagged === 1 ? '' : 's'} fail${flagged === 1 ? 's' : ''} this ${m} level today`} data-testid={`flagged-${m}`}>{flagged} fail</span>}
          </li>
        );
      })}
      {row.labelErrors > 0 && <li className="text-xs font-medium text-red-800">{row.labelErrors} invalid label{row.labelErrors === 1 ? '' : 's'}</li>}
    </ul>
  );
}

/**
 * The migration board: one row per namespace, sortable and paged (big clusters have thousands),
 * each row opening its details. Every control is a button or a form field, so the keyboard reaches all.
 */
export function MigrationBoard({ rows, changes, revision }: { rows: BoardSummaryRow[]; changes: ChangesAllowed; revision: number }) {
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'namespace', desc: false });
  const [filter, setFilter] = useState('');
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(50);
  const [open, setOpen] = useState<Set<string>>(new Set());
  const sorted = useMemo(() => {
    const f = filter.trim().toLowerCase();
    const list = f ? rows.filter((r) => r.namespace.toLowerCase().includes(f)) : [...rows];
    const cmp = COMPARE[sort.key];
    list.sort((a, b) => (sort.desc ? -1 : 1) * cmp(a, b) || COMPARE.namespace(a, b));
    return list;
  }, [rows, sort, filter]);
  const pages = Math.max(1, Math.ceil(sorted.length / pageSize));
  const current = Math.min(page, pages - 1);
  const shown = sorted.slice(current * pageSize, (current + 1) * pageSize);
  const toggle = (ns: string) => setOpen((s) => {
    const next = new Set(s);
    if (next.has(ns)) next.delete(ns);
    else next.add(ns);
    return next;
  });
  const header = (key: SortKey, label: string, className = '') => {
    const active = sort.key === key;
    return (
      <th className={`px-2 py-1.5 ${className}`} aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : 'none'} scope="col">
        <button type="button" className="inline-flex items-center gap-1 rounded font-medium hover:text-indigo-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600"
          onClick={() => { setSort({ key, desc: active ? !sort.desc : key !== 'namespace' }); setPage(0); }} data-testid={`sort-${key}`}>
          {label}<span aria-hidden className="text-slate-500">{active ? (sort.desc ? '▼' : '▲') : '↕'}</span>
        </button>
      </th>
    );
  };
  const pager = (
    <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="board-pager">
      <button type="button" className="rounded border border-slate-300 bg-white px-2 py-0.5 disabled:opacity-50" disabled={current === 0} onClick={() => setPage(current - 1)}>Previous</button>
      <span data-testid="board-page">Page {current + 1} of {pages}</span>
      <button type="button" className="rounded border border-slate-300 bg-white px-2 py-0.5 disabled:opacity-50" disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>Next</button>
      <label className="ml-2 flex items-center gap-1">Rows
        <select className="rounded border border-slate-300 bg-white px-1 py-0.5" value={pageSize} onChange={(e) => { setPageSize(Number(e.target.value)); setPage(0); }}>
          {PAGE_SIZES.map((n) => <option key={n} value={n}>{n}</option>)}
        </select>
      </label>
    </div>
  );
  return (
    <section className="rounded border border-slate-200 bg-white" aria-labelledby="board-title">
      <div className="flex flex-wrap items-center gap-3 border-b border-slate-100 px-3 py-2">
        <h2 id="board-title" className="font-semibold">Namespaces <span className="text-sm font-normal text-slate-600">({sorted.length}{filter ? ` of ${rows.length}` : ''})</span></h2>
        <label className="flex items-center gap-1 text-sm">Filter
          <input type="search" className="w-44 rounded border border-slate-300 px-2 py-0.5" value={filter} onChange={(e) => { setFilter(e.target.value); setPage(0); }} placeholder="namespace" data-testid="board-filter" />
        </label>
        <div className="ml-auto">{pager}</div>
      </div>
      <table className="w-full table-fixed text-sm" data-testid="migration-board">
        <colgroup>
          <col className="w-[17%]" /><col className="w-[20%]" /><col className="w-[8%]" /><col className="w-[15%]" /><col className="w-[15%]" /><col className="w-[8%]" /><col className="w-[8%]" /><col className="w-[9%]" />
        </colgroup>
        <thead className="bg-slate-50 text-left text-xs text-slate-700">
          <tr>
            {header('namespace', 'Namespace')}
            {header('enforce', 'Labels now')}
            {header('workloads', 'Work­loads')}
            <th className="px-2 py-1.5 font-medium" scope="col">PSPs now</th>
            {header('recommended', 'Recommended')}
            {header('baseline', 'Refused baseline')}
            {header('restricted', 'Refused restricted')}
            <th className="px-2 py-1.5 font-medium" scope="col"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => {
            const isOpen = open.has(r.namespace);
            return (
              <Fragment key={r.namespace}>
                <tr className="border-t border-slate-100 align-top" data-testid="board-row" data-namespace={r.namespace} data-recommended={r.recommended.level}>
                  <td className="break-words px-2 py-2 font-medium">
                    {r.namespace}
                    {r.exempt && <span className="ml-1 rounded bg-slate-200 px-1 text-xs font-normal text-slate-800">exempt</span>}
                  </td>
                  <td className="px-2 py-2"><Labels row={r} /></td>
                  <td className="px-2 py-2 tabular-nums">{r.workloads}</td>
                  <td className="break-words px-2 py-2">
                    {r.psps.length ? <span className="font-mono text-xs">{r.psps.join(', ')}</span> : <span className="text-slate-600">–</span>}
                    {r.pspRefused > 0 && <div className="text-xs font-medium text-red-800">{r.pspRefused} refused by PSP</div>}
                    {r.mutated && <div className="text-xs font-medium text-amber-900" data-testid="mutated">PSP changes its pods</div>}
                  </td>
                  <td className="px-2 py-2">
                    <LevelBadge level={r.recommended.level} version={r.recommended.version} />
                    {r.strictest.nextUpgrade && RANK[r.strictest.nextUpgrade] < RANK[r.strictest.latest] && (
                      <div className="text-xs text-red-800">{r.strictest.nextUpgrade} at latest after the upgrade</div>
                    )}
                  </td>
                  <td className={`px-2 py-2 tabular-nums ${r.refused.baseline ? 'font-medium text-red-800' : 'text-slate-700'}`}>{r.refused.baseline}</td>
                  <td className={`px-2 py-2 tabular-nums ${r.refused.restricted ? 'font-medium text-red-800' : 'text-slate-700'}`}>{r.refused.restricted}</td>
                  <td className="px-2 py-2 text-right">
                    <button type="button" aria-expanded={isOpen} aria-controls={`ns-details-${r.namespace}`} onClick={() => toggle(r.namespace)}
                      className="rounded border border-slate-300 bg-white px-2 py-0.5 text-xs hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600" data-testid="row-details">
                      {isOpen ? 'Hide' : 'Details'}<span className="sr-only"> of {r.namespace}</span>
                    </button>
                    <RowActions row={r} changes={changes} />
                  </td>
                </tr>
                {isOpen && (
                  <tr className="bg-slate-50/60" id={`ns-details-${r.namespace}`}>
                    <td colSpan={8} className="px-4 py-3"><NamespaceDetails namespace={r.namespace} revision={revision} /></td>
                  </tr>
                )}
              </Fragment>
            );
          })}
          {shown.length === 0 && <tr><td colSpan={8} className="px-3 py-4 text-slate-600">No namespace matches.</td></tr>}
        </tbody>
      </table>
      <div className="border-t border-slate-100 px-3 py-2">{pager}</div>
    </section>
  );
}
