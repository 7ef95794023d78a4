import { MASTERS } from '../../access/identity';
import { objectKey, parseKey } from '../../model/keys';
import type { ClusterModel, ModelWarning, Subject } from '../../model/types';
import { broadSubjectReason } from '../../plan/guardrail';
import { describeSubject } from '../../plan/subjects';
import { PSP_UTIL_ANNOTATION } from '../../plan/types';
import { isExplicitGrant, ruleGrantsUseOfAny } from '../../rbac/grants';
import type { PspRelations } from '../../rbac/relations';
import { deleteBindingRequest, describeRule, findBinding, kubectlDeleteBinding, removeGrantRequest } from '../evidence';
import type { Evidence, Finding, Fix, Severity } from '../types';

/** Findings about the grants themselves: dangling references, wildcard grants, unused PSPs, a cluster without PSP. */

const DANGLING: Partial<Record<ModelWarning['code'], { severity: Severity; why: string }>> = {
  'missing-psp': { severity: 'medium', why: 'Whoever creates a PSP of that name has it granted at once.' },
  'missing-service-account': { severity: 'medium', why: 'Whoever can create that service account inherits the grant.' },
  'dangling-role-ref': { severity: 'medium', why: 'The binding grants nothing now, but whoever creates a role of that name activates it: its subjects get whatever that role grants, without anyone granting it to them.' },
  'sa-subject-without-namespace': { severity: 'low', why: 'A ServiceAccount subject of a ClusterRoleBinding needs a namespace; this one matches nobody.' },
};

function danglingFix(model: ClusterModel, w: ModelWarning): Fix | undefined {
  const bindingKey = w.objects?.find((k) => k.startsWith('ClusterRoleBinding/') || k.startsWith('RoleBinding/'));
  const ref = bindingKey ? parseKey(bindingKey) : null;
  const binding = ref ? findBinding(model, ref) : undefined;
  if (!binding) return undefined;
  if (w.code === 'dangling-role-ref') {
    return { description: `Delete ${binding.kind} ${ref!.namespace ? `${ref!.namespace}/` : ''}${binding.metadata.name}: its role does not exist.`, request: deleteBindingRequest(binding), kubectl: kubectlDeleteBinding(binding) };
  }
  if (w.code === 'missing-service-account') {
    const sa = parseKey(w.objects!.find((k) => k.startsWith('ServiceAccount/')) ?? '');
    if (!sa) return undefined;
    const subject: Subject = { kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace };
    return removeGrantRequest(binding, subject, binding.metadata.annotations?.[PSP_UTIL_ANNOTATION] ?? '');
  }
  return undefined;
}

/**
 * A binding to a missing `psp-util.<psp>` ClusterRole is the dangerous kind: the next attach of that
 * PSP (here or with kubectl psp-util) re-creates the role, and the binding's subjects get the PSP back.
 */
function danglingKind(model: ClusterModel, w: ModelWarning): { severity: Severity; why: string } | undefined {
  const kind = DANGLING[w.code];
  if (w.code !== 'dangling-role-ref' || !kind) return kind;
  const bindingKey = w.objects?.find((k) => k.startsWith('ClusterRoleBinding/') || k.startsWith('RoleBinding/'));
  const ref = bindingKey ? parseKey(bindingKey) : null;
  const binding = ref ? findBinding(model, ref) : undefined;
  if (binding?.roleRef.kind !== 'ClusterRole' || !binding.roleRef.name.startsWith('psp-util.')) return kind;
  const psp = binding.roleRef.name.slice('psp-util.'.length);
  return {
    severity: 'high',
    why: `The next attach of PodSecurityPolicy ${psp} (by this dashboard or kubectl psp-util) re-creates ClusterRole ${binding.roleRef.name}, and then ${binding.subjects.map(describeSubject).join(', ') || 'this binding\'s subjects'} get ${psp} back without anyone granting it. Delete the binding, or clean ${psp}.`,
  };
}

export function danglingFindings(model: ClusterModel, warnings: ModelWarning[]): Finding[] {
  return warnings.flatMap((w) => {
    const kind = danglingKind(model, w);
    if (!kind) return [];
    return [{
      id: `dangling-reference:${w.code}:${(w.objects ?? []).join(',')}`,
      rule: 'dangling-reference' as const,
      severity: kind.severity,
      title: w.message,
      detail: kind.why,
      evidence: [{ text: w.message, objects: w.objects ?? [] }],
      fix: danglingFix(model, w),
    }];
  });
}

function isMasters(s: Subject): boolean {
  return s.kind === 'Group' && s.name === MASTERS;
}

