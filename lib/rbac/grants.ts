import type { Binding, ClusterModel, PolicyRule, Role } from '../model/types';
import { keyOf, objectKey } from '../model/keys';

/**
 * RBAC semantics of "may use PodSecurityPolicy X" (the authorizer's RuleAllows, as the PSP admission
 * plugin asks it: verb `use`, resource `podsecuritypolicies`, group `policy` and then `extensions`).
 */

const PSP_GROUPS = ['policy', 'extensions'];

function hasOrStar(list: string[] | undefined, ...wanted: string[]): boolean {
  return !!list && list.some((v) => v === '*' || wanted.includes(v));
}

/** Whether `rule` lets its holder `use` the PSP named `pspName`. */
export function ruleGrantsUse(rule: PolicyRule, pspName: string): boolean {
  if (!hasOrStar(rule.verbs, 'use')) return false;
  if (!hasOrStar(rule.apiGroups, ...PSP_GROUPS)) return false;
  if (!hasOrStar(rule.resources, 'podsecuritypolicies')) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(pspName);
}

/** Whether the rule grants `use` at all, for some PSP name (used to find PSP-related roles). */
export function ruleGrantsUseOfAny(rule: PolicyRule): boolean {
  return (
    hasOrStar(rule.verbs, 'use') &&
    hasOrStar(rule.apiGroups, ...PSP_GROUPS) &&
    hasOrStar(rule.resources, 'podsecuritypolicies')
  );
}

/**
 * A grant psp-util would list: the literal group `policy` or `extensions`, the literal resource
 * `podsecuritypolicies`, the literal verb `use`, and the PSP named in resourceNames. Everything else
 * that still grants use (a `*` anywhere, or empty resourceNames meaning every PSP) is a wildcard grant.
 */
export function isExplicitGrant(rule: PolicyRule, pspName: string): boolean {
  return (
    (rule.apiGroups ?? []).some((g) => PSP_GROUPS.includes(g)) &&
    (rule.resources ?? []).includes('podsecuritypolicies') &&
    rule.verbs.includes('use') &&
    (rule.resourceNames ?? []).includes(pspName)
  );
}

export interface PspGrant {
  psp: string;
  /** Not a grant psp-util would show: a `*` or empty resourceNames. */
  wildcard: boolean;
  /** Indexes of the rules that grant it. */
  rules: number[];
}

export interface RolePspGrants {
  /** Grants of existing PSPs, and of PSPs named in resourceNames that do not exist (dangling). */
  grants: PspGrant[];
  /** PSP names in resourceNames of granting rules that no PSP object has. */
  missingPsps: string[];
  /** Some rule grants every PSP (empty resourceNames). */
  grantsAll: boolean;
}

/** Which PSPs a role lets its subjects use, given the names of the PSPs that exist. */
export function pspGrantsOfRole(role: Role, pspNames: readonly string[]): RolePspGrants {
  const byPsp = new Map<string, PspGrant>();
  const existing = new Set(pspNames);
  const missing = new Set<string>();
  let grantsAll = false;
  role.rules.forEach((rule, index) => {
    if (!ruleGrantsUseOfAny(rule)) return;
    const named = rule.resourceNames ?? [];
    const targets = named.length === 0 ? pspNames : named;
    if (named.length === 0) grantsAll = true;
    for (const psp of targets) {
      if (!existing.has(psp)) missing.add(psp);
      const grant = byPsp.get(psp) ?? { psp, wildcard: true, rules: [] };
      grant.rules.push(index);
      // A PSP is an explicit grant as soon as one rule names it the psp-util way.
      if (isExplicitGrant(rule, psp)) grant.wildcard = false;
      byPsp.set(psp, grant);
    }
  });
  const grants = [...byPsp.values()].sort((a, b) => compareNames(a.psp, b.psp));
  return { grants, missingPsps: [...missing].sort(compareNames), grantsAll };
}

/** Byte-wise name order, as Go's strings.Compare and the API server's list order. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Index of roles by key, to resolve roleRefs by namespace and name (never by name alone). */
export interface RoleIndex {
  get(key: string): Role | undefined;
}

export function indexRoles(model: Pick<ClusterModel, 'clusterRoles' | 'roles'>): RoleIndex {
  const map = new Map<string, Role>();
  for (const r of model.clusterRoles) map.set(keyOf({ ...r, kind: 'ClusterRole' }), r);
  for (const r of model.roles) map.set(keyOf({ ...r, kind: 'Role' }), r);
  return map;
}

/**
 * The key of the role a binding refers to. A RoleBinding may refer to a Role in its own namespace or
 * to a ClusterRole; a ClusterRoleBinding only to a ClusterRole. Anything else resolves to nothing.
 */
export function roleRefKey(binding: Binding): string | null {
  const { kind, name } = binding.roleRef;
  if (kind === 'ClusterRole') return objectKey('ClusterRole', undefined, name);
  if (kind === 'Role' && binding.kind === 'RoleBinding') {
    return objectKey('Role', binding.metadata.namespace, name);
  }
  return null;
}
