'use client';
import { useEffect, useState } from 'react';
import { useRouter } from 'next/navigation';
import { api, ApiError, changeRequests, type AdviceView } from '@/lib/client/api';
import type { ChangesAllowed } from '@/lib/identity/actor-view';
import { ChangeDialog } from '../changes/ChangeDialog';
import { ErrorNotice } from '../ui/ErrorNotice';
import { SignInToChange } from '../session/SignInToChange';

/**
 * "Propose a PSP for these workloads": the least permissive PSP that admits every pod of a
 * namespace unchanged (POST /api/v1/advise), why each field is what it is, the proof (every pod
 * admitted by it, unchanged), and how it compares with what they get now. Applying it creates the
 * PSP and grants it to exactly those service accounts, through the usual preview.
 */
export function AdvisePanel({ namespace, changes, open: startOpen = false }: { namespace: string; changes: ChangesAllowed; open?: boolean }) {
  const router = useRouter();
  const [advice, setAdvice] = useState<AdviceView>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const [applying, setApplying] = useState(false);
  const [shown, setShown] = useState(startOpen);

  const propose = async () => {
    setShown(true);
    setBusy(true);
    setError(undefined);
    try {
      setAdvice(await api.advise({ namespace }));
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError('internal', String(e), 0));
    } finally {
      setBusy(false);
    }
  };

  // Opened by the link from the PSP page (?propose=1): ask once, on arrival.
  useEffect(() => {
    if (startOpen) void propose();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [startOpen, namespace]);

  if (!shown) {
    return (
      <button type="button" onClick={propose} className="ml-auto rounded border border-indigo-300 bg-white px-2 py-0.5 text-xs font-medium text-indigo-800 hover:bg-indigo-50" data-testid="propose-psp">
        Propose a PSP for these workloads
      </button>
    );
  }
  const admitted = advice?.admits.filter((a) => a.allowed && !a.mutated).length ?? 0;
  return (
    <div className="basis-full space-y-3 rounded border border-indigo-200 bg-indigo-50/40 p-3 text-sm" data-testid="advice" data-namespace={namespace}>
      <div className="flex items-baseline gap-2">
        <h3 className="font-semibold">Least-privilege PSP for the workloads of {namespace}</h3>
        <button type="button" className="ml-auto text-xs text-slate-600 underline" onClick={() => setShown(false)}>Hide</button>
      </div>
      {busy && <p className="text-slate-600">Working it out from every pod…</p>}
      {error && <ErrorNotice error={error} />}
      {advice && (
        <>
          {advice.existing?.sufficient ? (
            <p className="rounded border border-emerald-300 bg-emerald-50 p-2 text-emerald-900" data-testid="advice-existing">
              PodSecurityPolicy <strong className="font-mono">{advice.existing.psp}</strong> already admits every pod unchanged and is no looser: no new PSP is needed
              {advice.existing.granted === false ? ', but not every service account may use it yet.' : '.'}
            </p>
          ) : (
            <p data-testid="advice-summary">
              Proposal <strong className="font-mono">{advice.psp.metadata.name}</strong>: admits <strong>{admitted} of {advice.admits.length}</strong> workloads&apos; pods unchanged
              {advice.existing?.psp ? <> (they get <span className="font-mono">{advice.existing.psp}</span> now{advice.existing.looser?.length ? `, looser in ${advice.existing.looser.join(', ')}` : ''})</> : null}.
            </p>
          )}
          <p className="text-xs text-slate-700" data-testid="advice-pss">
            Pod Security level every pod it admits meets: <strong>{advice.pss.level}</strong>
            {advice.pss.looser.length > 0 && <> — held back by {advice.pss.looser.map((l) => `${l.field} (${l.check})`).join(', ')}</>}.
          </p>
          <section>
            <h4 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Why each field</h4>
            <ul className="mt-1 space-y-0.5 font-mono text-xs" data-testid="advice-reasons">
              {advice.reasons.map((r) => <li key={`${r.field}=${r.value}`}>{r.text}</li>)}
              {advice.reasons.length === 0 && <li className="font-sans text-slate-600">Nothing beyond the most restrictive settings: no pod needs any allowance.</li>}
            </ul>
          </section>
          {advice.notes.length > 0 && <ul className="list-disc pl-5 text-xs text-slate-700">{advice.notes.map((n) => <li key={n}>{n}</li>)}</ul>}
          <section>
            <h4 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Proof: every pod with the proposal in the cluster</h4>
            <ul className="mt-1 text-xs" data-testid="advice-admits">
              {advice.admits.map((a) => (
                <li key={a.workload} className={a.allowed && !a.mutated ? 'text-emerald-800' : 'text-red-800'}>
                  {a.allowed ? (a.mutated ? '✎' : '✓') : '✗'} {a.workload} → {a.allowed ? `${a.psp}${a.mutated ? ' (changed)' : ', unchanged'}` : a.message}
                </li>
              ))}
            </ul>
          </section>
          <details>
            <summary className="cursor-pointer text-xs font-medium text-indigo-800">YAML (as advise-psp printed it, for kubectl apply)</summary>
            <pre className="mt-1 max-h-80 overflow-auto rounded bg-slate-900 p-2 font-mono text-xs text-slate-100" data-testid="advice-yaml">{advice.yaml}</pre>
          </details>
          {advice.existing?.diff && (
            <details>
              <summary className="cursor-pointer text-xs font-medium text-indigo-800">Compared with {advice.existing.psp}</summary>
              <pre className="mt-1 max-h-80 overflow-auto rounded bg-white p-2 font-mono text-xs">{advice.existing.diff}</pre>
            </details>
          )}
          {changes.allowed ? (
            <button type="button" onClick={() => setApplying(true)} className="rounded bg-indigo-700 px-3 py-1 text-xs font-semibold text-white hover:bg-indigo-800" data-testid="advice-apply">
              {advice.existing?.sufficient ? `Grant ${advice.existing.psp} to these service accounts…` : 'Create it and grant it to these service accounts…'}
            </button>
          ) : changes.reason === 'sign-in' ? <SignInToChange what="create and grant it" /> : null}
          {applying && (
            <ChangeDialog
              title={`Least-privilege PSP for ${namespace}`}
              request={changeRequests.adviseApply({ namespace })}
              onClose={() => setApplying(false)}
              onApplied={() => router.refresh()}
            />
          )}
        </>
      )}
    </div>
  );
}
