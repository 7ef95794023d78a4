import { simulateWorkload, simulationContext, type SimulationContext, type WorkloadOutcome, type WorkloadSimulation } from '../access/simulate-workload';
import type { ControllerOptions } from '../access/identity';
import { objectKey } from '../model/keys';
import type { ClusterModel, Workload } from '../model/types';

/** Every top-level workload through admission once; the rules that need outcomes share this. */

export interface SimulatedWorkloadResult {
  workload: Workload;
  key: string;
  sim: WorkloadSimulation;
}

export interface ClusterSimulation {
  context: SimulationContext;
  results: SimulatedWorkloadResult[];
  outcomes: WorkloadOutcome[];
}

/** Workloads owned by a controller (a Deployment's ReplicaSets, a CronJob's Jobs) are their owner's. */
export function isTopLevel(w: Workload): boolean {
  return !(w.metadata.ownerReferences ?? []).some((o) => o.controller);
}

export function simulateCluster(model: ClusterModel, opts: ControllerOptions): ClusterSimulation {
  const context = simulationContext(model);
  const results = model.workloads.filter(isTopLevel).map((workload) => ({
    workload,
    key: objectKey(workload.kind, workload.metadata.namespace, workload.metadata.name),
    sim: simulateWorkload(model, workload, { ...opts, context, diffEveryPolicy: false }),
  }));
  const outcomes: WorkloadOutcome[] = results.map(({ workload, sim }) => ({
    kind: workload.kind, namespace: sim.namespace, name: workload.metadata.name, serviceAccount: sim.serviceAccount,
    requester: sim.requester?.user, allowed: sim.allowed, psp: sim.psp, mutated: sim.mutations.length > 0, message: sim.message,
  }));
  return { context, results, outcomes };
}
