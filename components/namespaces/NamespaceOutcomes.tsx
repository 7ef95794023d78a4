import Link from 'next/link';
import { Fragment } from 'react';
import type { WorkloadOutcome } from '@/lib/access/simulate-workload';
import type { ChangesAllowed } from '@/lib/identity/actor-view';
import { requesterLabel } from '@/lib/model/keys';
import { AdvisePanel } from '../advisor/AdvisePanel';

function simulateHref(w: WorkloadOutcome): string {
  return `/simulate?workload=${encodeURIComponent(`${w.kind}/${w.namespace}/${w.name}`)}`;
}

function Outcome({ w, privileged }: { w: WorkloadOutcome; privileged: boolean }) {
  if (!w.allowed) return <span className="rounded bg-red-700 px-1.5 py-0.5 text-xs font-bold uppercase text-white">refused</span>;
  return (
    <span className="flex flex-wrap items-center gap-1.5">
      <span className={`font-mono ${privileged ? 'font-semibold text-red-700' : ''}`}>{w.psp}</span>
      {privileged && <span className="rounded bg-red-100 px-1.5 py-0.5 text-xs font-medium text-red-800">privileged</span>}
      {w.mutated && <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600" title="The PSP's defaults change the pod">defaults applied</span>}
    </span>
  );
}

/** Every workload of a namespace with the PSP its pods get now; privileged outcomes and refusals stand out. */
export function NamespaceOutcomes({ namespace, workloads, privileged, changes, propose }: { namespace: string; workloads: WorkloadOutcome[]; privileged: Set<string>; changes: ChangesAllowed; propose?: boolean }) {
  const refused = workloads.filter((w) => !w.allowed).length;
  const risky = workloads.filter((w) => w.allowed && w.psp && privileged.has(w.psp)).length;
  return (
    <section className="rounded border border-slate-200 bg-white" data-testid="namespace-outcomes" data-namespace={namespace}>
      <header className="flex flex-wrap items-baseline gap-3 border-b border-slate-100 px-4 py-2">
        <h2 className="font-semibold">{namespace}</h2>
        <span className="text-sm text-slate-500">{workloads.length} workload{workloads.length === 1 ? '' : 's'}</span>
        {risky > 0 && <span className="text-sm font-medium text-red-700">{risky} under a privileged PSP</span>}
        {refused > 0 && <span className="text-sm font-medium text-red-700">{refused} refused</span>}
        <AdvisePanel namespace={namespace} changes={changes} open={propose} />
      </header>
      {/* Fixed columns, so the tables of all namespaces line up. */}
      <table className="w-full table-fixed text-sm">
        <colgroup><col className="w-[28%]" /><col className="w-[18%]" /><col className="w-[20%]" /><col /><col className="w-16" /></colgroup>
        <thead className="text-left text-xs text-slate-500">
          <tr><th className="px-4 py-1.5">Workload</th><th className="px-4 py-1.5">Service account</th><th className="px-4 py-1.5">Requester</th><th className="px-4 py-1.5">PSP its pods get</th><th className="px-4 py-1.5" /></tr>
        </thead>
        <tbody>
          {workloads.map((w) => {
            const isPrivileged = w.allowed && !!w.psp && privileged.has(w.psp);
            return (
              <Fragment key={`${w.kind}/${w.name}`}>
                <tr className={`border-t border-slate-100 align-top ${!w.allowed ? 'bg-red-50' : isPrivileged ? 'bg-amber-50/60' : ''}`} data-testid="workload-outcome" data-name={w.name} data-psp={w.psp ?? ''} data-allowed={String(w.allowed)}>
                  <td className="px-4 py-2"><span className="text-xs text-slate-500">{w.kind}</span> <span className="font-medium">{w.name}</span></td>
                  <td className="px-4 py-2 font-mono text-xs">{w.serviceAccount ?? '–'}</td>
                  <td className="px-4 py-2 font-mono text-xs">{w.requester ? requesterLabel(w.requester) : '–'}</td>
                  <td className="px-4 py-2"><Outcome w={w} privileged={isPrivileged} /></td>
                  <td className="px-4 py-2 text-right"><Link prefetch={false} className="text-xs text-indigo-700 underline" href={simulateHref(w)} aria-label={`why? ${w.kind} ${w.name}`}>why?</Link></td>
                </tr>
                {/* The refusal gets the table's whole width: it is what the controller's FailedCreate event will say. */}
                {!w.allowed && (
                  <tr className="bg-red-50"><td colSpan={5} className="px-4 pb-2 break-words font-mono text-xs text-red-800" data-testid="workload-refusal">{w.message}</td></tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
