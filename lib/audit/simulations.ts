import { simulationContext, type SimulationContext, type WorkloadOutcome } from '../access/simulate-workload';
import { podServiceAccountIdentity, type ControllerOptions, type Identity } from '../access/identity';
import { objectKey } from '../model/keys';
import type { ClusterModel, Workload } from '../model/types';
import { mapAlong } from '../model/map-along';
import { WorkloadSimulator, type BulkSimulation } from './workload-simulator';

/** Every top-level workload through admission once; the rules that need outcomes share this. */

/**
 * A simulation as the rules read it: without the pods (submitted and admitted), which no rule reads
 * and which, kept for every workload of a large cluster, make the garbage collector the slowest rule.
 */
export type AuditedSimulation = BulkSimulation;

export interface SimulatedWorkloadResult {
  workload: Workload;
  key: string;
  sim: AuditedSimulation;
}

export interface ClusterSimulation {
  context: SimulationContext;
  /** Simulates any workload (a probe, a workload under a changed grant) against the same policy state, each distinct case once. */
  simulator: WorkloadSimulator;
  results: SimulatedWorkloadResult[];
  outcomes: WorkloadOutcome[];
  /** The workloads scanned and which of them are top-level, for the next scan. */
  scan?: { workloads: Workload[]; flags: Uint8Array };
}

/** Who asks admission for a workload's pods: its service account, and its requester (the controller, or a bare pod's creator). */
export function identitiesOf(sim: AuditedSimulation): Identity[] {
  const sa = sim.serviceAccount ? podServiceAccountIdentity(sim.namespace, sim.serviceAccount) : undefined;
  return [sa, sim.requester].filter((x): x is Identity => !!x);
}

/** Workloads owned by a controller (a Deployment's ReplicaSets, a CronJob's Jobs) are their owner's. */
export function isTopLevel(w: Workload): boolean {
  const refs = w.metadata.ownerReferences;
  if (refs) for (let i = 0; i < refs.length; i++) if (refs[i].controller) return false;
  return true;
}

const resultKeys = new WeakMap<Workload, SimulatedWorkloadResult>();

/** A workload's result, the same object for the same workload and simulation (so the rules' inputs compare by identity). */
function resultOf(workload: Workload, simulator: WorkloadSimulator): SimulatedWorkloadResult {
  const sim = simulator.simulate(workload);
  const known = resultKeys.get(workload);
  if (known?.sim === sim) return known;
  const r = { workload, key: objectKey(workload.kind, workload.metadata.namespace, workload.metadata.name), sim };
  resultKeys.set(workload, r);
  return r;
}

/**
 * Every top-level workload simulated. Pass the simulator of an earlier call on the same policy state
 * (PSPs, RBAC, ServiceAccounts) to reuse what it already simulated: then only new or changed
 * workloads cost anything.
 */
export function simulateCluster(model: ClusterModel, opts: ControllerOptions, simulator?: WorkloadSimulator, previous?: ClusterSimulation): ClusterSimulation {
  const sim = simulator ?? new WorkloadSimulator(model, simulationContext(model), opts);
  const before = previous?.simulator === sim ? previous : undefined;
  const { top, flags } = topLevelWorkloads(model.workloads, before?.scan);
  const results = before ? mapAlong(top, before.results, (r) => r.workload, (w) => resultOf(w, sim)) : top.map((w) => resultOf(w, sim));
  // Made when read (plan impact compares them; the audit and the outcome views do not): each is
  // kept per result, so reading them after a pod event costs a lookup per workload.
  let outcomesMade: WorkloadOutcome[] | undefined;
  return {
    context: sim.context, simulator: sim, results, scan: { workloads: model.workloads, flags },
    get outcomes() {
      return (outcomesMade ??= results.map(outcomeOf));
    },
  };
}

/**
 * The top-level workloads, in order. With the last scan, a workload that is the same object at
 * about the same place keeps its answer: a pointer comparison, where reading the owner references
 * of 150,000 objects of a hundred shapes costs the engine its slowest step after a pod event.
 */
function topLevelWorkloads(workloads: Workload[], last?: ClusterSimulation['scan']): { top: Workload[]; flags: Uint8Array } {
  // A byte per workload, walked along the last scan as mapAlong walks: at 176,000 workloads an array
  // of booleans was 1.4 MB of garbage per pod event, a large object only a full collection frees.
  const flags = new Uint8Array(workloads.length);
  const prev = last?.workloads ?? [];
  let j = 0;
  const top: Workload[] = [];
  for (let i = 0; i < workloads.length; i++) {
    const w = workloads[i];
    let k = j;
    while (k < prev.length && k <= j + 2 && prev[k] !== w) k++;
    if (k < prev.length && k <= j + 2) {
      flags[i] = last!.flags[k];
      j = k + 1;
    } else flags[i] = isTopLevel(w) ? 1 : 0;
    if (flags[i]) top.push(w);
  }
  return { top, flags };
}


const outcomes = new WeakMap<SimulatedWorkloadResult, WorkloadOutcome>();

function outcomeOf(r: SimulatedWorkloadResult): WorkloadOutcome {
  let o = outcomes.get(r);
  if (!o) {
    const { workload, sim: s } = r;
    o = {
      kind: workload.kind, namespace: s.namespace, name: workload.metadata.name, serviceAccount: s.serviceAccount,
      requester: s.requester?.user, allowed: s.allowed, psp: s.psp, mutated: s.mutations.length > 0, message: s.message,
    };
    outcomes.set(r, o);
  }
  return o;
}

const byChosenPsp = new WeakMap<ClusterSimulation, Map<string, SimulatedWorkloadResult[]>>();

/** The allowed results by the PSP their pods get (what a grant-removing fix can change), in the results' order. */
export function resultsByChosenPsp(simulation: ClusterSimulation): Map<string, SimulatedWorkloadResult[]> {
  let index = byChosenPsp.get(simulation);
  if (!index) {
    index = new Map();
    for (const r of simulation.results) {
      if (!r.sim.allowed || !r.sim.psp) continue;
      let list = index.get(r.sim.psp);
      if (!list) index.set(r.sim.psp, (list = []));
      list.push(r);
    }
    byChosenPsp.set(simulation, index);
  }
  return index;
}
