import type { Binding, ClusterModel, PolicyRule, Role, Subject } from '../model/types';
import { serviceAccountUser } from '../model/keys';
import { indexRoles, roleRefKey, ruleGrantsUse, ruleGrantsUseOfAny, type RoleIndex } from '../rbac/grants';
import { MASTERS, type Identity } from './identity';

/**
 * "May this identity `use` PodSecurityPolicy X for a pod in namespace N?", answered as the API
 * server's authorizer chain does: system:masters first, then RBAC walking every ClusterRoleBinding
 * and then the RoleBindings of N. Webhook or ABAC authorizers cannot be modelled.
 */

export interface GrantChain {
  /** `system:masters` needs no binding: the privileged-group authorizer allows everything. */
  via: 'system:masters' | 'rbac';
  subject?: Subject;
  binding?: { kind: Binding['kind']; namespace?: string; name: string };
  role?: { kind: Role['kind']; namespace?: string; name: string };
  ruleIndex?: number;
  rule?: PolicyRule;
}

export interface CanUseResult {
  allowed: boolean;
  chains: GrantChain[];
}

/** appliesToUser: ServiceAccount subjects default to the binding's namespace; in a ClusterRoleBinding one without a namespace matches nobody. */
export function subjectMatches(subject: Subject, identity: Identity, bindingNamespace: string | undefined): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === identity.user;
    case 'Group':
      return identity.groups.includes(subject.name);
    case 'ServiceAccount': {
      const ns = subject.namespace || bindingNamespace;
      return !!ns && serviceAccountUser(ns, subject.name) === identity.user;
    }
    default:
      return false;
  }
}

export interface AccessIndex {
  roles: RoleIndex;
  clusterRoleBindings: Binding[];
  roleBindingsByNamespace: Map<string, Binding[]>;
}

/** Indexes a model once for many questions. */
export function indexAccess(model: Pick<ClusterModel, 'clusterRoles' | 'roles' | 'clusterRoleBindings' | 'roleBindings'>): AccessIndex {
  const byNs = new Map<string, Binding[]>();
  for (const rb of model.roleBindings) {
    const ns = rb.metadata.namespace ?? '';
    byNs.set(ns, [...(byNs.get(ns) ?? []), { ...rb, kind: 'RoleBinding' }]);
  }
  return {
    roles: indexRoles(model),
    clusterRoleBindings: model.clusterRoleBindings.map((b) => ({ ...b, kind: 'ClusterRoleBinding' })),
    roleBindingsByNamespace: byNs,
  };
}

function isIndex(x: unknown): x is AccessIndex {
  return typeof x === 'object' && x !== null && 'roleBindingsByNamespace' in x;
}

function chainsOfBinding(index: AccessIndex, binding: Binding, identity: Identity, pspName: string, firstOnly: boolean): GrantChain[] {
  const bindingNs = binding.kind === 'RoleBinding' ? binding.metadata.namespace : undefined;
  const subject = (binding.subjects ?? []).find((s) => subjectMatches(s, identity, bindingNs));
  if (!subject) return [];
  const key = roleRefKey(binding);
  const role = key ? index.roles.get(key) : undefined;
  if (!role) return [];
  const out: GrantChain[] = [];
  for (const [ruleIndex, rule] of role.rules.entries()) {
    if (!ruleGrantsUse(rule, pspName)) continue;
    out.push({
      via: 'rbac', subject,
      binding: { kind: binding.kind, namespace: bindingNs, name: binding.metadata.name },
      role: { kind: key!.startsWith('ClusterRole/') ? 'ClusterRole' : 'Role', namespace: role.metadata.namespace, name: role.metadata.name },
      ruleIndex, rule,
    });
    if (firstOnly) break;
  }
  return out;
}

export interface CanUseOptions {
  /** Stop at the first allowing chain (what the authorizer does); default false: every chain. */
  firstOnly?: boolean;
}

export function canUse(
  model: Pick<ClusterModel, 'clusterRoles' | 'roles' | 'clusterRoleBindings' | 'roleBindings'> | AccessIndex,
  identity: Identity,
  pspName: string,
  namespace: string,
  opts: CanUseOptions = {},
): CanUseResult {
  const index = isIndex(model) ? model : indexAccess(model);
  if (identity.groups.includes(MASTERS)) return { allowed: true, chains: [{ via: 'system:masters', subject: { kind: 'Group', name: MASTERS } }] };
  const chains: GrantChain[] = [];
  const bindings = [...index.clusterRoleBindings, ...(namespace ? index.roleBindingsByNamespace.get(namespace) ?? [] : [])];
  for (const b of bindings) {
    chains.push(...chainsOfBinding(index, b, identity, pspName, !!opts.firstOnly));
    if (opts.firstOnly && chains.length) break;
  }
  return { allowed: chains.length > 0, chains };
}

/**
 * The names of the PSPs an identity may use in a namespace, from one pass over the bindings (for
 * simulating many pods: each (identity, namespace) is resolved once). `all` means a rule with empty
 * resourceNames, or system:masters.
 */
export function usablePspNames(index: AccessIndex, identity: Identity, namespace: string): { all: boolean; names: Set<string> } {
  if (identity.groups.includes(MASTERS)) return { all: true, names: new Set() };
  const names = new Set<string>();
  let all = false;
  const bindings = [...index.clusterRoleBindings, ...(namespace ? index.roleBindingsByNamespace.get(namespace) ?? [] : [])];
  for (const b of bindings) {
    const bindingNs = b.kind === 'RoleBinding' ? b.metadata.namespace : undefined;
    if (!(b.subjects ?? []).some((s) => subjectMatches(s, identity, bindingNs))) continue;
    const key = roleRefKey(b);
    const role = key ? index.roles.get(key) : undefined;
    for (const rule of role?.rules ?? []) {
      const requested = rule.resourceNames ?? [];
      if (requested.length === 0) {
        if (ruleGrantsUseOfAny(rule)) all = true;
        continue;
      }
      for (const n of requested) if (ruleGrantsUse(rule, n)) names.add(n);
    }
    if (all) break;
  }
  return { all, names };
}

/** A memoised `isAuthorized` for many questions about the same model. */
export function authorizationCache(index: AccessIndex): (identity: Identity, psp: string, namespace: string) => boolean {
  const cache = new Map<string, { all: boolean; names: Set<string> }>();
  return (identity, psp, namespace) => {
    const key = `${identity.user}\u0000${[...identity.groups].sort().join(',')}\u0000${namespace}`;
    let usable = cache.get(key);
    if (!usable) {
      usable = usablePspNames(index, identity, namespace);
      cache.set(key, usable);
    }
    return usable.all || usable.names.has(psp);
  };
}
