'use client';
import { useEffect, useState } from 'react';
import { api, ApiError, type ContextsView } from '@/lib/client/api';
import { pinPageContext } from '@/lib/client/page-context';

type Listing = ContextsView['contexts'][number];

const STATE_LABEL: Record<Listing['state'], string> = {
  'not-started': 'not opened',
  loading: 'loading…',
  live: 'live',
  degraded: 'some kinds cannot be read',
  unreachable: 'unreachable',
  failed: 'cannot be opened',
};

const STATE_CLASS: Record<Listing['state'], string> = {
  'not-started': 'text-slate-600',
  loading: 'text-slate-600',
  live: 'text-emerald-700',
  degraded: 'font-medium text-red-700',
  unreachable: 'font-medium text-red-700',
  failed: 'font-medium text-red-700',
};

/** How often the contexts' states are asked again while a page is open. */
const POLL_MS = 5_000;

/**
 * The kubeconfig context this page shows, and the others to switch to (only with a kubeconfig of
 * several contexts). Choosing one and pressing Switch (or Enter) selects it for this browser and
 * loads the page again from the start: nothing prepared on the old context survives the switch.
 * The state beside it is the selected context's source (loading, live, unreachable).
 */
export function ContextPicker({ initial, version }: { initial: ContextsView; version?: string }) {
  const [view, setView] = useState(initial);
  const [choice, setChoice] = useState(initial.selected ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const shown = initial.selected ?? '';

  useEffect(() => {
    // The tab in use decides what the next page render reads (see lib/contexts/selection.ts): its
    // context is written back when it comes to the front, and before any click or key press in it
    // (which may follow a link), so a tab whose focus event never came still reads its own.
    const pin = () => document.visibilityState === 'visible' && pinPageContext();
    const events: [EventTarget, string][] = [[window, 'focus'], [document, 'visibilitychange'], [document, 'pointerdown'], [document, 'keydown']];
    for (const [target, name] of events) target.addEventListener(name, pin, { capture: true });
    const t = setInterval(() => api.contexts().then(setView, () => undefined), POLL_MS);
    return () => {
      for (const [target, name] of events) target.removeEventListener(name, pin, { capture: true });
      clearInterval(t);
    };
  }, []);

  const switchTo = async () => {
    if (!choice || choice === shown) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.selectContext(choice);
      // The same page, without its query (a selected node or filter belongs to the old cluster).
      window.location.assign(window.location.pathname);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
      setBusy(false);
    }
  };

  const selected = view.contexts.find((c) => c.name === shown);
  const state = selected?.state ?? 'loading';
  return (
    <span className="flex min-w-0 items-center gap-1" data-testid="context-picker-group">
      <select
        aria-label="Kubeconfig context"
        title={`Kubeconfig context ${shown}${version ? `, API server ${version}` : ''}`}
        data-testid="context-picker"
        className="min-w-24 max-w-40 truncate rounded border border-slate-300 bg-white px-1 py-0.5 font-medium text-slate-900 xl:max-w-56"
        value={choice}
        disabled={busy}
        onChange={(e) => setChoice(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            void switchTo();
          }
        }}
      >
        {view.contexts.map((c) => (
          <option key={c.name} value={c.name} title={`cluster ${c.cluster}, user ${c.user}${c.namespace ? `, namespace ${c.namespace}` : ''}${c.reason ? `; ${c.reason}` : ''}`}>
            {c.name}{c.name === shown ? '' : ` (${STATE_LABEL[c.state]})`}
          </option>
        ))}
      </select>
      {choice !== shown && (
        <button type="button" onClick={() => void switchTo()} disabled={busy} data-testid="context-switch"
          className="shrink-0 rounded bg-indigo-700 px-2 py-0.5 text-xs font-semibold text-white hover:bg-indigo-800">
          {busy ? 'Switching…' : 'Switch'}
        </button>
      )}
      {/* Below 1280 px a coloured dot (the words stay for screen readers and in its title). */}
      <span role="status" data-testid="context-state" data-state={state} title={`Context ${shown}: ${STATE_LABEL[state]}${selected?.reason ? ` (${selected.reason})` : ''}`} className={`shrink-0 ${STATE_CLASS[state]}`}>
        <span aria-hidden="true" className="xl:hidden">●</span>
        <span className="sr-only xl:not-sr-only">· {STATE_LABEL[state]}</span>
      </span>
      {error && <span role="alert" className="max-w-64 truncate text-xs text-red-700" title={error}>{error}</span>}
    </span>
  );
}
