import { simulateWorkload, simulationContext, type SimulationContext, type WorkloadOutcome, type WorkloadSimulation } from '../access/simulate-workload';
import type { ControllerOptions } from '../access/identity';
import { objectKey } from '../model/keys';
import type { ClusterModel, Workload } from '../model/types';
import { isPrivilegedPsp } from '../psp/privileged-settings';

/** Every top-level workload through admission once; the rules that need outcomes share this. */

/**
 * A simulation as the rules read it. The pods (submitted and admitted) are dropped, and so are the
 * per-PSP evaluations of workloads admitted under a non-privileged PSP, which no rule reads: on a
 * large cluster, keeping them all makes the garbage collector the slowest rule.
 */
export type AuditedSimulation = Omit<WorkloadSimulation, 'pod' | 'submittedPod'>;

export interface SimulatedWorkloadResult {
  workload: Workload;
  key: string;
  sim: AuditedSimulation;
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

function slim(sim: WorkloadSimulation, privileged: Set<string>): AuditedSimulation {
  const { pod: _admitted, submittedPod: _submitted, ...rest } = sim;
  const keep = !sim.allowed || (!!sim.psp && privileged.has(sim.psp));
  return keep ? rest : { ...rest, evaluations: [] };
}

export function simulateCluster(model: ClusterModel, opts: ControllerOptions): ClusterSimulation {
  const context = simulationContext(model);
  const privileged = new Set(model.psps.filter((p) => isPrivilegedPsp(p.spec ?? {})).map((p) => p.metadata.name));
  const results = model.workloads.filter(isTopLevel).map((workload) => ({
    workload,
    key: objectKey(workload.kind, workload.metadata.namespace, workload.metadata.name),
    sim: slim(simulateWorkload(model, workload, { ...opts, context, diffEveryPolicy: false }), privileged),
  }));
  const outcomes: WorkloadOutcome[] = results.map(({ workload, sim }) => ({
    kind: workload.kind, namespace: sim.namespace, name: workload.metadata.name, serviceAccount: sim.serviceAccount,
    requester: sim.requester?.user, allowed: sim.allowed, psp: sim.psp, mutated: sim.mutations.length > 0, message: sim.message,
  }));
  return { context, results, outcomes };
}