export function wildcardGrantFindings(rel: PspRelations, maxEvidence: number): Finding[] {
  const out: Finding[] = [];
  for (const role of rel.roles) {
    const rules = role.role.rules
      .map((rule, index) => ({ rule, index }))
      .filter(({ rule }) => ruleGrantsUseOfAny(rule) && !(rule.resourceNames?.length && rule.resourceNames.every((n) => isExplicitGrant(rule, n))));
    if (rules.length === 0) continue;
    const bindings = rel.bindingsByRole.get(role.key) ?? [];
    const subjects = bindings.flatMap((b) => b.subjects.map((s) => ({ b, s })));
    const onlyMasters = subjects.length > 0 && subjects.every(({ s }) => isMasters(s.subject));
    const broad = subjects.some(({ b, s }) => broadSubjectReason(s.subject, b.scopeNamespace));
    const severity: Severity = subjects.length === 0 ? 'low' : onlyMasters ? 'info' : broad ? 'high' : 'medium';
    const what = rules.some(({ rule }) => !rule.resourceNames?.length) ? 'every PodSecurityPolicy, present and future' : `PodSecurityPolicies ${[...new Set(rules.flatMap(({ rule }) => rule.resourceNames ?? []))].join(', ')} through a wildcard`;
    const roleLabel = `${role.role.kind} ${role.role.metadata.namespace ? `${role.role.metadata.namespace}/` : ''}${role.role.metadata.name}`;
    const evidence: Evidence[] = subjects.slice(0, maxEvidence).map(({ b, s }) => ({
      text: `${describeSubject({ ...s.subject, namespace: s.subject.namespace || b.scopeNamespace })} → ${b.binding.kind} ${b.scopeNamespace ? `${b.scopeNamespace}/` : ''}${b.binding.metadata.name} → ${roleLabel} → rule ${rules[0].index}: ${describeRule(rules[0].rule)}`,
      subject: s.key, binding: b.key, role: role.key, ruleIndex: rules[0].index, rule: describeRule(rules[0].rule),
    }));
    if (evidence.length === 0) evidence.push({ text: `${roleLabel} → rule ${rules[0].index}: ${describeRule(rules[0].rule)} (bound by nobody)`, role: role.key, ruleIndex: rules[0].index });
    out.push({
      id: `wildcard-use-grant:${role.key}`,
      rule: 'wildcard-use-grant',
      severity,
      title: `${roleLabel} grants use of ${rules.some(({ rule }) => !rule.resourceNames?.length) ? 'every PSP' : 'PSPs'} by wildcard`,
      detail:
        `${roleLabel} lets its subjects use ${what} (${rules.map(({ rule }) => describeRule(rule)).join('; ')}). ` +
        (subjects.length === 0 ? 'No binding uses it yet.' : onlyMasters ? 'Only system:masters holds it, which may use every PSP anyway.' : `${subjects.length} subject${subjects.length === 1 ? '' : 's'} hold it; name the PSPs in resourceNames instead.`),
      evidence,
    });
  }
  return out;
}

/** PSPs no binding grants to anyone but system:masters (who needs none), from the resolved relations in one pass. */
export function unusedPspFindings(model: ClusterModel, rel: PspRelations): Finding[] {
  const used = new Set<string>();
  for (const role of rel.roles) {
    const holders = (rel.bindingsByRole.get(role.key) ?? []).some((b) => b.subjects.some((s) => !isMasters(s.subject) && !(s.subject.kind === 'ServiceAccount' && !s.subject.namespace && !b.scopeNamespace)));
    if (holders) for (const g of role.grants) used.add(g.psp);
  }
  return model.psps.flatMap((psp) => {
    const name = psp.metadata.name;
    if (used.has(name)) return [];
    return [{
      id: `unused-psp:${name}`,
      rule: 'unused-psp' as const,
      severity: 'low' as const,
      title: `${name} is usable by nobody`,
      detail: `No binding grants use of PodSecurityPolicy ${name} (system:masters aside), so no pod gets it. Attach it to the service accounts it was written for, or delete it.`,
      evidence: [{ text: `No Role or ClusterRole bound to anyone grants use of ${name}`, psp: objectKey('PodSecurityPolicy', undefined, name) }],
    }];
  });
}

const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);
const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

export function noPspApiFindings(model: ClusterModel): Finding[] {
  if (model.source.pspApiServed) return [];
  const unenforced = model.namespaces.filter((n) => !SYSTEM_NAMESPACES.has(n.metadata.name) && !n.metadata.labels?.[ENFORCE_LABEL]).map((n) => n.metadata.name);
  return [{
    id: 'no-psp-api',
    rule: 'no-psp-api',
    severity: unenforced.length ? 'high' : 'info',
    title: 'This cluster does not serve the PodSecurityPolicy API',
    detail:
      `policy/v1beta1 PodSecurityPolicy is not served (it was removed in v1.25${model.source.serverVersion ? `; the server is ${model.source.serverVersion}` : ''}): no PSP restricts pods here. ` +
      (unenforced.length
        ? `Pod Security Admission is what restricts pods now, and ${unenforced.length} namespace${unenforced.length === 1 ? ' has' : 's have'} no ${ENFORCE_LABEL} label: ${unenforced.slice(0, 10).join(', ')}${unenforced.length > 10 ? ', …' : ''}.`
        : `Every application namespace sets ${ENFORCE_LABEL}.`),
    evidence: unenforced.length
      ? [{ text: `Namespaces without ${ENFORCE_LABEL}: ${unenforced.join(', ')}`, objects: unenforced.map((n) => objectKey('Namespace', undefined, n)) }]
      : [{ text: 'The PodSecurityPolicy API is not served' }],
  }];
}

export function incompleteReadFindings(model: ClusterModel): Finding[] {
  const problems = model.warnings.filter((w) => w.code === 'list-forbidden' || w.code === 'list-failed');
  if (problems.length === 0) return [];
  return [{
    id: 'incomplete-read',
    rule: 'incomplete-read',
    severity: 'medium',
    title: 'Some kinds could not be read: the audit may miss findings',
    detail: problems.map((w) => w.message).join(' '),
    evidence: problems.map((w) => ({ text: w.message, objects: w.objects ?? [] })),
  }];
}
