import type { Subject } from '../model/types';
import { RBAC_GROUP } from './types';

/**
 * The subject as the API server stores it: User and Group get `apiGroup: rbac.authorization.k8s.io`
 * (the server defaults it), ServiceAccount gets none. psp-util compared whole structs, so a subject
 * written without apiGroup was never found again on detach.
 */
export function normaliseSubject(s: Subject): Subject {
  if (s.kind === 'ServiceAccount') return { kind: 'ServiceAccount', name: s.name, namespace: s.namespace };
  return { kind: s.kind, apiGroup: s.apiGroup || RBAC_GROUP, name: s.name };
}

/** Same subject: kind, name and namespace (the namespace of a RoleBinding's SA subject defaults to the binding's). */
export function sameSubject(a: Subject, b: Subject, bindingNamespace?: string): boolean {
  if (a.kind !== b.kind || a.name !== b.name) return false;
  if (a.kind !== 'ServiceAccount') return (a.apiGroup || RBAC_GROUP) === (b.apiGroup || RBAC_GROUP);
  return (a.namespace || bindingNamespace || '') === (b.namespace || bindingNamespace || '');
}

export function describeSubject(s: Subject): string {
  return s.kind === 'ServiceAccount' ? `ServiceAccount ${s.namespace}/${s.name}` : `${s.kind} ${s.name}`;
}
