import { subjectMatches } from '../access/can-use';
import type { ControllerOptions } from '../access/identity';
import { simulationContext, type WorkloadOutcome } from '../access/simulate-workload';
import { identitiesOf, simulateCluster, type AuditedSimulation, type ClusterSimulation } from '../audit/simulations';
import { WorkloadSimulator } from '../audit/workload-simulator';
import { objectKey } from '../model/keys';
import type { Binding, ClusterModel, KubeObject, Psp, Role, Subject } from '../model/types';
import type { Plan } from './types';

/**
 * What a plan does to admission, before anyone confirms it: every workload simulated on the model
 * with the plan applied in memory, compared with now. A change to RBAC or a PSP never touches running
 * pods; the workloads listed here are the ones whose next pods would be refused or get another PSP.
 */

/** A workload by its key (`Kind/namespace/name`), with the PSPs before and after. */
export interface WorkloadImpact {
  key: string;
  kind: string;
  namespace: string;
  name: string;
  /** The PSP its pods get now (undefined when refused now). */
  pspBefore?: string;
  /** The PSP its pods would get (undefined when refused after). */
  pspAfter?: string;
  /** Why admission would refuse them (refused after only). */
  message?: string;
}

export interface PlanImpact {
  /** Admitted now, refused after the change: their next pods fail. */
  refusedAfter: WorkloadImpact[];
  /** Admitted both ways, under another PSP after the change (it may mutate or constrain them differently). */
  changedPsp: WorkloadImpact[];
  /** Refused now, admitted after the change. */
  admittedAfter: WorkloadImpact[];
  /** How many workloads were simulated (0: the cluster has none in view, so nothing can be said). */
  simulated: number;
}

type ModelList = 'psps' | 'clusterRoles' | 'roles' | 'clusterRoleBindings' | 'roleBindings';
const LIST_OF_KIND: Record<string, ModelList> = {
  PodSecurityPolicy: 'psps', ClusterRole: 'clusterRoles', Role: 'roles', ClusterRoleBinding: 'clusterRoleBindings', RoleBinding: 'roleBindings',
};

/** The object as the model holds it (buildModel's defaults: empty spec, rules, subjects). */
function asModelObject(kind: string, obj: KubeObject): Psp | Role | Binding {
  const o = obj as unknown as Record<string, unknown>;
  switch (kind) {
    case 'PodSecurityPolicy':
      return { ...o, kind, spec: o.spec ?? {} } as unknown as Psp;
    case 'ClusterRole':
    case 'Role':
      return { ...o, kind, rules: o.rules ?? [] } as unknown as Role;
    default:
      return { ...o, kind, subjects: o.subjects ?? [] } as unknown as Binding;
  }
}

/**
 * The model with every operation of the plan carried out. Kinds the model does not read for
 * admission (none today) are left as they are.
 */
export function modelAfterPlan(model: ClusterModel, plan: Plan): ClusterModel {
  const next = { ...model } as ClusterModel;
  for (const op of plan.operations) {
    const list = LIST_OF_KIND[op.kind];
    if (!list) continue;
    const same = (o: KubeObject) => o.metadata.name === op.name && (o.metadata.namespace ?? undefined) === (op.namespace ?? undefined);
    const kept = (next[list] as KubeObject[]).filter((o) => !same(o));
    if (op.action !== 'delete' && op.object) kept.push(asModelObject(op.kind, op.object));
    (next as unknown as Record<ModelList, KubeObject[]>)[list] = kept;
  }
  return next;
}

/** Compares two simulations of the same workloads. */
export function compareSimulations(before: ClusterSimulation, after: ClusterSimulation): PlanImpact {
  return compareOutcomes(before.outcomes, after.outcomes, after.outcomes.length);
}

type Outcome = Pick<WorkloadOutcome, 'kind' | 'namespace' | 'name' | 'allowed' | 'psp' | 'message'>;

/** Compares the outcomes of workloads now and after (`after` may hold only those that could change). */
function compareOutcomes(before: Outcome[], after: Outcome[], simulated: number): PlanImpact {
  const then = new Map(before.map((o) => [objectKey(o.kind, o.namespace, o.name), o]));
  const impact: PlanImpact = { refusedAfter: [], changedPsp: [], admittedAfter: [], simulated };
  for (const o of after) {
    const key = objectKey(o.kind, o.namespace, o.name);
    const was = then.get(key);
    if (!was) continue;
    const entry: WorkloadImpact = { key, kind: o.kind, namespace: o.namespace, name: o.name, pspBefore: was.allowed ? was.psp : undefined, pspAfter: o.allowed ? o.psp : undefined };
    if (was.allowed && !o.allowed) impact.refusedAfter.push({ ...entry, message: o.message });
    else if (!was.allowed && o.allowed) impact.admittedAfter.push(entry);
    else if (was.allowed && o.allowed && was.psp !== o.psp) impact.changedPsp.push(entry);
  }
  return impact;
}

