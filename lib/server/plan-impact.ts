import 'server-only';
import { simulateCluster, type ClusterSimulation } from '../audit/simulations';
import type { ClusterModel } from '../model/types';
import { planImpact, type PlanImpact } from '../plan/impact';
import type { Plan } from '../plan/types';

/**
 * The impact shown with every preview. Models are immutable and replaced on every change, so the
 * simulation of "now" is made once per model; each preview simulates only the model after its plan.
 */
const simulations = new WeakMap<ClusterModel, ClusterSimulation>();

export function previewImpact(model: ClusterModel, plan: Plan): PlanImpact {
  let before = simulations.get(model);
  if (!before) simulations.set(model, (before = simulateCluster(model, {})));
  return planImpact(model, plan, {}, before);
}
