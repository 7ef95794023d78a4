'use client';
import { useEffect, useState } from 'react';
import { useRouter } from 'next/navigation';
import { api, ApiError, changeRequests, type ChangeRequest, type PlansOverviewView } from '@/lib/client/api';
import type { ChangesAllowed } from '@/lib/identity/actor-view';
import { ChangeDialog } from '../../changes/ChangeDialog';
import { ErrorNotice } from '../../ui/ErrorNotice';


/**
 * The cluster-wide plans: guide step 2 (a non-mutating `0-` copy of each PSP that mutates pods,
 * granted where the original is) and, on v1.25+, the cleanup of leftover PSP RBAC. Each opens the
 * change dialog: preview, the API server's dry run, then Apply.
 */
export function MigrationPlansPanel({ changes, revision }: { changes: ChangesAllowed; revision?: number }) {
  const router = useRouter();
  const [overview, setOverview] = useState<PlansOverviewView>();
  const [error, setError] = useState<ApiError>();
  const [dialog, setDialog] = useState<{ title: string; request: ChangeRequest }>();

  useEffect(() => {
    api.migrationPlans().then(setOverview, (e) => setError(e instanceof ApiError ? e : new ApiError('internal', String(e), 0)));
  }, [revision]);

  if (error) return <ErrorNotice error={error} />;
  if (!overview) return null;
  const button = 'rounded border border-indigo-300 bg-white px-2 py-0.5 text-xs font-medium text-indigo-900 hover:bg-indigo-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-600';
  return (
    <section className="rounded border border-slate-200 bg-white p-3 text-sm" aria-labelledby="plans-heading" data-testid="migration-plans">
      <h2 id="plans-heading" className="font-semibold">Plans</h2>
      {overview.pspApiServed ? (
        <div className="mt-1">
          <h3 className="font-medium">Step 2: PSPs that change pods</h3>
          {overview.mutating.length === 0 ? <p className="text-slate-700">No PSP mutates pods: nothing to simplify.</p> : (
            <ul className="mt-1 space-y-1" data-testid="mutating-psps">
              {overview.mutating.map((m) => (
                <li key={m.psp} className="flex flex-wrap items-baseline gap-2">
                  <span className="font-mono">{m.psp}</span>
                  <span className="text-xs text-slate-700">sets {m.fields.join(', ')}</span>
                  {m.copyExists ? <span className="text-xs text-emerald-800">{m.copy} exists</span>
                    : changes.allowed && <button type="button" className={button} data-testid="plan-copy" onClick={() => setDialog({ title: `Non-mutating copy of ${m.psp}`, request: changeRequests.planCopy({ psp: m.psp }) })}>Create {m.copy}…</button>}
                </li>
              ))}
            </ul>
          )}
          <p className="mt-1 text-xs text-slate-700">Step 3 is per namespace: “Label…” in its row. Labels are pinned to {overview.pinnedVersion} unless you choose.</p>
        </div>
      ) : (
        <div className="mt-1">
          <h3 className="font-medium">Leftover PSP rights</h3>
          {overview.cleanup === 0 ? <p className="text-slate-700" data-testid="cleanup-none">No role grants use of PodSecurityPolicies and no psp-util object is left.</p> : (
            <p className="flex flex-wrap items-baseline gap-2">
              <span>{overview.cleanup} object{overview.cleanup === 1 ? '' : 's'} still grant PSP use (roles, psp-util bindings) though this cluster has no PSP API.</span>
              {changes.allowed && <button type="button" className={button} data-testid="plan-cleanup" onClick={() => setDialog({ title: 'Remove leftover PSP rights', request: changeRequests.planCleanup() })}>Remove them…</button>}
            </p>
          )}
        </div>
      )}
      {dialog && <ChangeDialog title={dialog.title} request={dialog.request} onClose={() => setDialog(undefined)} onApplied={() => router.refresh()} />}
    </section>
  );
}
