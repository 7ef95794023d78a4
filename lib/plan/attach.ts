import { AppError } from '../errors';
import type { Binding, ClusterModel, PolicyRule, Psp, Role, Subject } from '../model/types';
import { guardrail } from './guardrail';
import { describeSubject, normaliseSubject, sameSubject } from './subjects';
import {
  managedName, MANAGED_BY, MANAGED_BY_LABEL, PSP_UTIL_ANNOTATION, RBAC_API, RBAC_GROUP, type GuardrailRefusal, type Plan, type PlanOperation,
} from './types';

export interface AttachRequest {
  psp: string;
  subjects: Subject[];
  /** Grant only for pods in this namespace (a RoleBinding); absent: cluster-wide, as psp-util does. */
  namespace?: string;
  acknowledgeRisk?: boolean;
  /** Rewrite a `psp-util.<psp>` ClusterRole whose rules are not the one use rule. */
  repair?: boolean;
}

/** The objects an attach or detach reads: from the model, or fresh from the API server on a retry. */
export interface ManagedState {
  psp?: Psp;
  role?: Role;
  binding?: Binding;
  /** Every binding, in any namespace, whose roleRef is ClusterRole `psp-util.<psp>`. */
  dependents?: Binding[];
}

export function managedStateFromModel(model: ClusterModel, psp: string, namespace?: string): ManagedState {
  const name = managedName(psp);
  return {
    psp: model.psps.find((p) => p.metadata.name === psp),
    role: model.clusterRoles.find((r) => r.metadata.name === name),
    binding: namespace
      ? model.roleBindings.find((b) => b.metadata.name === name && b.metadata.namespace === namespace)
      : model.clusterRoleBindings.find((b) => b.metadata.name === name),
    dependents: [...model.clusterRoleBindings, ...model.roleBindings].filter((b) => b.roleRef.kind === 'ClusterRole' && b.roleRef.name === name),
  };
}

/**
 * Bindings to `psp-util.<psp>` while that ClusterRole is missing grant nothing now, but creating the
 * role grants the PSP to their subjects again. Those subjects, besides the ones being attached.
 */
function revivedGrants(state: ManagedState, subjects: Subject[], namespace: string | undefined): { binding: Binding; subjects: Subject[] }[] {
  if (state.role) return [];
  return (state.dependents ?? [])
    .map((binding) => ({
      binding,
      subjects: binding.subjects.filter((e) => !(binding === state.binding && subjects.some((s) => sameSubject(e, s, namespace)))),
    }))
    .filter((r) => r.subjects.length > 0);
}

export function useRuleFor(psp: string): PolicyRule {
  return { apiGroups: ['policy'], resources: ['podsecuritypolicies'], resourceNames: [psp], verbs: ['use'] };
}

function ruleKey(r: PolicyRule): string {
  const sorted = (l?: string[]) => [...(l ?? [])].sort().join(',');
  return [sorted(r.apiGroups), sorted(r.resources), sorted(r.resourceNames), sorted(r.verbs), sorted(r.nonResourceURLs)].join('|');
}

/** Whether a psp-util ClusterRole holds exactly the one rule psp-util writes (and nothing more). */
export function isManagedRoleIntact(role: Role, psp: string): boolean {
  return role.rules.length === 1 && ruleKey(role.rules[0]) === ruleKey(useRuleFor(psp));
}

function meta(psp: string, namespace?: string) {
  return {
    name: managedName(psp),
    ...(namespace ? { namespace } : {}),
    annotations: { [PSP_UTIL_ANNOTATION]: psp },
    labels: { [MANAGED_BY_LABEL]: MANAGED_BY },
  };
}

function strip<T extends { metadata: object }>(obj: T): T {
  return JSON.parse(JSON.stringify(obj));
}

/** The operations that make `psp-util.<psp>` grant the PSP: create the role, or repair it, or nothing. */
function ensureManagedRole(psp: string, role: Role | undefined, repair: boolean | undefined): PlanOperation[] {
  const name = managedName(psp);
  if (!role) {
    return [{ action: 'create', kind: 'ClusterRole', apiVersion: RBAC_API, name, object: { apiVersion: RBAC_API, kind: 'ClusterRole', metadata: meta(psp), rules: [useRuleFor(psp)] } as Role }];
  }
  if (isManagedRoleIntact(role, psp)) return [];
  if (!repair) {
    throw new AppError('conflict', `ClusterRole ${name} exists but its rules are not the single "use ${psp}" rule psp-util writes, so attaching through it could grant something else. Inspect it, then attach with "repair": true to rewrite its rules.`, {
      field: 'repair',
      rules: role.rules,
    });
  }
  const after = strip(role) as Role;
  after.rules = [useRuleFor(psp)];
  after.metadata.annotations = { ...after.metadata.annotations, [PSP_UTIL_ANNOTATION]: psp };
  return [{ action: 'update', kind: 'ClusterRole', apiVersion: RBAC_API, name, before: role, object: after }];
}

/**
 * Plans `attach PSP → subjects`: ClusterRole `psp-util.<psp>` and, cluster-wide, ClusterRoleBinding
 * `psp-util.<psp>` (or, with a namespace, RoleBinding `psp-util.<psp>` there) with the subjects
 * appended. Already-attached subjects are left alone; attaching twice is a no-op that says so.
 */
