import 'server-only';
import type { ClusterModel } from '../model/types';
import { planImpact, type PlanImpact } from '../plan/impact';
import type { Plan } from '../plan/types';
import type { ClusterSource } from './sources/source';
import { analysisOf } from './workload-analysis';

/**
 * The impact shown with every preview. "Now" is the simulation the audit, the workload outcomes and
 * the migration board already share (kept per source, re-simulated only where events touched it);
 * each preview simulates only the model after its plan.
 */
export function previewImpact(source: ClusterSource, model: ClusterModel, plan: Plan): PlanImpact {
  return planImpact(model, plan, {}, analysisOf(source).simulate(model));
}
