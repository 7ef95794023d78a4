'use client';
import { useEffect, useState } from 'react';
import { api, ApiError, type PendingView } from '@/lib/client/api';
import { API_PATHS } from '@/lib/api-paths';
import { CopyButton } from '../ui/CopyButton';
import { ErrorNotice } from '../ui/ErrorNotice';

/** The in-memory changes of a demo or snapshot, and their exports. */
export function PendingChanges({ readOnly }: { readOnly: boolean }) {
  const [view, setView] = useState<PendingView>();
  const [error, setError] = useState<ApiError>();
  const [tab, setTab] = useState<'yaml' | 'kubectl'>('yaml');

  useEffect(() => {
    api.pending().then(setView).catch(setError);
  }, []);

  if (error && !view) return <ErrorNotice error={error} />;
  if (!view) return <p className="text-slate-500">Loading…</p>;
  if (view.history.length === 0) return <p className="text-slate-600" data-testid="no-pending">No changes yet.</p>;
  return (
    <div className="space-y-4" data-testid="pending-changes">
      {error && <ErrorNotice error={error} />}
      <ol className="list-decimal space-y-1 pl-6 text-sm" data-testid="pending-history">
        {view.history.map((h, i) => (
          <li key={`${i}-${h.at}`}>
            {h.summary} <span className="text-slate-600">({h.operations} operation{h.operations === 1 ? '' : 's'})</span>
            {!readOnly && (
              <button className="ml-2 rounded border border-slate-300 bg-white px-2 py-0.5 text-xs text-slate-800 hover:bg-slate-50" data-testid="undo-pending" aria-label={`Undo change ${i + 1}: ${h.summary}`}
                onClick={() => { setError(undefined); api.undoPending(i + 1).then(setView).catch(setError); }}>Undo</button>
            )}
          </li>
        ))}
      </ol>
      <div className="flex items-center gap-3 text-sm">
        <button aria-pressed={tab === 'yaml'} className={tab === 'yaml' ? 'font-semibold text-indigo-700' : 'text-slate-700'} onClick={() => setTab('yaml')}>YAML for kubectl apply</button>
        <button aria-pressed={tab === 'kubectl'} className={tab === 'kubectl' ? 'font-semibold text-indigo-700' : 'text-slate-700'} onClick={() => setTab('kubectl')}>kubectl commands</button>
        <CopyButton text={tab === 'yaml' ? view.yaml : view.kubectl} label={tab === 'yaml' ? 'Copy the YAML' : 'Copy the commands'} testId="copy-export" />
        <a className="ml-auto rounded bg-indigo-600 px-3 py-1.5 font-medium text-white" href={API_PATHS.pending('yaml')} download="psp-dashboard-changes.yaml" data-testid="download-yaml">Download YAML</a>
        {!readOnly && (
          <button className="rounded border border-red-300 px-3 py-1.5 text-red-700" data-testid="discard-pending" onClick={() => api.discardPending().then(setView).catch(setError)}>Discard all</button>
        )}
      </div>
      <pre className="overflow-auto rounded bg-slate-900 p-4 font-mono text-xs leading-5 text-slate-100" data-testid={`export-${tab}`}>{tab === 'yaml' ? view.yaml : view.kubectl}</pre>
    </div>
  );
}
