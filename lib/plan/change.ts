import type { ClusterModel } from '../model/types';
import type { Plan, PlanOperation } from './types';

/**
 * A change request: how to plan it from a model. Sources call `plan` again on a fresher model when
 * a write hits a conflict, so a change is a function of the cluster, not a fixed list of writes.
 */
export interface Change {
  plan(model: ClusterModel): Plan;
}

export interface PerformedOperation {
  action: PlanOperation['action'];
  kind: string;
  name: string;
  namespace?: string;
}

export interface ChangeResult {
  plan: Plan;
  /** Nothing was written: asked for a dry run, or the plan was a no-op. */
  dryRun: boolean;
  /** What was written, in order. Empty for dry runs and no-ops. */
  performed: PerformedOperation[];
  /** Live clusters: how many times the plan was made (conflicts cause more). */
  attempts: number;
  /** The plan passed the API server's dry run (live clusters). */
  serverDryRun?: boolean;
  /** The `Warning:` headers the API server answered to the plan's dry run (e.g. PodSecurity's about existing pods). */
  serverWarnings?: string[];
}

export function performedOf(op: PlanOperation): PerformedOperation {
  return { action: op.action, kind: op.kind, name: op.name, ...(op.namespace ? { namespace: op.namespace } : {}) };
}
