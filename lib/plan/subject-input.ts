import type { z } from 'zod';
import type { Subject } from '../model/types';
import type { subjectSchema } from '../schemas/mutations';

/**
 * Subjects as a person types them in the attach form: one name a line (names of users and groups may
 * hold commas and spaces, so only line breaks separate them). A User typed as
 * `system:serviceaccount:<ns>:<name>` is that ServiceAccount: the authorizer treats both the same,
 * and a ServiceAccount subject is what `kubectl create rolebinding --serviceaccount` writes.
 */
export type SubjectInputKind = 'Group' | 'User' | 'ServiceAccount';
/** A subject as the attach and detach routes take it. */
export type SubjectBody = z.input<typeof subjectSchema>;

const SA_USER = /^system:serviceaccount:([^:]+):([^:]+)$/;

export function subjectsFromInput(kind: SubjectInputKind, text: string, serviceAccountNamespace: string): SubjectBody[] {
  const subjects: SubjectBody[] = [];
  for (const line of text.split(/\r?\n/)) {
    const name = line.trim();
    if (!name) continue;
    const sa = kind === 'User' ? SA_USER.exec(name) : null;
    const subject: SubjectBody = sa
      ? { kind: 'ServiceAccount', name: sa[2], namespace: sa[1] }
      : kind === 'ServiceAccount'
        ? { kind: 'ServiceAccount', name, namespace: serviceAccountNamespace }
        : { kind, name };
    if (!subjects.some((s) => s.kind === subject.kind && s.name === subject.name && ('namespace' in s ? s.namespace : '') === ('namespace' in subject ? subject.namespace : ''))) subjects.push(subject);
  }
  return subjects;
}

/** `Group a`, `2 Users`, … for titles. */
export function describeSubjects(subjects: Subject[]): string {
  if (subjects.length === 1) {
    const s = subjects[0];
    return s.kind === 'ServiceAccount' ? `ServiceAccount ${s.namespace}/${s.name}` : `${s.kind} ${s.name}`;
  }
  return `${subjects.length} subjects`;
}

/**
 * The group whose members the API server authorizes for everything, PSP `use` included, whatever the
 * RBAC: attaching a PSP to them changes nothing.
 */
export const SUPERUSER_GROUP = 'system:masters';

/** The group of every service account of a namespace, as the API server names it. */
export function serviceAccountsGroup(namespace: string): string {
  return `system:serviceaccounts:${namespace}`;
}

/**
 * A binding's subject as the routes take it: a ServiceAccount subject without a namespace is, in a
 * RoleBinding, the binding's namespace's (as the authorizer reads it).
 */
export function subjectBody(s: { kind: string; name: string; namespace?: string }, bindingNamespace?: string): SubjectBody {
  if (s.kind === 'ServiceAccount') return { kind: 'ServiceAccount', name: s.name, namespace: s.namespace || bindingNamespace || '' };
  return { kind: s.kind === 'User' ? 'User' : 'Group', name: s.name };
}
