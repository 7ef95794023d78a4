import type { Binding, ClusterModel, PolicyRule, Psp, PspSpec, Role, ServiceAccount, Subject } from '../model/types';

/** Plain-object builders for unit tests: nothing here talks to a server. */

export function aPsp(name: string, spec: PspSpec = {}): Psp {
  return { apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: { name }, spec };
}

export function useRule(...pspNames: string[]): PolicyRule {
  return { apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['use'], resourceNames: pspNames };
}

export function aClusterRole(name: string, rules: PolicyRule[], extra: Partial<Role> = {}): Role {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, ...extra.metadata }, rules, ...withoutMeta(extra) };
}

export function aRole(namespace: string, name: string, rules: PolicyRule[]): Role {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace }, rules };
}

export function group(name: string): Subject {
  return { kind: 'Group', name, apiGroup: 'rbac.authorization.k8s.io' };
}
export function user(name: string): Subject {
  return { kind: 'User', name, apiGroup: 'rbac.authorization.k8s.io' };
}
export function sa(namespace: string | undefined, name: string): Subject {
  return namespace ? { kind: 'ServiceAccount', name, namespace } : { kind: 'ServiceAccount', name };
}

export function aClusterRoleBinding(name: string, clusterRole: string, subjects: Subject[]): Binding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole }, subjects,
  };
}

export function aRoleBinding(namespace: string, name: string, roleRef: { kind: 'Role' | 'ClusterRole'; name: string }, subjects: Subject[]): Binding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name, namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef }, subjects,
  };
}

export function aServiceAccount(namespace: string, name: string): ServiceAccount {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } };
}

export function aModel(parts: Partial<Omit<ClusterModel, 'source'>> = {}): ClusterModel {
  return {
    source: { kind: 'snapshot', name: 'test', pspApiServed: true, state: 'static', readOnly: true },
    psps: [], clusterRoles: [], roles: [], clusterRoleBindings: [], roleBindings: [],
    serviceAccounts: [], namespaces: [], workloads: [], warnings: [],
    ...parts,
  };
}

function withoutMeta<T extends { metadata?: unknown }>(o: T): Omit<T, 'metadata'> {
  const { metadata: _m, ...rest } = o;
  return rest;
}
