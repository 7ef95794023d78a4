/**
 * What PSP does to every top-level workload's pods today, as the migration board reads it: the PSP
 * chosen, or the refusal, and the fields it changed. Pure (lib/access's admission simulation).
 */
import { simulateWorkload, simulationContext } from '../access/simulate-workload';
import { objectKey } from '../model/keys';
import type { ClusterModel } from '../model/types';
import { topLevelFilter, type PspOutcome } from './board';

/** undefined when the cluster does not serve PSPs (v1.25+): nothing is admitted by PSP there. */
export function pspOutcomes(model: ClusterModel): Map<string, PspOutcome> | undefined {
  if (!model.source.pspApiServed) return undefined;
  const context = simulationContext(model);
  const out = new Map<string, PspOutcome>();
  const isTopLevel = topLevelFilter(model.workloads);
  for (const w of model.workloads) {
    if (!isTopLevel(w)) continue;
    const r = simulateWorkload(model, w, { context, diffEveryPolicy: false });
    const allowed = r.allowed && !r.refusedBeforePsp && !r.refusedAfterPsp;
    out.set(objectKey(w.kind, w.metadata.namespace ?? 'default', w.metadata.name), { psp: allowed ? r.psp : undefined, allowed, mutations: allowed ? r.mutations : [] });
  }
  return out;
}
