'use client';
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { api, ApiError, type ChangeRequest, type ChangeView } from '@/lib/client/api';
import { ErrorNotice } from '../ui/ErrorNotice';
import { ImpactList } from './ImpactList';
import { PlanNotes } from './PlanNotes';

/**
 * The server's 409s that a person can answer: what they mean, and what ticking the box does, in the
 * person's words (the request's field names are the dialog's business, not theirs).
 */
function ackText(field: string, request: ChangeRequest): { title: string; accept: string } | undefined {
  switch (field) {
    case 'acknowledgeRisk':
      return { title: 'This grant reaches far', accept: 'I understand the risk; grant it anyway' };
    case 'confirm':
      return {
        title: 'This binding is not managed by the dashboard',
        accept: request.method === 'DELETE' ? 'Delete this binding, which the dashboard does not manage' : 'Change this binding, which the dashboard does not manage',
      };
    case 'acknowledgeRefusals':
      return { title: 'Some workloads would get no new pods', accept: 'Enforce it anyway: their next pods will be refused until their templates are fixed' };
    case 'repair':
      return { title: 'The psp-util role grants something else', accept: 'Repair it: rewrite its rules to the single use rule' };
    default:
      return undefined;
  }
}

/**
 * The server's 409 text without its instructions to API clients (`Send "acknowledgeRisk": true …`,
 * `confirm it ("confirm": true)`): the checkbox below says what to do, in words.
 */
function forPeople(reason: string): string {
  return reason
    .split(/(?<=\.)\s+/)
    .filter((sentence) => !/"\w+"\s*:\s*true/.test(sentence))
    .join(' ');
}

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

interface Props {
  title: string;
  request: ChangeRequest;
  onClose: () => void;
  onApplied: (result: ChangeView) => void;
}

/**
 * Every change goes through here: a preview (the plan as a YAML diff, from a dry run), the
 * acknowledgements the server asks for, then Apply. Nothing is written before Apply.
 */
