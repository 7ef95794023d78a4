import { subjectMatches } from '../access/can-use';
import { podServiceAccountIdentity, type ControllerOptions, type Identity } from '../access/identity';
import { simulateWorkload, simulationContext, type WorkloadSimulation } from '../access/simulate-workload';
import type { Binding, ClusterModel, Subject } from '../model/types';
import { sameSubject } from '../plan/subjects';
import { indexRoles, roleRefKey, ruleGrantsUse } from '../rbac/grants';
import type { ClusterSimulation } from './simulations';
import type { FixImpact } from './types';

/**
 * What a grant-removing fix does to admission: the model with the subject taken out of the binding,
 * the workloads that could notice simulated again, compared with now. Removing a broad grant is the
 * right fix, but the workloads that relied on it are refused on their next rollout unless they get
 * a grant first.
 */

export function modelWithoutGrant(model: ClusterModel, binding: Binding, subject: Subject): ClusterModel {
  const ns = binding.kind === 'RoleBinding' ? binding.metadata.namespace : undefined;
  const strip = (list: Binding[]) =>
    list.flatMap((b) => {
      if (b.metadata.name !== binding.metadata.name || b.metadata.namespace !== binding.metadata.namespace) return [b];
      const subjects = (b.subjects ?? []).filter((s) => !sameSubject(s, subject, ns));
      return subjects.length ? [{ ...b, subjects }] : [];
    });
  return binding.kind === 'ClusterRoleBinding'
    ? { ...model, clusterRoleBindings: strip(model.clusterRoleBindings) }
    : { ...model, roleBindings: strip(model.roleBindings) };
}

function identitiesOf(sim: WorkloadSimulation): Identity[] {
  const sa = sim.serviceAccount ? podServiceAccountIdentity(sim.namespace, sim.serviceAccount) : undefined;
  return [sa, sim.requester].filter((x): x is Identity => !!x);
}

/**
 * Losing authorization for PSPs other than the chosen one changes nothing (they were not chosen
 * with it either), so only workloads whose chosen PSP this grant authorizes, for an identity the
 * subject matches, in the binding's scope, can change outcome; only they are simulated again.
 */
export function simulateFixImpact(model: ClusterModel, simulation: ClusterSimulation, binding: Binding, subject: Subject, opts: ControllerOptions): FixImpact {
  const key = roleRefKey(binding);
  const role = key ? indexRoles(model).get(key) : undefined;
  if (!role) return { refusedAfter: [], changedPsp: [] };
  const scope = binding.kind === 'RoleBinding' ? binding.metadata.namespace : undefined;
  const candidates = simulation.results.filter(({ sim }) =>
    sim.allowed && !!sim.psp && (!scope || sim.namespace === scope) &&
    role.rules.some((r) => ruleGrantsUse(r, sim.psp!)) &&
    identitiesOf(sim).some((id) => subjectMatches(subject, id, scope)));
  if (candidates.length === 0) return { refusedAfter: [], changedPsp: [] };
  const after = modelWithoutGrant(model, binding, subject);
  const context = simulationContext(after);
  const refusedAfter: string[] = [];
  const changedPsp: string[] = [];
  for (const r of candidates) {
    const now = simulateWorkload(after, r.workload, { ...opts, context, diffEveryPolicy: false });
    if (!now.allowed) refusedAfter.push(r.key);
    else if (now.psp !== r.sim.psp) changedPsp.push(r.key);
  }
  return { refusedAfter, changedPsp };
}
