/**
 * What PSP does to every top-level workload's pods today, as the migration board reads it: the PSP
 * chosen, or the refusal, and the fields it changed. Pure: from the bulk admission simulation
 * (lib/audit/simulations, each distinct case once), which the server shares with the audit.
 */
import type { ClusterModel } from '../model/types';
import { simulateCluster, type ClusterSimulation } from '../audit/simulations';
import type { PspOutcome } from './board';

/** The board's outcomes from a cluster simulation, by workload key (`Kind/namespace/name`). */
export function outcomesOf(simulation: Pick<ClusterSimulation, 'results'>): Map<string, PspOutcome> {
  const out = new Map<string, PspOutcome>();
  for (const { key, sim } of simulation.results) {
    const allowed = sim.allowed && !sim.refusedBeforePsp && !sim.refusedAfterPsp;
    out.set(key, { psp: allowed ? sim.psp : undefined, allowed, mutations: allowed ? sim.mutations : [] });
  }
  return out;
}

/** undefined when the cluster does not serve PSPs (v1.25+): nothing is admitted by PSP there. */
export function pspOutcomes(model: ClusterModel): Map<string, PspOutcome> | undefined {
  return model.source.pspApiServed ? outcomesOf(simulateCluster(model, {})) : undefined;
}
