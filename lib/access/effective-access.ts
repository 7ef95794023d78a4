import type { Binding, ClusterModel, Role, Subject } from '../model/types';
import { compareNames, roleRefKey, ruleGrantsUse, ruleGrantsUseOfAny } from '../rbac/grants';
import { canUse, indexAccess, type AccessIndex, type GrantChain } from './can-use';
import { AUTHENTICATED, MASTERS, podServiceAccountIdentity, userIdentity, type Identity } from './identity';

/**
 * Effective access in both directions: who may use a PSP and where, and what a subject may use and
 * where. A grant by ClusterRoleBinding holds in every namespace; one by RoleBinding only for pods in
 * the binding's namespace (the plugin asks with the pod's namespace).
 */

/** Whom a group name stands for, as the authenticators fill groups in. */
export function groupCoverage(name: string): string | undefined {
  if (name === AUTHENTICATED) return 'every authenticated user, every service account token and every controller (so every pod-creating controller), but not the pod service-account identity the PSP plugin builds';
  if (name === 'system:unauthenticated') return 'anonymous requests';
  if (name === 'system:serviceaccounts') return 'every service account in every namespace (so every pod with a service account)';
  if (name.startsWith('system:serviceaccounts:')) return `every service account in namespace ${name.slice('system:serviceaccounts:'.length)}`;
  if (name === MASTERS) return 'cluster administrators; they may use every PSP without any binding';
  if (name === 'system:nodes') return 'kubelets (mirror pods)';
  return undefined;
}

export interface AccessGrant {
  subject: Subject;
  /** undefined: every namespace (ClusterRoleBinding); else only pods in this namespace. */
  namespace?: string;
  chain: GrantChain;
  /** For special groups: whom they cover. */
  covers?: string;
}

/** The bindings (ClusterRoleBindings, then RoleBindings by namespace) whose role grants use of some PSP, with the role; kept with the index. */
const useGranting = new WeakMap<AccessIndex, { b: Binding; key: string; role: Role }[]>();

function useGrantingBindings(index: AccessIndex): { b: Binding; key: string; role: Role }[] {
  let found = useGranting.get(index);
  if (!found) {
    found = [];
    for (const b of [...index.clusterRoleBindings, ...[...index.roleBindingsByNamespace.values()].flat()]) {
      const key = roleRefKey(b);
      const role = key ? index.roles.get(key) : undefined;
      if (role && role.rules.some(ruleGrantsUseOfAny)) found.push({ b, key: key!, role });
    }
    useGranting.set(index, found);
  }
  return found;
}

/**
 * Every (subject, scope) that may use `pspName`, with the chain that grants it. system:masters is
 * listed first. Pass an index of the model to ask about many PSPs.
 */
export function whoCanUse(model: Pick<ClusterModel, 'clusterRoles' | 'roles' | 'clusterRoleBindings' | 'roleBindings'>, pspName: string, index: AccessIndex = indexAccess(model)): AccessGrant[] {
  const out: AccessGrant[] = [{ subject: { kind: 'Group', name: MASTERS }, chain: { via: 'system:masters', subject: { kind: 'Group', name: MASTERS } }, covers: groupCoverage(MASTERS) }];
  for (const { b, key, role } of useGrantingBindings(index)) {
    const ruleIndex = role.rules.findIndex((r) => ruleGrantsUse(r, pspName));
    if (ruleIndex < 0) continue;
    const bindingNs = b.kind === 'RoleBinding' ? b.metadata.namespace : undefined;
    for (const s of b.subjects ?? []) {
      // In a ClusterRoleBinding a ServiceAccount subject without a namespace matches nobody.
      if (s.kind === 'ServiceAccount' && !s.namespace && !bindingNs) continue;
      const subject = s.kind === 'ServiceAccount' ? { ...s, namespace: s.namespace || bindingNs } : s;
      out.push({
        subject,
        namespace: bindingNs,
        chain: {
          via: 'rbac', subject,
          binding: { kind: b.kind, namespace: bindingNs, name: b.metadata.name },
          role: { kind: key!.startsWith('ClusterRole/') ? 'ClusterRole' : 'Role', namespace: role.metadata.namespace, name: role.metadata.name },
          ruleIndex, rule: role.rules[ruleIndex],
        },
        covers: s.kind === 'Group' ? groupCoverage(s.name) : undefined,
      });
    }
  }
  return out;
}

export interface UsablePsp {
  psp: string;
  /** Chains that hold in every namespace (ClusterRoleBindings, or system:masters). */
  clusterWide: GrantChain[];
  /** Namespaces where RoleBindings grant it, with their chains. */
  namespaces: { namespace: string; chains: GrantChain[] }[];
}

/** What an identity may use, and where. */
export function usableBy(model: Pick<ClusterModel, 'psps' | 'clusterRoles' | 'roles' | 'clusterRoleBindings' | 'roleBindings'>, identity: Identity): UsablePsp[] {
  const index: AccessIndex = indexAccess(model);
  const names = model.psps.map((p) => p.metadata.name).sort(compareNames);
  const namespaces = [...index.roleBindingsByNamespace.keys()].sort(compareNames);
  const clusterOnly: AccessIndex = { ...index, roleBindingsByNamespace: new Map() };
  const out: UsablePsp[] = [];
  for (const psp of names) {
    const clusterWide = canUse(clusterOnly, identity, psp, '').chains;
    const perNs = namespaces.flatMap((ns) => {
      const onlyNs: AccessIndex = { ...index, clusterRoleBindings: [], roleBindingsByNamespace: new Map([[ns, index.roleBindingsByNamespace.get(ns)!]]) };
      const chains = identity.groups.includes(MASTERS) ? [] : canUse(onlyNs, identity, psp, ns).chains;
      return chains.length ? [{ namespace: ns, chains }] : [];
    });
    if (clusterWide.length || perNs.length) out.push({ psp, clusterWide, namespaces: perNs });
  }
  return out;
}

/**
 * The identity a subject stands for. A ServiceAccount is taken as the pod identity the PSP plugin
 * builds (no system:authenticated); pass `asRequester` for the account acting with its token. A
 * Group is any member with no other group; a User is authenticated, with no other known group.
 */
export function identityOfSubject(subject: Subject, opts: { asRequester?: boolean } = {}): Identity {
  if (subject.kind === 'ServiceAccount') {
    const id = podServiceAccountIdentity(subject.namespace ?? '', subject.name);
    return opts.asRequester ? { ...id, groups: [...id.groups, AUTHENTICATED] } : id;
  }
  if (subject.kind === 'Group') return { user: '', groups: [subject.name] };
  return userIdentity(subject.name);
}
