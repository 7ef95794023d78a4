import type { PlanImpact, WorkloadImpact } from '@/lib/client/api';

/** At most this many workloads per list are named; the rest are counted (the big cluster has thousands). */
const SHOWN = 12;

function WorkloadList({ items, describe }: { items: WorkloadImpact[]; describe: (w: WorkloadImpact) => string }) {
  return (
    <ul className="mt-1 space-y-0.5 pl-5">
      {items.slice(0, SHOWN).map((w) => (
        <li key={w.key} className="list-disc">
          <span className="font-mono text-xs">{w.kind} {w.namespace}/{w.name}</span> <span>{describe(w)}</span>
        </li>
      ))}
      {items.length > SHOWN && <li className="list-none text-slate-700">and {items.length - SHOWN} more</li>}
    </ul>
  );
}

/**
 * What the change does to the workloads' next pods, before anyone confirms it: a change to a PSP or
 * its grants never stops running pods, but the next rollout, restart or scale-up goes through
 * admission again.
 */
export function ImpactList({ impact }: { impact: PlanImpact }) {
  const { refusedAfter, changedPsp, admittedAfter, simulated } = impact;
  if (simulated === 0) return <p className="mt-2 text-slate-700" data-testid="plan-impact">No workloads are in view, so what this change does to pods cannot be shown.</p>;
  if (!refusedAfter.length && !changedPsp.length && !admittedAfter.length) {
    return <p className="mt-2 text-emerald-800" data-testid="plan-impact">No workload changes: all {simulated} keep the PSP they get now.</p>;
  }
  return (
    <div className="mt-2 space-y-2" data-testid="plan-impact">
      {refusedAfter.length > 0 && (
        <section className="rounded border border-red-300 bg-red-50 p-2 text-red-900" data-testid="impact-refused" aria-label="Workloads refused after this change">
          <p className="font-semibold">
            {refusedAfter.length} workload{refusedAfter.length === 1 ? '' : 's'} would have {refusedAfter.length === 1 ? 'its' : 'their'} next pods refused
          </p>
          <p className="text-xs">Running pods keep running; the next rollout, restart or scale-up fails. Grant them another PSP first.</p>
          <WorkloadList items={refusedAfter} describe={(w) => `(now ${w.pspBefore})`} />
        </section>
      )}
      {changedPsp.length > 0 && (
        <section className="rounded border border-amber-300 bg-amber-50 p-2 text-amber-900" data-testid="impact-changed" aria-label="Workloads that switch PSP">
          <p className="font-semibold">{changedPsp.length} workload{changedPsp.length === 1 ? '' : 's'} would get another PSP</p>
          <WorkloadList items={changedPsp} describe={(w) => `${w.pspBefore} → ${w.pspAfter}`} />
        </section>
      )}
      {admittedAfter.length > 0 && (
        <section className="rounded border border-emerald-300 bg-emerald-50 p-2 text-emerald-900" data-testid="impact-admitted" aria-label="Workloads admitted after this change">
          <p className="font-semibold">{admittedAfter.length} workload{admittedAfter.length === 1 ? '' : 's'} refused now would be admitted</p>
          <WorkloadList items={admittedAfter} describe={(w) => `(under ${w.pspAfter})`} />
        </section>
      )}
    </div>
  );
}
