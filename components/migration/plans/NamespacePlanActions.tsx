'use client';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useRouter } from 'next/navigation';
import { api, changeRequests, type ChangeRequest, type PlansOverviewView } from '@/lib/client/api';
import type { ChangesAllowed } from '@/lib/identity/actor-view';
import { ChangeDialog } from '../../changes/ChangeDialog';

type Level = 'privileged' | 'baseline' | 'restricted';

interface Props {
  namespace: string;
  /** The level the board recommends (the strictest every workload meets) and its pinned version. */
  recommended?: { level: Level; version: string };
  changes: ChangesAllowed;
}


/**
 * Guide step 3 for one namespace: "Label…" opens a small form (level, pinned version, audit and
 * warn first or enforce) whose plan is previewed in the change dialog, with lib/pss's prediction of
 * the API server's warnings next to what its dry run answers; then the PSP bypass and its undo.
 */
export function NamespacePlanActions({ namespace, recommended, changes }: Props) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [overview, setOverview] = useState<PlansOverviewView>();
  const [level, setLevel] = useState<Level>(recommended?.level ?? 'baseline');
  const [version, setVersion] = useState(recommended?.version && recommended.version !== 'latest' ? recommended.version : '');
  const [phase, setPhase] = useState<'audit' | 'enforce'>('audit');
  const [bypassPsp, setBypassPsp] = useState('');
  const [dialog, setDialog] = useState<{ title: string; request: ChangeRequest }>();
  const panel = useRef<HTMLDivElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  // Set when the form closes by Escape or its button: focus goes back to "Label…" once React has
  // removed the form (focusing it in the key handler alone lost it when the commit came later).
  const refocus = useRef(false);

  useEffect(() => {
    if (!open) return;
    panel.current?.querySelector<HTMLElement>('select, input')?.focus();
    if (!overview) {
      api.migrationPlans().then((o) => {
        setOverview(o);
        if (!version) setVersion(o.pinnedVersion);
        setBypassPsp((b) => b || o.bypassPsps[0] || '');
      }).catch(() => undefined);
    }
  }, [open, overview, version]);

  useEffect(() => {
    if (open || !refocus.current) return;
    refocus.current = false;
    opener.current?.focus();
  }, [open]);

  if (!changes.allowed) return null;
  const close = () => {
    refocus.current = true;
    setOpen(false);
    opener.current?.focus();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && !dialog) {
      e.stopPropagation();
      close();
    }
  };
  // The form closes when its plan opens; the dialog gives focus back to "Label…" when it closes.
  const plan = (title: string, request: ChangeRequest) => {
    opener.current?.focus();
    setOpen(false);
    setDialog({ title, request });
  };
  const labelBody = { namespace, level, phase, ...(version ? { version } : {}) };
  const field = 'rounded border border-slate-400 bg-white px-1.5 py-0.5 text-sm';
  const button = 'rounded border border-indigo-300 bg-white px-2 py-0.5 text-xs font-medium text-indigo-900 hover:bg-indigo-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600';
  return (
    <span className="relative inline-block text-left" onKeyDown={onKeyDown}>
      <button ref={opener} type="button" className={`ml-1 ${button}`} aria-expanded={open} aria-haspopup="dialog" onClick={() => (open ? close() : setOpen(true))} data-testid="plan-label-open">
        Label…<span className="sr-only"> namespace {namespace}</span>
      </button>
      {open && (
        <div ref={panel} role="group" aria-label={`Plans for namespace ${namespace}`} className="absolute right-0 z-30 mt-1 w-80 space-y-3 rounded border border-slate-300 bg-white p-3 text-sm shadow-lg" data-testid="plan-label-panel">
          <fieldset className="space-y-2">
            <legend className="font-semibold">Pod Security labels for {namespace}</legend>
            <div className="flex items-center gap-2">
              <label htmlFor={`lvl-${namespace}`} className="w-16">Level</label>
              <select id={`lvl-${namespace}`} className={field} value={level} onChange={(e) => setLevel(e.target.value as Level)} data-testid="plan-level">
                {(['restricted', 'baseline', 'privileged'] as const).map((l) => <option key={l} value={l}>{l}{recommended?.level === l ? ' (recommended)' : ''}</option>)}
              </select>
            </div>
            <div className="flex items-center gap-2">
              <label htmlFor={`ver-${namespace}`} className="w-16">Version</label>
              <input id={`ver-${namespace}`} className={`${field} w-24 font-mono`} value={version} onChange={(e) => setVersion(e.target.value.trim())} placeholder="v1.24" data-testid="plan-version" aria-describedby={`ver-help-${namespace}`} />
              <span id={`ver-help-${namespace}`} className="text-xs text-slate-700">pinned; latest tightens on upgrade</span>
            </div>
            <div role="radiogroup" aria-label="Phase" className="space-y-1">
              <label className="flex items-center gap-2"><input type="radio" name={`phase-${namespace}`} checked={phase === 'audit'} onChange={() => setPhase('audit')} data-testid="plan-phase-audit" /> Audit and warn first (enforce unchanged)</label>
              <label className="flex items-center gap-2"><input type="radio" name={`phase-${namespace}`} checked={phase === 'enforce'} onChange={() => setPhase('enforce')} data-testid="plan-phase-enforce" /> Enforce (audit and warn too)</label>
            </div>
            <button type="button" className="rounded bg-indigo-700 px-3 py-1 text-sm font-semibold text-white hover:bg-indigo-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-400" data-testid="plan-label-preview"
              onClick={() => plan(`${phase === 'enforce' ? 'Enforce' : 'Audit and warn at'} ${level} in ${namespace}`, changeRequests.planLabel(labelBody))}>
              Preview the labels…
            </button>
          </fieldset>
          {overview?.pspApiServed && (
            <fieldset className="space-y-2 border-t border-slate-200 pt-2">
              <legend className="font-semibold">Let PSP step aside (after enforcing)</legend>
              {overview.bypassPsps.length ? (
                <>
                  <div className="flex items-center gap-2">
                    <label htmlFor={`bp-${namespace}`} className="w-16">PSP</label>
                    <select id={`bp-${namespace}`} className={field} value={bypassPsp} onChange={(e) => setBypassPsp(e.target.value)} data-testid="plan-bypass-psp">
                      {overview.bypassPsps.map((p) => <option key={p} value={p}>{p}</option>)}
                    </select>
                  </div>
                  <p className="text-xs text-slate-700">Binds it to every service account of {namespace} (Group system:serviceaccounts:{namespace}), so its Pod Security level alone decides.</p>
                  <div className="flex gap-2">
                    <button type="button" className={button} data-testid="plan-bypass" onClick={() => plan(`${namespace} bypasses PSP`, changeRequests.planBypass({ namespace, psp: bypassPsp }))}>Bypass PSP…</button>
                    <button type="button" className={button} data-testid="plan-bypass-undo" onClick={() => plan(`Undo the PSP bypass of ${namespace}`, changeRequests.planBypass({ namespace, psp: bypassPsp, undo: true }))}>Undo bypass…</button>
                  </div>
                </>
              ) : <p className="text-xs text-slate-700">No privileged PSP exists to bind.</p>}
            </fieldset>
          )}
        </div>
      )}
      {dialog && <ChangeDialog title={dialog.title} request={dialog.request} onClose={() => setDialog(undefined)} onApplied={() => router.refresh()} />}
    </span>
  );
}
