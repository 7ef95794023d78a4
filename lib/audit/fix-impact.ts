import { subjectMatches, usablePspNames, type Authorizer, type Usable } from '../access/can-use';
import type { ControllerOptions, Identity } from '../access/identity';
import type { SimulationContext } from '../access/simulate-workload';
import type { Binding, ClusterModel, Role, Subject } from '../model/types';
import { sameSubject } from '../plan/subjects';
import { roleRefKey, ruleGrantsUse } from '../rbac/grants';
import { identitiesOf, resultsByChosenPsp, type ClusterSimulation, type SimulatedWorkloadResult } from './simulations';
import type { FixImpact } from './types';
import { WorkloadSimulator } from './workload-simulator';
import { mapAlong, sameItems } from '../model/map-along';

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

/**
 * Authorization once the subject is out of the binding: an identity the removed subject matched
 * (and no remaining subject of the binding does) is resolved again with that binding taken as
 * absent; any other identity's answer is what holds now. Answers the same questions as an index of
 * the changed model, without building one per fix.
 */
function authorizationWithout(context: SimulationContext, binding: Binding, subject: Subject): Authorizer {
  const scope = binding.kind === 'RoleBinding' ? binding.metadata.namespace : undefined;
  const remaining = (binding.subjects ?? []).filter((s) => !sameSubject(s, subject, scope));
  const isRemoved = (b: Binding) => b.kind === binding.kind && b.metadata.name === binding.metadata.name && (b.kind === 'RoleBinding' ? b.metadata.namespace : undefined) === scope;
  const loses = (identity: Identity) => subjectMatches(subject, identity, scope) && !remaining.some((s) => subjectMatches(s, identity, scope));
  const memo = new Map<Identity, Map<string, Usable | null>>();
  // null: the removal does not reach this identity here (the binding is another namespace's, or names it otherwise too).
  const usableWithout = (identity: Identity, namespace: string): Usable | null => {
    let perNs = memo.get(identity);
    if (!perNs) memo.set(identity, (perNs = new Map()));
    let usable = perNs.get(namespace);
    if (usable === undefined) {
      usable = (scope && namespace !== scope) || !loses(identity) ? null : usablePspNames(context.index, identity, namespace, isRemoved);
      perNs.set(namespace, usable);
    }
    return usable;
  };
  const isAuthorized: Authorizer = (identity, psp, namespace) => {
    if (!context.isAuthorized(identity, psp, namespace)) return false;
    const usable = usableWithout(identity, namespace);
    return !usable || usable.all || usable.names.has(psp);
  };
  const now = context.isAuthorized.usable;
  // Taking a binding away only takes PSPs away: what is usable without it is a subset of what is usable now.
  if (now) isAuthorized.usable = (identity, namespace) => usableWithout(identity, namespace) ?? now(identity, namespace);
  return isAuthorized;
}

const candidateLists = new WeakMap<ClusterSimulation, Map<string, SimulatedWorkloadResult[]>>();

/**
 * The results admitted under a PSP the role grants, in the results' order by PSP: once per
 * simulation and set of PSPs (the fixes of one audit name a few roles; each list is up to every
 * workload of the cluster).
 */
function candidatesOf(simulation: ClusterSimulation, role: Role): SimulatedWorkloadResult[] {
  const byPsp = resultsByChosenPsp(simulation);
  const granted = [...byPsp.keys()].filter((psp) => role.rules.some((rule) => ruleGrantsUse(rule, psp)));
  let lists = candidateLists.get(simulation);
  if (!lists) candidateLists.set(simulation, (lists = new Map()));
  const key = granted.join('\u0000');
  let list = lists.get(key);
  if (!list) {
    list = [];
    for (const psp of granted) for (const r of byPsp.get(psp)!) list.push(r);
    lists.set(key, list);
  }
  return list;
}

const orders = new WeakMap<ClusterSimulation, Map<SimulatedWorkloadResult, number>>();

function resultOrder(simulation: ClusterSimulation): Map<SimulatedWorkloadResult, number> {
  let order = orders.get(simulation);
  if (!order) orders.set(simulation, (order = new Map(simulation.results.map((r, i) => [r, i]))));
  return order;
}

/** What the fix does to one workload: nothing (not a candidate, or the same PSP), or a refusal, or another PSP. */
type Verdict = 'same' | 'refused' | 'changed';

/**
 * Losing authorization for PSPs other than the chosen one changes nothing (they were not chosen
 * with it either), so only workloads whose chosen PSP this grant authorizes, for an identity the
 * subject matches, in the binding's scope, can change outcome; only they are simulated again.
 * Each workload's verdict is kept with the simulation's policy state, so an audit after a pod event
 * judges only that pod's workload again.
 */
export function simulateFixImpact(model: ClusterModel, simulation: ClusterSimulation, binding: Binding, subject: Subject, opts: ControllerOptions): FixImpact {
  const key = roleRefKey(binding);
  const role = key ? simulation.context.index.roles.get(key) : undefined;
  if (!role) return { refusedAfter: [], changedPsp: [] };
  const scope = binding.kind === 'RoleBinding' ? binding.metadata.namespace : undefined;
  const variant = JSON.stringify(['fix-impact', binding.kind, binding.metadata.namespace ?? '', binding.metadata.name, subject.kind, subject.namespace ?? '', subject.name]);
  const fix = simulation.simulator.derived(variant, () => {
    const context: SimulationContext = { ...simulation.context, isAuthorized: authorizationWithout(simulation.context, binding, subject) };
    return { without: new WorkloadSimulator(model, context, opts, simulation.simulator), last: { candidates: [] as SimulatedWorkloadResult[], verdicts: [] as Verdict[], impact: undefined as FixImpact | undefined } };
  });
  const verdictOf = (r: SimulatedWorkloadResult): Verdict => {
    const { sim } = r;
    const candidate = (!scope || sim.namespace === scope) && identitiesOf(sim).some((id) => subjectMatches(subject, id, scope));
    if (!candidate) return 'same';
    const now = fix.without.simulate(r.workload);
    return !now.allowed ? 'refused' : now.psp !== sim.psp ? 'changed' : 'same';
  };
  // Only workloads admitted under a PSP this role grants are candidates; judged in the results' order.
  const candidates = candidatesOf(simulation, role);
  if (candidates.length === 0) return { refusedAfter: [], changedPsp: [] };
  // The same candidates as in the last audit (a pod event elsewhere): the same impact.
  if (fix.last.impact && sameItems(candidates, fix.last.candidates)) return fix.last.impact;
  // Judged along the last audit's candidates: after a pod event only its workload is judged again.
  const verdicts = mapAlong(candidates, fix.last.candidates, (r) => r, verdictOf, fix.last.verdicts);
  const changed: { r: SimulatedWorkloadResult; verdict: Verdict }[] = [];
  candidates.forEach((r, i) => {
    if (verdicts[i] !== 'same') changed.push({ r, verdict: verdicts[i] });
  });
  if (changed.length > 1) {
    const order = resultOrder(simulation);
    changed.sort((a, b) => order.get(a.r)! - order.get(b.r)!);
  }
  const impact = {
    refusedAfter: changed.filter((c) => c.verdict === 'refused').map((c) => c.r.key),
    changedPsp: changed.filter((c) => c.verdict === 'changed').map((c) => c.r.key),
  };
  fix.last = { candidates, verdicts, impact };
  return impact;
}
