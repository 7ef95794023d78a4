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
  /**
   * Bindings by the name a subject matches: `u:<user>` for User subjects and ServiceAccount
   * subjects (as `system:serviceaccount:ns:name`), `g:<group>` for Group subjects; built lazily.
   */
  bySubject?: { cluster: Map<string, Binding[]>; namespaced: Map<string, Map<string, Binding[]>> };
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
function subjectKeyForMatching(s: Subject, bindingNs: string | undefined): string | undefined {
  if (s.kind === 'User') return `u:${s.name}`;
  if (s.kind === 'Group') return `g:${s.name}`;
  if (s.kind === 'ServiceAccount') {
    const ns = s.namespace || bindingNs;
    return ns ? `u:${serviceAccountUser(ns, s.name)}` : undefined;
  }
  return undefined;
}

function bySubject(index: AccessIndex): NonNullable<AccessIndex['bySubject']> {
  if (index.bySubject) return index.bySubject;
  const add = (map: Map<string, Binding[]>, key: string | undefined, b: Binding) => {
    if (!key) return;
    const list = map.get(key) ?? [];
    if (list[list.length - 1] !== b) list.push(b);
    map.set(key, list);
  };
  const cluster = new Map<string, Binding[]>();
  for (const b of index.clusterRoleBindings) for (const s of b.subjects ?? []) add(cluster, subjectKeyForMatching(s, undefined), b);
  const namespaced = new Map<string, Map<string, Binding[]>>();
  for (const [ns, list] of index.roleBindingsByNamespace) {
    const map = new Map<string, Binding[]>();
    for (const b of list) for (const s of b.subjects ?? []) add(map, subjectKeyForMatching(s, ns), b);
    namespaced.set(ns, map);
  }
  index.bySubject = { cluster, namespaced };
  return index.bySubject;
}

export function usablePspNames(index: AccessIndex, identity: Identity, namespace: string): { all: boolean; names: Set<string> } {
  if (identity.groups.includes(MASTERS)) return { all: true, names: new Set() };
  const names = new Set<string>();
  let all = false;
  const { cluster, namespaced } = bySubject(index);
  const keys = [`u:${identity.user}`, ...identity.groups.map((g) => `g:${g}`)];
  const nsMap = namespace ? namespaced.get(namespace) : undefined;
  const bindings = new Set(keys.flatMap((k) => [...(cluster.get(k) ?? []), ...(nsMap?.get(k) ?? [])]));
  for (const b of bindings) {
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
  const byIdentity = new Map<string, Map<string, { all: boolean; names: Set<string> }>>();
  const keyOf = new WeakMap<Identity, string>();
  return (identity, psp, namespace) => {
    let key = keyOf.get(identity);
    if (key === undefined) {
      key = `${identity.user}\u0000${[...identity.groups].sort().join(',')}`;
      keyOf.set(identity, key);
    }
    let perNs = byIdentity.get(key);
    if (!perNs) byIdentity.set(key, (perNs = new Map()));
    let usable = perNs.get(namespace);
    if (!usable) perNs.set(namespace, (usable = usablePspNames(index, identity, namespace)));
    return usable.all || usable.names.has(psp);
  };
}
