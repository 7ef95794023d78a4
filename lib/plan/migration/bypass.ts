import { AppError } from '../../errors';
import type { ClusterModel, Psp, Subject } from '../../model/types';
import { DEFAULT_CONFIGURATION, type PssConfiguration } from '../../pss/config';
import { namespacePolicy } from '../../pss/labels';
import { privilegedSettings } from '../../psp/privileged-settings';
import { managedStateFromModel, planAttach } from '../attach';
import { sameSubject } from '../subjects';
import { managedName, RBAC_API, type Plan } from '../types';
import { serverMinorOfModel } from './label';

/**
 * The end of guide step 3: once a namespace enforces a Pod Security level, PSP need not judge its
 * pods any more; binding a privileged PSP to every service account of the namespace (Group
 * `system:serviceaccounts:NS`, RoleBinding in NS, psp-util's names) lets PSA alone decide there.
 * The undo removes exactly that subject (and the RoleBinding when nothing else is left in it).
 */

export function namespaceServiceAccounts(namespace: string): Subject {
  return { kind: 'Group', name: `system:serviceaccounts:${namespace}` };
}

/** PSPs fit for the bypass: they admit anything, so PSP stops judging the namespace's pods (most permissive first). */
export function bypassCandidates(model: ClusterModel): Psp[] {
  const score = (p: Psp) => privilegedSettings(p.spec ?? {}).filter((s) => s.severity === 'critical').length;
  return model.psps.filter((p) => p.spec?.privileged).sort((a, b) => score(b) - score(a) || a.metadata.name.localeCompare(b.metadata.name));
}

export interface BypassRequest {
  namespace: string;
  psp: string;
  undo?: boolean;
  acknowledgeRisk?: boolean;
}

export function planPspBypass(model: ClusterModel, req: BypassRequest, config: PssConfiguration = DEFAULT_CONFIGURATION): Plan {
  if (!model.source.pspApiServed) throw new AppError('conflict', 'This cluster serves no PodSecurityPolicy API (v1.25+): no PSP judges pods, there is nothing to bypass.');
  if (!model.namespaces.some((n) => n.metadata.name === req.namespace)) throw new AppError('not_found', `Namespace ${req.namespace} does not exist`);
  const group = namespaceServiceAccounts(req.namespace);
  if (req.undo) return planBypassUndo(model, req);
  const psp = model.psps.find((p) => p.metadata.name === req.psp);
  if (!psp) throw new AppError('not_found', `PodSecurityPolicy ${req.psp} does not exist`);
  const ns = model.namespaces.find((n) => n.metadata.name === req.namespace)!;
  const { policy } = namespacePolicy(ns.metadata.labels, config, { serverMinor: serverMinorOfModel(model) });
  if (policy.enforce.level === 'privileged' && !req.acknowledgeRisk) {
    throw new AppError('conflict', `Namespace ${req.namespace} enforces no Pod Security level (enforce is privileged): with ${req.psp} granted to all its service accounts, any pod they run would be admitted, privileged included. ` +
      'Enforce a level first (label it), or send "acknowledgeRisk": true to bypass anyway.', { field: 'acknowledgeRisk', guardrail: true });
  }
  const plan = planAttach({ psp: req.psp, subjects: [group], namespace: req.namespace, acknowledgeRisk: req.acknowledgeRisk }, managedStateFromModel(model, req.psp, req.namespace));
  if ('refused' in plan) throw new AppError('conflict', plan.refused.reason, { field: plan.refused.field, guardrail: true });
  const warnings = [...plan.warnings];
  if (!psp.spec?.privileged) warnings.push(`PodSecurityPolicy ${req.psp} is not privileged: pods it refuses are still refused by PSP, so the namespace does not fully bypass PSP.`);
  return {
    ...plan,
    summary: `let namespace ${req.namespace} bypass PSP: ${plan.summary}`,
    warnings,
    notes: [`Pods of every service account in ${req.namespace} may then use ${req.psp}; Pod Security ${policy.enforce.level}:${policy.enforce.version} alone decides what runs there.`, `Undo: remove Group ${group.name} from RoleBinding ${req.namespace}/${managedName(req.psp)}.`],
  };
}

function planBypassUndo(model: ClusterModel, req: BypassRequest): Plan {
  const group = namespaceServiceAccounts(req.namespace);
  const name = managedName(req.psp);
  const summary = `undo the PSP bypass of namespace ${req.namespace}: ${group.name} no longer uses ${req.psp} there`;
  const binding = model.roleBindings.find((b) => b.metadata.namespace === req.namespace && b.metadata.name === name && b.roleRef.kind === 'ClusterRole' && b.roleRef.name === name);
  if (!binding || !binding.subjects.some((s) => sameSubject(s, group, req.namespace))) {
    return { summary, operations: [], warnings: [], noop: `Group ${group.name} is not bound to ${req.psp} in namespace ${req.namespace} (RoleBinding ${name}); nothing to undo.` };
  }
  const remaining = binding.subjects.filter((s) => !sameSubject(s, group, req.namespace));
  const notes = ['Pods of the namespace are judged by PSP again, from their next creation.'];
  if (remaining.length === 0) {
    return { summary, operations: [{ action: 'delete', kind: 'RoleBinding', apiVersion: RBAC_API, name, namespace: req.namespace, before: binding }], warnings: [], notes };
  }
  const after = { ...JSON.parse(JSON.stringify(binding)), subjects: remaining };
  return { summary, operations: [{ action: 'update', kind: 'RoleBinding', apiVersion: RBAC_API, name, namespace: req.namespace, before: binding, object: after }], warnings: [], notes };
}
