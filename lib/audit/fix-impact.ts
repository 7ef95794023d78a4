import { simulateWorkloads, type WorkloadOutcome } from '../access/simulate-workload';
import type { ControllerOptions } from '../access/identity';
import { objectKey } from '../model/keys';
import type { Binding, ClusterModel, Subject } from '../model/types';
import { sameSubject } from '../plan/subjects';
import type { FixImpact } from './types';

/**
 * What a grant-removing fix does to admission: the model with the subject taken out of the binding,
 * every workload simulated again, compared with now. Removing a broad grant is the right fix, but
 * the workloads that relied on it are refused on their next rollout unless they get a grant first.
 */

export function outcomeKey(o: Pick<WorkloadOutcome, 'kind' | 'namespace' | 'name'>): string {
  return objectKey(o.kind, o.namespace, o.name);
}

export function modelWithoutGrant(model: ClusterModel, binding: Binding, subject: Subject): ClusterModel {
  const ns = binding.kind === 'RoleBinding' ? binding.metadata.namespace : undefined;
  const strip = (list: Binding[]) =>
    list.flatMap((b) => {
      if (b !== binding && !(b.metadata.name === binding.metadata.name && b.metadata.namespace === binding.metadata.namespace)) return [b];
      const subjects = (b.subjects ?? []).filter((s) => !sameSubject(s, subject, ns));
      return subjects.length ? [{ ...b, subjects }] : [];
    });
  return binding.kind === 'ClusterRoleBinding'
    ? { ...model, clusterRoleBindings: strip(model.clusterRoleBindings) }
    : { ...model, roleBindings: strip(model.roleBindings) };
}

export function impactOf(before: WorkloadOutcome[], after: WorkloadOutcome[]): FixImpact {
  const now = new Map(before.map((o) => [outcomeKey(o), o]));
  const refusedAfter: string[] = [];
  const changedPsp: string[] = [];
  for (const o of after) {
    const was = now.get(outcomeKey(o));
    if (!was?.allowed) continue;
    if (!o.allowed) refusedAfter.push(outcomeKey(o));
    else if (o.psp !== was.psp) changedPsp.push(outcomeKey(o));
  }
  return { refusedAfter, changedPsp };
}

export function simulateFixImpact(model: ClusterModel, before: WorkloadOutcome[], binding: Binding, subject: Subject, opts: ControllerOptions): FixImpact {
  return impactOf(before, simulateWorkloads(modelWithoutGrant(model, binding, subject), opts));
}
