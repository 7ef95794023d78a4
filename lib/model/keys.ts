import type { KubeObject, Subject } from './types';

/**
 * Every object is keyed `Kind/namespace/name` (namespace empty for cluster-scoped objects and for
 * User/Group subjects). Never by name alone: same-named Roles in two namespaces are different roles.
 */
export function objectKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

export function keyOf(obj: KubeObject & { kind?: string }): string {
  return objectKey(obj.kind ?? '', obj.metadata.namespace, obj.metadata.name);
}

export function parseKey(key: string): { kind: string; namespace?: string; name: string } | null {
  const first = key.indexOf('/');
  const second = first < 0 ? -1 : key.indexOf('/', first + 1);
  if (first <= 0 || second < 0) return null;
  const name = key.slice(second + 1);
  if (!name) return null;
  const namespace = key.slice(first + 1, second);
  return { kind: key.slice(0, first), namespace: namespace || undefined, name };
}

/**
 * The namespace a ServiceAccount subject refers to: its own, or, in a RoleBinding, the binding's.
 * In a ClusterRoleBinding a ServiceAccount subject without a namespace refers to nothing.
 */
export function subjectNamespace(subject: Subject, bindingNamespace: string | undefined): string | undefined {
  if (subject.kind !== 'ServiceAccount') return undefined;
  return subject.namespace || bindingNamespace || undefined;
}

export function subjectKey(subject: Subject, bindingNamespace?: string): string {
  return objectKey(subject.kind, subjectNamespace(subject, bindingNamespace), subject.name);
}

/** `system:serviceaccount:<ns>:<name>`, the user name the authorizer compares SA subjects against. */
export function serviceAccountUser(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** A pod's requester in few words: kube-system's controllers by their own name (`replicaset-controller`), anyone else in full. */
export function requesterLabel(user: string): string {
  const controller = serviceAccountUser('kube-system', '');
  return user.startsWith(controller) ? user.slice(controller.length) : user;
}