export function ChangeDialog({ title, request, onClose, onApplied }: Props) {
  const [acknowledge, setAcknowledge] = useState<{ field: string; reason: string } | null>(null);
  const [accepted, setAccepted] = useState(false);
  const [plan, setPlan] = useState<ChangeView>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ChangeView>();
  const dialogRef = useRef<HTMLDivElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);

  // A modal dialog: focus moves into it when it opens and goes back to what opened it when it closes.
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const dialog = dialogRef.current;
    const first = dialog?.querySelector<HTMLElement>(FOCUSABLE);
    (first ?? dialog)?.focus();
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  // Apply disables its button while it runs and then replaces it by the result: either way focus falls
  // to the page's body, where Escape and Tab no longer reach the dialog. It goes to Close after a
  // success, and back into the dialog after a failure.
  useEffect(() => {
    if (result) closeRef.current?.focus();
    else if (!busy && error && !dialogRef.current?.contains(document.activeElement)) dialogRef.current?.focus();
  }, [result, busy, error]);

  // Tab and Shift+Tab stay inside; Escape closes (and only the dialog: it does not reach the page).
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onClose();
      return;
    }
    if (e.key !== 'Tab' || !dialogRef.current) return;
    const focusable = [...dialogRef.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    if (focusable.length === 0) {
      e.preventDefault();
      dialogRef.current.focus();
      return;
    }
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    const active = document.activeElement;
    const inside = active instanceof Node && dialogRef.current.contains(active) && active !== dialogRef.current;
    if (e.shiftKey && (!inside || active === first)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (!inside || active === last)) {
      e.preventDefault();
      first.focus();
    }
  };

  const effective = useCallback((): ChangeRequest => {
    if (!acknowledge || !accepted) return request;
    if (acknowledge.field === 'confirm' && request.method === 'DELETE' && !request.body) {
      const url = new URL(request.path, 'http://x');
      url.searchParams.set('confirm', 'true');
      return { ...request, path: url.pathname + url.search };
    }
    return { ...request, body: { ...request.body, [acknowledge.field]: true } };
  }, [request, acknowledge, accepted]);

  // One preview per distinct request: keyed by its content, not by object identity (a parent that
  // re-renders passes an equal but new request, and the 409's acknowledgement re-created the
  // callback: together they re-sent the dry run every few milliseconds until the box was ticked).
  const previewKey = JSON.stringify(effective());
  useEffect(() => {
    let live = true;
    const req = JSON.parse(previewKey) as ChangeRequest;
    setPlan(undefined);
    setError(undefined);
    api
      .preview(req)
      .then((p) => live && setPlan(p))
      .catch((e: ApiError) => {
        if (!live) return;
        const field = e.details?.field as string | undefined;
        if (e.status === 409 && field && !accepted) setAcknowledge((a) => (a?.field === field && a.reason === e.message ? a : { field, reason: e.message }));
        else setError(e);
      });
    return () => {
      live = false;
    };
    // `accepted` is read for the 409 case only; a change of it changes previewKey when it matters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [previewKey]);

  const apply = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.apply(effective());
      setResult(r);
      onApplied(r);
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div
      ref={dialogRef}
      tabIndex={-1}
      onKeyDown={onKeyDown}
      className="fixed inset-0 z-50 flex items-center justify-center bg-slate-900/40 p-6 focus:outline-none"
      role="dialog"
      aria-modal="true"
      aria-label={title}
      data-testid="change-dialog"
    >
      <div className="flex max-h-full w-[760px] flex-col rounded-lg bg-white shadow-xl">
        <div className="flex items-center border-b border-slate-200 px-4 py-3">
          <h2 className="text-lg font-semibold">{title}</h2>
          <button className="ml-auto rounded px-2 text-xl text-slate-500 hover:bg-slate-100" aria-label="Close" onClick={onClose}>×</button>
        </div>
        <div className="min-h-0 flex-1 space-y-3 overflow-auto p-4 text-sm">
          {acknowledge && (
            <div className="rounded border border-red-300 bg-red-50 p-3 text-red-900" data-testid="acknowledge">
              <p className="font-semibold">{ackText(acknowledge.field, request)?.title ?? 'The server asks for a confirmation'}</p>
              <p className="mt-1">{forPeople(acknowledge.reason)}</p>
              <label className="mt-2 flex items-center gap-2 font-medium">
                <input type="checkbox" data-testid="acknowledge-checkbox" checked={accepted} onChange={(e) => setAccepted(e.target.checked)} />
                {ackText(acknowledge.field, request)?.accept ?? 'Yes, go on'}
              </label>
            </div>
          )}
          {error && <ErrorNotice error={error} />}
          {!plan && !error && (!acknowledge || accepted) && <p className="text-slate-500">Planning…</p>}
          {plan && !result && (
            <div data-testid="plan-preview">
              <p className="font-medium">{plan.summary}</p>
              {plan.noop && <p className="mt-2 rounded bg-slate-100 p-2 text-slate-700" data-testid="plan-noop">{plan.noop}</p>}
              {plan.serverDryRun && <p className="mt-1 text-emerald-700">The API server accepted this plan in a dry run.</p>}
              {plan.impact && <ImpactList impact={plan.impact} />}
              {plan.warnings.map((w) => <p key={w} className="mt-2 rounded border border-amber-300 bg-amber-50 p-2 text-amber-900">⚠ {w}</p>)}
              <PlanNotes plan={plan} />
              {plan.operations.map((op, i) => (
                <pre key={i} className="mt-2 overflow-auto rounded bg-slate-900 p-3 font-mono text-xs leading-5 text-slate-100" data-testid="plan-operation">
                  {op.diff.split('\n').map((line, j) => (
                    <div key={j} className={line.startsWith('+ ') ? 'text-emerald-300' : line.startsWith('- ') ? 'text-red-300' : line.startsWith('#') ? 'font-semibold text-sky-300' : ''}>{line}</div>
                  ))}
                </pre>
              ))}
            </div>
          )}
          {result && (
            <div className="rounded border border-emerald-300 bg-emerald-50 p-3 text-emerald-900" data-testid="change-result">
              <p className="font-semibold">Done: {result.summary}</p>
              <ul className="mt-1 list-disc pl-5">
                {result.performed.map((p, i) => <li key={i}>{p.action} {p.kind} {p.namespace ? `${p.namespace}/` : ''}{p.name}</li>)}
              </ul>
            </div>
          )}
        </div>
        <div className="flex justify-end gap-2 border-t border-slate-200 px-4 py-3">
          <button ref={closeRef} className="rounded border border-slate-300 px-3 py-1.5" onClick={onClose}>{result ? 'Close' : 'Cancel'}</button>
          {!result && (
            <button
              className="rounded bg-indigo-600 px-3 py-1.5 font-medium text-white disabled:opacity-40"
              data-testid="apply-change"
              disabled={!plan || !!plan.noop || busy || plan.operations.length === 0}
              onClick={apply}
            >
              {busy ? 'Applying…' : `Apply ${plan?.operations.length ?? ''} change${plan?.operations.length === 1 ? '' : 's'}`}
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
