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
  // Built here for one question: scan. Given an index (many questions): only the bindings that name the identity, in the same order.
  const bindings = isIndex(model) ? bindingsNaming(index, identity, namespace) : [...index.clusterRoleBindings, ...(namespace ? index.roleBindingsByNamespace.get(namespace) ?? [] : [])];
  for (const b of bindings) {
    chains.push(...chainsOfBinding(index, b, identity, pspName, !!opts.firstOnly));
    if (opts.firstOnly && chains.length) break;
  }
  return { allowed: chains.length > 0, chains };
}

/**
 * The key a subject matches identities by: `u:<user>` for User subjects and ServiceAccount subjects
 * (as `system:serviceaccount:ns:name`), `g:<group>` for Group subjects; none for a subject that
 * matches nobody (what subjectMatches answers, as a lookup).
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

const keysOfIdentity = new WeakMap<Identity, string[]>();

/** The keys an identity matches subjects by; kept per identity object (a bulk reader asks about one identity in thousands of namespaces). */
function identityKeys(identity: Identity): string[] {
  let keys = keysOfIdentity.get(identity);
  if (!keys) keysOfIdentity.set(identity, (keys = [`u:${identity.user}`, ...identity.groups.map((g) => `g:${g}`)]));
  return keys;
}

export type Usable = { all: boolean; names: ReadonlySet<string> };
const NOTHING: Usable = { all: false, names: new Set() };

/**
 * Bindings by the key their subjects match (positions in the index's lists, ascending), and what
 * the bindings of one key grant, kept with the index: a question about one identity reads the few
 * bindings naming it, and the PSPs granted to a group (system:serviceaccounts, one namespace's
 * accounts) are resolved once for every member.
 */
interface SubjectIndex {
  cluster: Map<string, number[]>;
  namespaced: Map<string, Map<string, number[]>>;
  clusterUsable: Map<string, Usable>;
  namespacedUsable: Map<string, Map<string, Usable>>;
}

const subjectIndexes = new WeakMap<AccessIndex, SubjectIndex>();

function subjectIndex(index: AccessIndex): SubjectIndex {
  let found = subjectIndexes.get(index);
  if (found) return found;
  const byKey = (bindings: Binding[], ns: string | undefined) => {
    const map = new Map<string, number[]>();
    bindings.forEach((b, i) => {
      for (const s of b.subjects ?? []) {
        const key = subjectKeyForMatching(s, ns);
        if (!key) continue;
        let list = map.get(key);
        if (!list) map.set(key, (list = []));
        if (list[list.length - 1] !== i) list.push(i);
      }
    });
    return map;
  };
  found = {
    cluster: byKey(index.clusterRoleBindings, undefined),
    namespaced: new Map([...index.roleBindingsByNamespace].map(([ns, list]) => [ns, byKey(list, ns)])),
    clusterUsable: new Map(),
    namespacedUsable: new Map(),
  };
  subjectIndexes.set(index, found);
  return found;
}

/** The positions of `keys` in `map`, merged: ascending, each once. */
function positionsOf(map: Map<string, number[]> | undefined, keys: string[]): number[] {
  let out: number[] | undefined;
  let merged = false;
  for (const k of keys) {
    const list = map?.get(k);
    if (!list?.length) continue;
    if (!out) out = list;
    else {
      out = [...out, ...list];
      merged = true;
    }
  }
  if (!out) return [];
  if (!merged) return out;
  out.sort((a, b) => a - b);
  return out.filter((p, i) => i === 0 || out![i - 1] !== p);
}

/** The bindings with a subject matching the identity, in the order the authorizer walks them (ClusterRoleBindings, then the namespace's RoleBindings). */
function bindingsNaming(index: AccessIndex, identity: Identity, namespace: string): Binding[] {
  const { cluster, namespaced } = subjectIndex(index);
  const keys = identityKeys(identity);
  const out = positionsOf(cluster, keys).map((i) => index.clusterRoleBindings[i]);
  if (namespace) {
    const list = index.roleBindingsByNamespace.get(namespace);
    if (list) for (const i of positionsOf(namespaced.get(namespace), keys)) out.push(list[i]);
  }
  return out;
}

