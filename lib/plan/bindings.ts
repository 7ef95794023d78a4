import { AppError } from '../errors';
import type { Binding, BindingKind, ClusterModel, Subject } from '../model/types';
import { indexRoles, roleRefKey, ruleGrantsUseOfAny } from '../rbac/grants';
import { describeSubject, sameSubject } from './subjects';
import { PSP_UTIL_ANNOTATION, RBAC_API, type Plan } from './types';

export interface BindingRef {
  kind: BindingKind;
  name: string;
  namespace?: string;
}

function findBinding(model: ClusterModel, ref: BindingRef): Binding {
  const list = ref.kind === 'ClusterRoleBinding' ? model.clusterRoleBindings : model.roleBindings;
  const b = list.find((x) => x.metadata.name === ref.name && (ref.kind === 'ClusterRoleBinding' || x.metadata.namespace === ref.namespace));
  if (!b) throw new AppError('not_found', `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name} does not exist`);
  return b;
}

export function isManagedBinding(b: Binding): boolean {
  return b.metadata.name.startsWith('psp-util.') && !!b.metadata.annotations?.[PSP_UTIL_ANNOTATION];
}

/** What else a binding's role gives, besides PSP use: said before a foreign binding is changed. */
export function roleGrantsMoreThanPspUse(model: ClusterModel, b: Binding): string | null {
  const key = roleRefKey(b);
  const role = key ? indexRoles(model).get(key) : undefined;
  if (!role) return null;
  const other = role.rules.filter((r) => !ruleGrantsUseOfAny(r) || r.verbs.some((v) => v !== 'use') || (r.resources ?? []).some((x) => x !== 'podsecuritypolicies'));
  if (other.length === 0) return null;
  return `${role.kind} ${role.metadata.name} grants more than PodSecurityPolicy use (${other.length} other rule${other.length > 1 ? 's' : ''}, e.g. ${describeRule(other[0])}): the subjects lose that too.`;
}

function describeRule(r: { verbs: string[]; resources?: string[]; apiGroups?: string[]; nonResourceURLs?: string[] }): string {
  if (r.nonResourceURLs?.length) return `${r.verbs.join(',')} on ${r.nonResourceURLs.join(',')}`;
  return `${r.verbs.join(',')} on ${(r.resources ?? []).join(',')}${r.apiGroups?.length ? ` in ${r.apiGroups.map((g) => g || 'core').join(',')}` : ''}`;
}

function requireConfirmation(model: ClusterModel, b: Binding, what: string, confirm: boolean | undefined) {
  if (isManagedBinding(b) || confirm) return;
  const more = roleGrantsMoreThanPspUse(model, b);
  throw new AppError('conflict', `${b.kind} ${b.metadata.name} is not managed by psp-util or this dashboard. To ${what} anyway, confirm it ("confirm": true).${more ? ` ${more}` : ''}`, { field: 'confirm', grantsMore: !!more });
}

export function planRemoveSubject(model: ClusterModel, ref: BindingRef, subject: Subject, confirm?: boolean): Plan {
  const b = findBinding(model, ref);
  const ns = ref.kind === 'RoleBinding' ? ref.namespace : undefined;
  const summary = `remove ${describeSubject(subject)} from ${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
  const remaining = b.subjects.filter((s) => !sameSubject(s, subject, ns));
  if (remaining.length === b.subjects.length) return { summary, operations: [], warnings: [], noop: `${describeSubject(subject)} is not a subject of ${ref.kind} ${ref.name}; nothing to do.` };
  requireConfirmation(model, b, `remove a subject from it`, confirm);
  const more = roleGrantsMoreThanPspUse(model, b);
  const after = JSON.parse(JSON.stringify(b)) as Binding;
  after.subjects = remaining;
  return { summary, operations: [{ action: 'update', kind: ref.kind, apiVersion: RBAC_API, name: ref.name, namespace: ns, before: b, object: after }], warnings: more ? [more] : [] };
}

export function planDeleteBinding(model: ClusterModel, ref: BindingRef, confirm?: boolean): Plan {
  const b = findBinding(model, ref);
  requireConfirmation(model, b, 'delete it', confirm);
  const more = roleGrantsMoreThanPspUse(model, b);
  return {
    summary: `delete ${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`,
    operations: [{ action: 'delete', kind: ref.kind, apiVersion: RBAC_API, name: ref.name, namespace: ref.kind === 'RoleBinding' ? ref.namespace : undefined, before: b }],
    warnings: more ? [more] : [],
  };
}
