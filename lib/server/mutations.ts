import 'server-only';
import { AppError } from '../errors';
import { operationDiff } from '../plan/diff';
import type { Change } from '../plan/change';
import { exportKubectl, exportYaml } from '../plan/in-memory';
import type { Identity } from './kube/connection';
import { previewImpact } from './plan-impact';
import type { ClusterSource } from './sources/source';

/** The answer of every mutating route (the typed client's response type). */
export type ChangeView = Awaited<ReturnType<typeof runChange>>;

/** Runs a change on the request's source and shapes the answer every mutating route returns. */
export async function runChange(source: ClusterSource, change: Change, opts: { dryRun: boolean; identity: Identity }) {
  const result = await source.applyChange(change, opts);
  const { plan } = result;
  // Before anyone confirms: which workloads the change would refuse or move to another PSP.
  const impact = result.dryRun && !plan.noop ? previewImpact(source, await source.readModel(), plan) : undefined;
  return {
    summary: plan.summary,
    noop: plan.noop,
    warnings: plan.warnings,
    notes: plan.notes ?? [],
    /** What lib/pss predicts the API server warns (a namespace relabel), and what its dry run said (live clusters). */
    predictedServerWarnings: plan.predictedServerWarnings,
    serverWarnings: result.serverWarnings,
    dryRun: result.dryRun,
    serverDryRun: result.serverDryRun ?? false,
    attempts: result.attempts,
    /** What was written, in order (empty for a dry run or a no-op). */
    performed: result.performed,
    /** The plan: every operation with its object and a YAML diff. */
    operations: plan.operations.map((op) => ({ action: op.action, kind: op.kind, name: op.name, namespace: op.namespace, object: op.object, diff: operationDiff(op) })),
    /** Previews only: the workloads whose next pods would be refused, admitted, or get another PSP. */
    impact,
  };
}

export function pendingView(source: ClusterSource) {
  if (!source.pending) return { supported: false as const, history: [], apply: [], delete: [], yaml: '', kubectl: '' };
  const { history, changes } = source.pending();
  return { supported: true as const, history, apply: changes.apply, delete: changes.delete, yaml: exportYaml(changes), kubectl: exportKubectl(changes) };
}

export function discardPending(source: ClusterSource) {
  source.discardPending?.();
}

/** Takes back the pending change at `index` (0-based); conflicts when a later one depends on it. */
export async function undoPending(source: ClusterSource, index: number) {
  if (!source.undoPending) throw new AppError('invalid', 'This source has no pending changes to undo');
  await source.undoPending(index);
}