/**
 * The simulator of the model after a plan. A plan that leaves the PSPs and ServiceAccounts as they
 * are (attach, detach, clean, a binding or subject removed: most previews) changes only who may use
 * which PSP, so the after side is a variant of `before`'s simulator: each workload's case (its pod
 * shape and the PSPs its identities may use after) is looked up among the cases already simulated,
 * and only the cases the plan creates go through admission. A plan that changes a PSP gets a
 * simulator of its own.
 */
function simulatorAfter(after: ClusterModel, before: ClusterSimulation, opts: ControllerOptions): WorkloadSimulator {
  const context = simulationContext(after);
  return before.simulator.sharesCasesWith(after) ? new WorkloadSimulator(after, context, opts, before.simulator) : new WorkloadSimulator(after, context, opts);
}

/** A subject a plan grants or takes something from, and the namespace its RoleBinding limits that to. */
interface TouchedSubject {
  subject: Subject;
  scope?: string;
}

const scopeOf = (b: Binding) => (b.kind === 'RoleBinding' ? b.metadata.namespace : undefined);

/**
 * The subjects whose grants a plan of RBAC changes can change: each changed binding's subjects
 * before and after (its role, even if the plan points it elsewhere, reaches only them), and the
 * subjects of every binding, before or after, of a changed role. Undefined when the plan changes a
 * PSP (it reaches whoever may use it), or a labelled ClusterRole where some ClusterRole aggregates
 * others by label (the change would reach the aggregate's subjects too).
 */
function subjectsTouched(model: ClusterModel, after: ClusterModel, plan: Plan): TouchedSubject[] | undefined {
  const touched: TouchedSubject[] = [];
  const add = (b: Binding | undefined) => b?.subjects.forEach((subject) => touched.push({ subject, scope: scopeOf(b) }));
  const aggregates = model.clusterRoles.some((r) => r.aggregationRule);
  for (const op of plan.operations) {
    const named = (o: KubeObject) => o.metadata.name === op.name && (o.metadata.namespace ?? undefined) === (op.namespace ?? undefined);
    if (op.kind === 'ClusterRoleBinding' || op.kind === 'RoleBinding') {
      const list = op.kind === 'ClusterRoleBinding' ? 'clusterRoleBindings' : 'roleBindings';
      add(model[list].find(named));
      add(after[list].find(named));
    } else if (op.kind === 'ClusterRole' || op.kind === 'Role') {
      const list = op.kind === 'ClusterRole' ? 'clusterRoles' : 'roles';
      const labelled = [model[list].find(named), after[list].find(named)].some((r) => Object.keys(r?.metadata.labels ?? {}).length > 0);
      if (op.kind === 'ClusterRole' && aggregates && labelled) return undefined;
      const bindsIt = (b: Binding) => b.roleRef.kind === op.kind && b.roleRef.name === op.name && (op.kind === 'ClusterRole' || b.metadata.namespace === op.namespace);
      for (const m of [model, after]) [...m.clusterRoleBindings, ...m.roleBindings].filter(bindsIt).forEach(add);
    } else if (op.kind in LIST_OF_KIND) {
      return undefined;
    }
  }
  return touched;
}

/** Whether a changed grant can reach the workload: a touched subject matches one of its identities, in the binding's scope. */
function mayChange(sim: AuditedSimulation, touched: TouchedSubject[]): boolean {
  const ids = identitiesOf(sim);
  return touched.some(({ subject, scope }) => (!scope || sim.namespace === scope) && ids.some((id) => subjectMatches(subject, id, scope)));
}

/**
 * The impact of a plan on the model it was made from. `before` is the simulation of that model
 * (callers cache it per model); only the model after the change is simulated here: for a plan of
 * RBAC changes, only the workloads the changed grants' subjects can reach (as the audit's fix
 * impact does); any other workload's pods are asked with the same grants as now.
 */
export function planImpact(model: ClusterModel, plan: Plan, opts: ControllerOptions, before: ClusterSimulation = simulateCluster(model, opts)): PlanImpact {
  if (plan.noop || plan.operations.length === 0 || !plan.operations.some((op) => op.kind in LIST_OF_KIND)) {
    return { refusedAfter: [], changedPsp: [], admittedAfter: [], simulated: before.outcomes.length };
  }
  const after = modelAfterPlan(model, plan);
  const simulator = simulatorAfter(after, before, opts);
  const touched = subjectsTouched(model, after, plan);
  if (!touched) return compareSimulations(before, simulateCluster(after, opts, simulator));
  const candidates = before.results.filter((r) => mayChange(r.sim, touched));
  const outcomes = candidates.map(({ workload }): Outcome => {
    const sim = simulator.simulate(workload);
    return { kind: workload.kind, namespace: sim.namespace, name: workload.metadata.name, allowed: sim.allowed, psp: sim.psp, message: sim.message };
  });
  return compareOutcomes(before.outcomes, outcomes, before.outcomes.length);
}
