import type { GrantChain } from '../access/can-use';
import { objectKey, subjectKey } from '../model/keys';
import type { Binding, ClusterModel, PolicyRule, Subject } from '../model/types';
import { isManagedBinding } from '../plan/bindings';
import { describeSubject, normaliseSubject, sameSubject } from '../plan/subjects';
import { managedName } from '../plan/types';
import { API_PATHS } from '../api-paths';
import type { Evidence, FixRequest } from './types';

/** Evidence and fix requests built from grant chains: the shapes every rule shares. */

export function describeRule(rule: PolicyRule): string {
  const names = rule.resourceNames?.length ? ` [${rule.resourceNames.join(', ')}]` : ' (every name)';
  return `${rule.verbs.join(',')} on ${(rule.resources ?? []).join(',')} in ${(rule.apiGroups ?? []).map((g) => g || 'core').join(',')}${names}`;
}

/**
 * The granting rule in a person's words: which rule of the role (1-based, as people count) and what
 * it lets the subject use — `rule 1 allows use of PSP eks.privileged`, `rule 2 allows use of every
 * PSP (through *)`.
 */
export function ruleInWords(rule: PolicyRule | undefined, index: number | undefined): string {
  const which = index === undefined ? 'a rule' : `rule ${index + 1}`;
  if (!rule) return `${which} allows use of it`;
  const wildcard = [rule.verbs, rule.resources ?? [], rule.apiGroups ?? []].some((list) => list.includes('*'));
  const names = rule.resourceNames?.length ? `PSP${rule.resourceNames.length === 1 ? '' : 's'} ${rule.resourceNames.join(', ')}` : 'every PSP';
  return `${which} allows use of ${names}${wildcard ? ' (through *)' : !rule.resourceNames?.length ? ' (no resourceNames)' : ''}`;
}

function where(ref: { kind: string; namespace?: string; name: string }): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** A grant chain as evidence: subject → binding → role → rule, by object key. */
export function chainEvidence(chain: GrantChain, psp: string): Evidence {
  const pspKey = objectKey('PodSecurityPolicy', undefined, psp);
  if (chain.via === 'system:masters' || !chain.binding || !chain.role || !chain.subject) {
    return { text: `Group system:masters may use every PSP without a binding (${psp})`, subject: objectKey('Group', undefined, 'system:masters'), psp: pspKey };
  }
  const bindingNs = chain.binding.kind === 'RoleBinding' ? chain.binding.namespace : undefined;
  const rule = chain.rule ? `rule ${chain.ruleIndex}: ${describeRule(chain.rule)}` : `rule ${chain.ruleIndex}`;
  return {
    text: `${describeSubject(normaliseSubject({ ...chain.subject, namespace: chain.subject.namespace || bindingNs }))} → ${where(chain.binding)} → ${where(chain.role)} → ${rule} → PodSecurityPolicy ${psp}`,
    subject: subjectKey(chain.subject, bindingNs),
    binding: objectKey(chain.binding.kind, bindingNs, chain.binding.name),
    role: objectKey(chain.role.kind, chain.role.kind === 'Role' ? chain.role.namespace : undefined, chain.role.name),
    ruleIndex: chain.ruleIndex,
    ...(chain.rule ? { rule: describeRule(chain.rule) } : {}),
    ruleInWords: ruleInWords(chain.rule, chain.ruleIndex),
    psp: pspKey,
  };
}

export function findBinding(model: ClusterModel, ref: { kind: string; namespace?: string; name: string }): Binding | undefined {
  if (ref.kind === 'ClusterRoleBinding') return model.clusterRoleBindings.find((b) => b.metadata.name === ref.name);
  return model.roleBindings.find((b) => b.metadata.name === ref.name && b.metadata.namespace === ref.namespace);
}

/** The subject as the mutation routes take it (strict: no apiGroup on ServiceAccounts). */
export function requestSubject(subject: Subject, bindingNamespace: string | undefined): Subject {
  const s = normaliseSubject({ ...subject, namespace: subject.namespace || bindingNamespace });
  return s.kind === 'ServiceAccount' ? { kind: s.kind, name: s.name, namespace: s.namespace } : s;
}

/** A shell word: single-quoted unless plainly safe. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9._\-/:=@]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function kubectlTarget(binding: Binding): string {
  const ns = binding.kind === 'RoleBinding' ? ` -n ${shellQuote(binding.metadata.namespace ?? '')}` : '';
  return `${binding.kind.toLowerCase()} ${shellQuote(binding.metadata.name)}${ns}`;
}

/** `kubectl delete` of the binding. */
export function kubectlDeleteBinding(binding: Binding): string {
  return `kubectl delete ${kubectlTarget(binding)}`;
}

/** A JSON patch removing subject `index`, guarded by a test of its name so a changed list fails instead of losing someone else. */
export function kubectlRemoveSubject(binding: Binding, index: number): string {
  const name = binding.subjects[index].name;
  const patch = JSON.stringify([{ op: 'test', path: `/subjects/${index}/name`, value: name }, { op: 'remove', path: `/subjects/${index}` }]);
  return `kubectl patch ${kubectlTarget(binding)} --type=json -p ${shellQuote(patch)}`;
}

/**
 * The request that takes `subject` out of `binding`: a detach when the binding is the one psp-util
 * (or this dashboard) manages for the PSP, deleting the binding when the subject is its only one,
 * else removing the subject. Foreign bindings need a confirmation the change dialog asks for.
 */
export function removeGrantRequest(binding: Binding, subject: Subject, psp: string): { description: string; request: FixRequest; kubectl?: string } {
  const ns = binding.kind === 'RoleBinding' ? binding.metadata.namespace : undefined;
  const s = requestSubject(subject, ns);
  const label = `${binding.kind} ${ns ? `${ns}/` : ''}${binding.metadata.name}`;
  const index = (binding.subjects ?? []).findIndex((o) => sameSubject(o, s, ns));
  const others = (binding.subjects ?? []).filter((o) => !sameSubject(o, s, ns));
  const kubectl = others.length === 0 ? kubectlDeleteBinding(binding) : index >= 0 ? kubectlRemoveSubject(binding, index) : undefined;
  if (isManagedBinding(binding) && binding.metadata.name === managedName(psp)) {
    return {
      description: `Detach PodSecurityPolicy ${psp} from ${describeSubject(s)}${ns ? ` in namespace ${ns}` : ''} (${label} is managed by psp-util).`,
      request: { method: 'POST', path: API_PATHS.detach, body: { psp, subject: s, ...(ns ? { namespace: ns } : {}) } },
      // psp-util leaves an emptied binding in place; so does the equivalent patch.
      ...(index >= 0 ? { kubectl: kubectlRemoveSubject(binding, index) } : {}),
    };
  }
  if (others.length === 0) {
    return { description: `Delete ${label}: ${describeSubject(s)} is its only subject.`, request: { method: 'DELETE', path: API_PATHS.binding(binding.kind, binding.metadata.name, ns) }, kubectl };
  }
  return {
    description: `Remove ${describeSubject(s)} from ${label} (its other ${others.length} subject${others.length === 1 ? '' : 's'} keep the grant).`,
    request: { method: 'DELETE', path: API_PATHS.bindingSubjects(binding.kind, binding.metadata.name, ns), body: { subject: s } },
    kubectl,
  };
}

/** Deleting a binding (for dangling references). */
export function deleteBindingRequest(binding: Binding): FixRequest {
  const ns = binding.kind === 'RoleBinding' ? binding.metadata.namespace : undefined;
  return { method: 'DELETE', path: API_PATHS.binding(binding.kind, binding.metadata.name, ns) };
}
