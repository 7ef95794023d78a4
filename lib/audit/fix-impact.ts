import { canUse, subjectMatches, type GrantChain } from '../access/can-use';
import { podServiceAccountIdentity, type ControllerOptions, type Identity } from '../access/identity';
import { simulateWorkload, type SimulationContext } from '../access/simulate-workload';
import type { Binding, ClusterModel, Subject } from '../model/types';
import { sameSubject } from '../plan/subjects';
import { indexRoles, roleRefKey, ruleGrantsUse } from '../rbac/grants';
import type { AuditedSimulation, ClusterSimulation } from './simulations';
import type { FixImpact } from './types';

/**
 * What a grant-removing fix does to admission: the workloads that could notice, simulated again as
 * if the subject were out of the binding, compared with now. Removing a broad grant is the
 * right fix, but the workloads that relied on it are refused on their next rollout unless they get
 * a grant first.
 */

/** The model with the fix applied (what the impact is checked against in tests). */
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

function identitiesOf(sim: AuditedSimulation): Identity[] {
  const sa = sim.serviceAccount ? podServiceAccountIdentity(sim.namespace, sim.serviceAccount) : undefined;
  return [sa, sim.requester].filter((x): x is Identity => !!x);
}

/**
 * Authorization once the subject is out of the binding: what holds now, minus the chains through
 * that binding that only the removed subject matched. Answers the same questions as an index of
 * the changed model, without building one per fix.
 */
function authorizationWithout(context: SimulationContext, binding: Binding, subject: Subject): SimulationContext['isAuthorized'] {
  const scope = binding.kind === 'RoleBinding' ? binding.metadata.namespace : undefined;
  const remaining = (binding.subjects ?? []).filter((s) => !sameSubject(s, subject, scope));
  const isRemoved = (c: GrantChain) => c.binding?.kind === binding.kind && c.binding.name === binding.metadata.name && (c.binding.namespace ?? undefined) === scope;
  const memo = new Map<string, boolean>();
  return (identity, psp, namespace) => {
    if (!context.isAuthorized(identity, psp, namespace)) return false;
    const key = `${identity.user}\u0000${identity.groups.join(',')}\u0000${psp}\u0000${namespace}`;
    let allowed = memo.get(key);
    if (allowed === undefined) {
      const chains = canUse(context.index, identity, psp, namespace).chains;
      allowed = chains.some((c) => c.via === 'system:masters' || !isRemoved(c) || remaining.some((s) => subjectMatches(s, identity, scope)));
      memo.set(key, allowed);
    }
    return allowed;
  };
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
  const context: SimulationContext = { ...simulation.context, isAuthorized: authorizationWithout(simulation.context, binding, subject) };
  const refusedAfter: string[] = [];
  const changedPsp: string[] = [];
  for (const r of candidates) {
    const now = simulateWorkload(model, r.workload, { ...opts, context, diffEveryPolicy: false });
    if (!now.allowed) refusedAfter.push(r.key);
    else if (now.psp !== r.sim.psp) changedPsp.push(r.key);
  }
  return { refusedAfter, changedPsp };
}
