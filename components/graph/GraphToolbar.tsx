'use client';
import { useEffect, useState } from 'react';
import { api, type ClusterView } from '@/lib/client/api';
import type { GraphUrlQuery } from '@/lib/graph/url-query';
import { describeId } from './PolicyNode';

interface Props {
  cluster: ClusterView;
  query: GraphUrlQuery;
  /** What is drawn now: the PSP overview or the chains. */
  view?: 'overview' | 'chains';
  onChange: (changes: Record<string, string | undefined>) => void;
}

/** Search and filters. Text inputs apply after a short pause, so typing does not flood the server. */
export function GraphToolbar({ cluster, query, view, onChange }: Props) {
  const [q, setQ] = useState(query.q ?? '');
  const [subject, setSubject] = useState(query.subject ?? '');
  const [pspNames, setPspNames] = useState<string[]>([]);
  // Local echo of the URL state, so a control responds at once while the URL update is in flight.
  const [wildcard, setWildcard] = useState(query.wildcard !== false);
  useEffect(() => setWildcard(query.wildcard !== false), [query.wildcard]);

  useDebouncedParam('q', q, setQ, query.q, onChange);
  useDebouncedParam('subject', subject, setSubject, query.subject, onChange);
  useEffect(() => {
    api
      .psps()
      .then((d) => setPspNames(d.psps.map((p) => p.name)))
      .catch(() => setPspNames([]));
  }, []);

  const input = 'rounded border border-slate-300 px-2 py-1 text-sm focus:border-indigo-500 focus:outline-none';
  return (
    <div className="flex flex-wrap items-center gap-3 border-b border-slate-200 bg-white px-4 py-2" role="search">
      <ViewSwitch view={view} onChange={onChange} />
      <input aria-label="Search" data-testid="graph-search" className={`${input} w-64`} placeholder="Search names…" value={q} onChange={(e) => setQ(e.target.value)} />
      <label className="flex items-center gap-1 text-sm text-slate-600">
        PSP
        <select aria-label="Filter by PSP" data-testid="filter-psp" className={input} value={query.psp ?? ''} onChange={(e) => onChange({ psp: e.target.value || undefined })}>
          <option value="">all</option>
          {pspNames.map((n) => (
            <option key={n} value={n}>{n}</option>
          ))}
        </select>
      </label>
      <label className="flex items-center gap-1 text-sm text-slate-600">
        Namespace
        <select aria-label="Filter by namespace" data-testid="filter-namespace" className={input} value={query.namespace ?? ''} onChange={(e) => onChange({ namespace: e.target.value || undefined })}>
          <option value="">all</option>
          {cluster.namespaces.map((n) => (
            <option key={n} value={n}>{n}</option>
          ))}
        </select>
      </label>
      <input aria-label="Filter by subject" data-testid="filter-subject" className={`${input} w-48`} placeholder="Subject name…" value={subject} onChange={(e) => setSubject(e.target.value)} />
      <label className="flex items-center gap-1 text-sm text-slate-600">
        <input type="checkbox" data-testid="filter-wildcard" checked={wildcard} onChange={(e) => {
          setWildcard(e.target.checked);
          onChange({ wildcard: e.target.checked ? undefined : 'false' });
        }} />
        wildcard grants
      </label>
      {query.focus && (
        <span className="flex items-center gap-1 rounded bg-indigo-50 px-2 py-1 text-sm text-indigo-900" data-testid="focus-chip">
          Focus: {describeId(query.focus)}
          <button className="ml-1 font-bold" aria-label="Clear focus" onClick={() => onChange({ focus: undefined })}>×</button>
        </span>
      )}
      {Object.keys(query).some((k) => k !== 'view') && (
        <button className="text-sm text-indigo-700 underline" onClick={() => onChange({ q: undefined, psp: undefined, namespace: undefined, subject: undefined, focus: undefined, wildcard: undefined })}>
          Clear all
        </button>
      )}
      <Legend />
    </div>
  );
}

/**
 * Overview (one card per PSP) or chains (PSP → role → binding → subject). The overview starts from
 * the whole cluster; the chains keep the filters.
 */
function ViewSwitch({ view, onChange }: { view?: 'overview' | 'chains'; onChange: Props['onChange'] }) {
  const button = (active: boolean) =>
    `px-2 py-1 text-sm focus-visible:outline-2 focus-visible:outline-indigo-600 ${active ? 'bg-indigo-700 text-white' : 'bg-white text-slate-800 hover:bg-slate-50'}`;
  return (
    <div role="group" aria-label="View" className="flex overflow-hidden rounded border border-slate-300" data-testid="view-switch">
      <button type="button" aria-pressed={view === 'overview'} className={button(view === 'overview')} data-testid="view-overview"
        onClick={() => onChange({ view: 'overview', psp: undefined, focus: undefined, node: undefined })}>
        Overview
      </button>
      <button type="button" aria-pressed={view === 'chains'} className={`border-l border-slate-300 ${button(view === 'chains')}`} data-testid="view-chains"
        onClick={() => onChange({ view: 'chains' })}>
        Chains
      </button>
    </div>
  );
}

function Legend() {
  return (
    <div className="ml-auto flex items-center gap-3 text-xs text-slate-500">
      <span className="flex items-center gap-1"><span className="inline-block w-6 border-t-2 border-slate-500" /> cluster-wide</span>
      <span className="flex items-center gap-1"><span className="inline-block w-6 border-t-2 border-dotted border-sky-500" /> one namespace</span>
      <span className="flex items-center gap-1"><span className="inline-block w-6 border-t-2 border-dashed border-orange-500" /> wildcard</span>
    </div>
  );
}

/**
 * A text input bound to a URL parameter: follows the URL when it changes, and writes to it only
 * after typing pauses, so typing does not flood the server.
 */
function useDebouncedParam(
  key: string,
  value: string,
  setValue: (v: string) => void,
  fromUrl: string | undefined,
  onChange: (changes: Record<string, string | undefined>) => void,
) {
  useEffect(() => setValue(fromUrl ?? ''), [fromUrl]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    const t = setTimeout(() => {
      if ((fromUrl ?? '') !== value) onChange({ [key]: value || undefined });
    }, 300);
    return () => clearTimeout(t);
  }, [value]); // eslint-disable-line react-hooks/exhaustive-deps
}