/** What the roles of these bindings let their subjects use. */
function usableThrough(index: AccessIndex, bindings: Iterable<Binding>): Usable {
  const names = new Set<string>();
  for (const b of bindings) {
    const key = roleRefKey(b);
    const role = key ? index.roles.get(key) : undefined;
    for (const rule of role?.rules ?? []) {
      const requested = rule.resourceNames ?? [];
      if (requested.length === 0) {
        if (ruleGrantsUseOfAny(rule)) return { all: true, names: new Set() };
        continue;
      }
      for (const n of requested) if (ruleGrantsUse(rule, n)) names.add(n);
    }
  }
  return names.size ? { all: false, names } : NOTHING;
}

function usableOfKey(index: AccessIndex, perKey: Map<string, Usable>, positions: Map<string, number[]> | undefined, bindings: Binding[] | undefined, key: string): Usable {
  const list = positions?.get(key);
  if (!list || !bindings) return NOTHING;
  let usable = perKey.get(key);
  if (!usable) perKey.set(key, (usable = usableThrough(index, list.map((i) => bindings[i]))));
  return usable;
}

/**
 * The names of the PSPs an identity may use in a namespace (for simulating many pods: each
 * (identity, namespace) is resolved once). `all` means a rule with empty resourceNames, or
 * system:masters. `except`: bindings taken as absent (a fix that removes a grant). The answer is
 * shared: read it, do not change it.
 */
export function usablePspNames(index: AccessIndex, identity: Identity, namespace: string, except?: (b: Binding) => boolean): Usable {
  if (identity.groups.includes(MASTERS)) return { all: true, names: new Set() };
  if (except) return usableThrough(index, bindingsNaming(index, identity, namespace).filter((b) => !except(b)));
  const sub = subjectIndex(index);
  let nsUsable = namespace ? sub.namespacedUsable.get(namespace) : undefined;
  if (namespace && !nsUsable) sub.namespacedUsable.set(namespace, (nsUsable = new Map()));
  const nsPositions = nsUsable && sub.namespaced.get(namespace);
  const nsBindings = nsPositions && index.roleBindingsByNamespace.get(namespace);
  const parts: Usable[] = [];
  const add = (u: Usable) => {
    if (u.names.size) parts.push(u);
    return u.all;
  };
  for (const key of identityKeys(identity)) {
    const c = usableOfKey(index, sub.clusterUsable, sub.cluster, index.clusterRoleBindings, key);
    if (add(c)) return c;
    if (!nsPositions) continue;
    const n = usableOfKey(index, nsUsable!, nsPositions, nsBindings, key);
    if (add(n)) return n;
  }
  if (parts.length <= 1) return parts[0] ?? NOTHING;
  const names = new Set<string>();
  for (const u of parts) for (const n of u.names) names.add(n);
  return { all: false, names };
}

/**
 * "May this identity use this PSP for a pod in this namespace?", and optionally the whole answer
 * for an identity and namespace at once (`usable`), for a reader that asks about every PSP.
 */
export type Authorizer = ((identity: Identity, psp: string, namespace: string) => boolean) & { usable?: (identity: Identity, namespace: string) => Usable };

/** A memoised `isAuthorized` for many questions about the same model. */
export function authorizationCache(index: AccessIndex): Authorizer {
  const byIdentity = new Map<string, Map<string, Usable>>();
  const keyOf = new WeakMap<Identity, string>();
  const usable = (identity: Identity, namespace: string): Usable => {
    let key = keyOf.get(identity);
    if (key === undefined) {
      key = `${identity.user}\u0000${[...identity.groups].sort().join(',')}`;
      keyOf.set(identity, key);
    }
    let perNs = byIdentity.get(key);
    if (!perNs) byIdentity.set(key, (perNs = new Map()));
    let found = perNs.get(namespace);
    if (!found) perNs.set(namespace, (found = usablePspNames(index, identity, namespace)));
    return found;
  };
  const isAuthorized: Authorizer = (identity, psp, namespace) => {
    const u = usable(identity, namespace);
    return u.all || u.names.has(psp);
  };
  isAuthorized.usable = usable;
  return isAuthorized;
}
