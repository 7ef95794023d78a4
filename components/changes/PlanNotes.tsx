import type { ChangeView } from '@/lib/client/api';

/**
 * What a plan's preview says besides its diff: facts about its effect, and the API server's own
 * warnings (a namespace relabel: `kubectl label --dry-run=server`) next to what lib/pss predicted.
 */
export function PlanNotes({ plan }: { plan: ChangeView }) {
  const predicted = plan.predictedServerWarnings;
  const server = plan.serverWarnings;
  const same = predicted && server && JSON.stringify(predicted) === JSON.stringify(server);
  return (
    <>
      {plan.notes && plan.notes.length > 0 && (
        <ul className="mt-2 list-disc space-y-0.5 pl-5 text-slate-700" data-testid="plan-notes">
          {plan.notes.map((n, i) => <li key={i}>{n}</li>)}
        </ul>
      )}
      {predicted && (
        <section className="mt-2 rounded border border-slate-300 p-2" data-testid="server-warnings" aria-label="The API server's warnings">
          <h3 className="font-semibold">The API server&apos;s warnings about existing pods</h3>
          <div className="mt-1 grid gap-2 md:grid-cols-2">
            <div>
              <p className="text-xs font-semibold uppercase tracking-wide text-slate-600">Predicted (lib/pss)</p>
              <WarningLines lines={predicted} testId="predicted-warnings" />
            </div>
            <div>
              <p className="text-xs font-semibold uppercase tracking-wide text-slate-600">Its dry run answered</p>
              {server ? <WarningLines lines={server} testId="dry-run-warnings" /> : <p className="text-slate-600" data-testid="dry-run-warnings">No API server behind this source: only the prediction.</p>}
            </div>
          </div>
          {server && <p className={`mt-1 text-xs font-medium ${same ? 'text-emerald-800' : 'text-amber-900'}`} data-testid="warnings-agree">{same ? 'The prediction and the API server agree.' : 'The prediction and the API server differ: trust the server.'}</p>}
        </section>
      )}
    </>
  );
}

function WarningLines({ lines, testId }: { lines: string[]; testId: string }) {
  if (lines.length === 0) return <p className="text-slate-600" data-testid={testId}>None.</p>;
  return (
    <ul className="space-y-0.5 font-mono text-xs text-slate-800" data-testid={testId}>
      {lines.map((l, i) => <li key={i}>{l}</li>)}
    </ul>
  );
}