export function planAttach(req: AttachRequest, state: ManagedState): Plan | { refused: GuardrailRefusal } {
  const { psp: pspName, namespace } = req;
  const subjects = req.subjects.map(normaliseSubject);
  const scope = namespace ? ` in namespace ${namespace}` : '';
  const summary = `attach PodSecurityPolicy ${pspName} to ${subjects.map(describeSubject).join(', ')}${scope}`;
  if (!state.psp) throw new AppError('not_found', `PodSecurityPolicy ${pspName} does not exist`);
  for (const s of subjects) {
    const refusal = guardrail(state.psp, s, namespace, !!req.acknowledgeRisk);
    if (refusal) return { refused: refusal };
  }
  const name = managedName(pspName);
  const revived = revivedGrants(state, subjects, namespace);
  const revivedText = revived.map((r) => `${r.binding.metadata.namespace ? `RoleBinding ${r.binding.metadata.namespace}/` : 'ClusterRoleBinding '}${r.binding.metadata.name} (${r.subjects.map(describeSubject).join(', ')})`).join('; ');
  if (revived.length && !req.acknowledgeRisk) {
    return {
      refused: {
        field: 'acknowledgeRisk',
        reason: `ClusterRole ${name} is missing, but bindings to it remain: ${revivedText}. Creating the role for this attach would give PodSecurityPolicy ${pspName} back to those subjects too. ` +
          `Clean them first (clean ${pspName}: POST /api/v1/clean {"psp": "${pspName}"}) to attach only what you ask, or acknowledge the risk to revive their grant.`,
      },
    };
  }
  const ops = ensureManagedRole(pspName, state.role, req.repair);
  const kind = namespace ? 'RoleBinding' : 'ClusterRoleBinding';
  const binding = state.binding;
  if (binding && (binding.roleRef.kind !== 'ClusterRole' || binding.roleRef.name !== name)) {
    throw new AppError('conflict', `${kind} ${namespace ? `${namespace}/` : ''}${name} exists but refers to ${binding.roleRef.kind} ${binding.roleRef.name}, not ClusterRole ${name}; a roleRef cannot be changed. Delete or rename that binding first.`);
  }
  const existing = binding?.subjects ?? [];
  const toAdd = subjects.filter((s, i) => !existing.some((e) => sameSubject(e, s, namespace)) && subjects.findIndex((o) => sameSubject(o, s, namespace)) === i);
  if (!binding) {
    ops.push({
      action: 'create', kind, apiVersion: RBAC_API, name, namespace,
      object: { apiVersion: RBAC_API, kind, metadata: meta(pspName, namespace), roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name }, subjects: toAdd } as Binding,
    });
  } else if (toAdd.length > 0) {
    const after = strip(binding) as Binding;
    after.subjects = [...existing, ...toAdd];
    ops.push({ action: 'update', kind, apiVersion: RBAC_API, name, namespace, before: binding, object: after });
  }
  const already = subjects.filter((s) => !toAdd.includes(s));
  const warnings = already.length && toAdd.length ? [`Already attached: ${already.map(describeSubject).join(', ')}`] : [];
  if (revived.length) warnings.push(`Creating ClusterRole ${name} also gives PodSecurityPolicy ${pspName} back to the subjects of ${revivedText}.`);
  if (ops.length === 0) return { summary, operations: [], warnings, noop: `${subjects.map(describeSubject).join(', ')} ${subjects.length > 1 ? 'are' : 'is'} already attached to ${pspName}${scope}; nothing to do.` };
  return { summary, operations: ops, warnings };
}

/**
 * Plans `detach PSP → subjects`: removes them from the managed binding. An emptied binding stays,
 * as psp-util leaves it; `clean` removes it.
 */
export function planDetach(req: Omit<AttachRequest, 'acknowledgeRisk' | 'repair'>, state: ManagedState): Plan {
  const { psp: pspName, namespace } = req;
  const subjects = req.subjects.map(normaliseSubject);
  const scope = namespace ? ` in namespace ${namespace}` : '';
  const summary = `detach PodSecurityPolicy ${pspName} from ${subjects.map(describeSubject).join(', ')}${scope}`;
  const binding = state.binding;
  const kind = namespace ? 'RoleBinding' : 'ClusterRoleBinding';
  const remaining = (binding?.subjects ?? []).filter((e) => !subjects.some((s) => sameSubject(e, s, namespace)));
  if (!binding || remaining.length === binding.subjects.length) {
    return { summary, operations: [], warnings: [], noop: `${subjects.map(describeSubject).join(', ')} ${subjects.length > 1 ? 'are' : 'is'} not attached to ${pspName}${scope} through ${kind} ${managedName(pspName)}; nothing to do.` };
  }
  const after = strip(binding) as Binding;
  after.subjects = remaining;
  return { summary, operations: [{ action: 'update', kind, apiVersion: RBAC_API, name: managedName(pspName), namespace, before: binding, object: after }], warnings: [] };
}

/** Plans `clean PSP`: deletes the managed bindings (every namespace) and ClusterRole, never the PSP. */
export function planClean(model: ClusterModel, pspName: string): Plan {
  const name = managedName(pspName);
  const ops: PlanOperation[] = [];
  for (const b of model.clusterRoleBindings.filter((b) => b.metadata.name === name)) {
    ops.push({ action: 'delete', kind: 'ClusterRoleBinding', apiVersion: RBAC_API, name, before: b });
  }
  for (const b of model.roleBindings.filter((b) => b.metadata.name === name && b.roleRef.name === name)) {
    ops.push({ action: 'delete', kind: 'RoleBinding', apiVersion: RBAC_API, name, namespace: b.metadata.namespace, before: b });
  }
  const role = model.clusterRoles.find((r) => r.metadata.name === name);
  if (role) ops.push({ action: 'delete', kind: 'ClusterRole', apiVersion: RBAC_API, name, before: role });
  const summary = `clean PodSecurityPolicy ${pspName}: delete the bindings and ClusterRole ${name} (the PSP stays)`;
  return ops.length ? { summary, operations: ops, warnings: [] } : { summary, operations: [], warnings: [], noop: `Nothing named ${name} exists; nothing to clean.` };
}
