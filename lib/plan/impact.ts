import type { ControllerOptions } from '../access/identity';
import { simulationContext } from '../access/simulate-workload';
import { simulateCluster, type ClusterSimulation } from '../audit/simulations';
import { WorkloadSimulator } from '../audit/workload-simulator';
import { objectKey } from '../model/keys';
import type { Binding, ClusterModel, KubeObject, Psp, Role } from '../model/types';
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
  const then = new Map(before.outcomes.map((o) => [objectKey(o.kind, o.namespace, o.name), o]));
  const impact: PlanImpact = { refusedAfter: [], changedPsp: [], admittedAfter: [], simulated: after.outcomes.length };
  for (const o of after.outcomes) {
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
 * The impact of a plan on the model it was made from. `before` is the simulation of that model
 * (callers cache it per model); only the model after the change is simulated here. A plan that
 * changes only RBAC leaves every case (pod shape × usable PSPs) as it was: the simulation after it
 * shares `before`'s cases and simulates only the ones the new grants make.
 */
export function planImpact(model: ClusterModel, plan: Plan, opts: ControllerOptions, before: ClusterSimulation = simulateCluster(model, opts)): PlanImpact {
  if (plan.noop || plan.operations.length === 0 || !plan.operations.some((op) => op.kind in LIST_OF_KIND)) {
    return { refusedAfter: [], changedPsp: [], admittedAfter: [], simulated: before.outcomes.length };
  }
  const after = modelAfterPlan(model, plan);
  const shared = before.simulator.sharesCasesWith(after) ? new WorkloadSimulator(after, simulationContext(after), opts, before.simulator) : undefined;
  return compareSimulations(before, simulateCluster(after, opts, shared));
}
