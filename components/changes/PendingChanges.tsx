'use client';
import { useEffect, useState } from 'react';
import { api, ApiError, type PendingView } from '@/lib/client/api';
import { ErrorNotice } from '../ui/ErrorNotice';

/** The in-memory changes of a demo or snapshot, and their exports. */
export function PendingChanges({ readOnly }: { readOnly: boolean }) {
  const [view, setView] = useState<PendingView>();
  const [error, setError] = useState<ApiError>();
  const [tab, setTab] = useState<'yaml' | 'kubectl'>('yaml');

  useEffect(() => {
    api.pending().then(setView).catch(setError);
  }, []);

  if (error) return <ErrorNotice error={error} />;
  if (!view) return <p className="text-slate-500">Loading…</p>;
  if (view.history.length === 0) return <p className="text-slate-600" data-testid="no-pending">No changes yet.</p>;
  return (
    <div className="space-y-4" data-testid="pending-changes">
      <ol className="list-decimal space-y-1 pl-6 text-sm" data-testid="pending-history">
        {view.history.map((h, i) => <li key={i}>{h.summary} <span className="text-slate-500">({h.operations} operation{h.operations === 1 ? '' : 's'})</span></li>)}
      </ol>
      <div className="flex items-center gap-3 text-sm">
        <button className={tab === 'yaml' ? 'font-semibold text-indigo-700' : 'text-slate-600'} onClick={() => setTab('yaml')}>YAML for kubectl apply</button>
        <button className={tab === 'kubectl' ? 'font-semibold text-indigo-700' : 'text-slate-600'} onClick={() => setTab('kubectl')}>kubectl commands</button>
        <a className="ml-auto rounded bg-indigo-600 px-3 py-1.5 font-medium text-white" href="/api/v1/pending?format=yaml" download="psp-dashboard-changes.yaml" data-testid="download-yaml">Download YAML</a>
        {!readOnly && (
          <button className="rounded border border-red-300 px-3 py-1.5 text-red-700" data-testid="discard-pending" onClick={() => api.discardPending().then(setView).catch(setError)}>Discard all</button>
        )}
      </div>
      <pre className="overflow-auto rounded bg-slate-900 p-4 font-mono text-xs leading-5 text-slate-100" data-testid={`export-${tab}`}>{tab === 'yaml' ? view.yaml : view.kubectl}</pre>
    </div>
  );
}
