import 'server-only';
import { operationDiff } from '../plan/diff';
import type { Change } from '../plan/change';
import { exportKubectl, exportYaml } from '../plan/in-memory';
import type { Identity } from './kube/connection';
import { getSource } from './sources/registry';

/** Runs a change on the process's source and shapes the answer every mutating route returns. */
export async function runChange(change: Change, opts: { dryRun: boolean; identity: Identity }) {
  const result = await getSource().applyChange(change, opts);
  const { plan } = result;
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
  };
}

export function pendingView() {
  const source = getSource();
  if (!source.pending) return { supported: false as const, history: [], apply: [], delete: [], yaml: '', kubectl: '' };
  const { history, changes } = source.pending();
  return { supported: true as const, history, apply: changes.apply, delete: changes.delete, yaml: exportYaml(changes), kubectl: exportKubectl(changes) };
}

export function discardPending() {
  getSource().discardPending?.();
}
