import { AppError } from '../../errors';
import type { Binding, ClusterModel, PolicyRule, Role } from '../../model/types';
import { grantsFirst } from '../order';
import { PSP_UTIL_ANNOTATION, RBAC_API, type Plan, type PlanOperation } from '../types';

/**
 * After PSP is gone (v1.25+ serves no PodSecurityPolicy API), the RBAC that granted PSPs grants
 * nothing but stays in the way of every review: `use` rules on podsecuritypolicies, psp-util's
 * ClusterRoles and their bindings. This plan removes them; every other right is kept as it is.
 */

const PSP_GROUPS = ['policy', 'extensions'];
const PSP_UTIL_PREFIX = 'psp-util.';

/** A rule that names podsecuritypolicies with the `use` verb (wildcard rules are not PSP leftovers and stay). */
function isPspUseRule(r: PolicyRule): boolean {
  return (r.apiGroups ?? []).some((g) => PSP_GROUPS.includes(g)) && (r.resources ?? []).includes('podsecuritypolicies') && r.verbs.includes('use');
}

/** The rule without `use` on podsecuritypolicies: what else it grants, split where needed. */
function withoutPspUse(r: PolicyRule): PolicyRule[] {
  if (!isPspUseRule(r)) return [r];
  const out: PolicyRule[] = [];
  const otherResources = (r.resources ?? []).filter((x) => x !== 'podsecuritypolicies');
  if (otherResources.length) out.push({ ...r, resources: otherResources });
  const otherVerbs = r.verbs.filter((v) => v !== 'use');
  if (otherVerbs.length) out.push({ ...r, resources: ['podsecuritypolicies'], verbs: otherVerbs });
  return out;
}

function isPspUtilRole(role: Role): boolean {
  return role.kind === 'ClusterRole' && (role.metadata.name.startsWith(PSP_UTIL_PREFIX) || !!role.metadata.annotations?.[PSP_UTIL_ANNOTATION]);
}

const bindingsOf = (model: ClusterModel, role: Role): Binding[] =>
  [...model.clusterRoleBindings, ...model.roleBindings].filter((b) => b.roleRef.kind === role.kind && b.roleRef.name === role.metadata.name &&
    (role.kind === 'ClusterRole' || b.metadata.namespace === role.metadata.namespace));

const roleOp = (role: Role, action: 'update' | 'delete', object?: Role): PlanOperation =>
  ({ action, kind: role.kind, apiVersion: RBAC_API, name: role.metadata.name, namespace: role.metadata.namespace, before: role, ...(object ? { object } : {}) });
const bindingOp = (b: Binding): PlanOperation =>
  ({ action: 'delete', kind: b.kind, apiVersion: RBAC_API, name: b.metadata.name, namespace: b.metadata.namespace, before: b });

export function planPspCleanup(model: ClusterModel): Plan {
  if (model.source.pspApiServed) {
    throw new AppError('conflict', 'This cluster still serves the PodSecurityPolicy API: pods are admitted only with a PSP they may use, so removing these rights would stop pods from being created. Upgrade to v1.25+ (or turn the PodSecurityPolicy admission plugin off) first.');
  }
  const bindingDeletes: PlanOperation[] = [];
  const roleUpdates: PlanOperation[] = [];
  const roleDeletes: PlanOperation[] = [];
  const notes: string[] = [];
  const deleteBindings = (bs: Binding[]) => {
    for (const b of bs) if (!bindingDeletes.some((o) => o.kind === b.kind && o.name === b.metadata.name && o.namespace === b.metadata.namespace)) bindingDeletes.push(bindingOp(b));
  };
  for (const role of [...model.clusterRoles, ...model.roles]) {
    if (role.aggregationRule) continue; // its rules are the aggregation controller's, from the roles cleaned here
    if (isPspUtilRole(role)) {
      deleteBindings(bindingsOf(model, role));
      roleDeletes.push(roleOp(role, 'delete'));
      continue;
    }
    if (!role.rules.some(isPspUseRule)) continue;
    const rules = role.rules.flatMap(withoutPspUse);
    if (rules.length === 0) {
      const bs = bindingsOf(model, role);
      deleteBindings(bs);
      roleDeletes.push(roleOp(role, 'delete'));
      notes.push(`${role.kind} ${role.metadata.namespace ? `${role.metadata.namespace}/` : ''}${role.metadata.name} granted only PSP use: deleted${bs.length ? `, with ${bs.length} binding${bs.length === 1 ? '' : 's'} to it` : ''}.`);
    } else {
      roleUpdates.push(roleOp(role, 'update', { ...JSON.parse(JSON.stringify(role)), rules }));
    }
  }
  // psp-util bindings whose role is already gone grant nothing and would revive with the role.
  const roleNames = new Set(model.clusterRoles.map((r) => r.metadata.name));
  deleteBindings([...model.clusterRoleBindings, ...model.roleBindings].filter((b) => b.metadata.name.startsWith(PSP_UTIL_PREFIX) && b.roleRef.kind === 'ClusterRole' && b.roleRef.name.startsWith(PSP_UTIL_PREFIX) && !roleNames.has(b.roleRef.name)));
  const wildcard = [...model.clusterRoles, ...model.roles].filter((r) => !r.aggregationRule && r.rules.some((x) => !isPspUseRule(x) && x.verbs.some((v) => v === 'use' || v === '*') && (x.resources ?? []).some((res) => res === 'podsecuritypolicies' || res === '*') && (x.apiGroups ?? []).some((g) => g === '*' || PSP_GROUPS.includes(g))));
  const one = wildcard.length === 1;
  if (wildcard.length) notes.push(`${wildcard.length} role${one ? ' grants' : 's grant'} PSP use through a wildcard (${wildcard.slice(0, 5).map((r) => r.metadata.name).join(', ')}${wildcard.length > 5 ? ', …' : ''}); left as ${one ? 'it is: it grants' : 'they are: they grant'} more than PSPs.`);
  // In the order they are written: trimmed roles, then bindings before the roles they point at.
  const operations = grantsFirst([...bindingDeletes, ...roleUpdates, ...roleDeletes]);
  const summary = `remove leftover PSP rights: ${roleUpdates.length} role${roleUpdates.length === 1 ? '' : 's'} trimmed, ${roleDeletes.length} deleted, ${bindingDeletes.length} binding${bindingDeletes.length === 1 ? '' : 's'} deleted`;
  if (!operations.length) return { summary, operations, warnings: [], notes, noop: 'No role grants use on PodSecurityPolicies and no psp-util object is left; nothing to clean.' };
  return { summary, operations, warnings: [], notes };
}
