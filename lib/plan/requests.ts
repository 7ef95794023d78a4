import { AppError } from '../errors';
import type { ClusterModel, Psp, Subject, Workload } from '../model/types';
import { managedStateFromModel, planAttach, planClean, planDetach, type AttachRequest } from './attach';
import { planDeleteBinding, planRemoveSubject, type BindingRef } from './bindings';
import type { Change } from './change';
import { planCreatePsp, planDeletePsp, planUpdatePsp } from './psps';

/** Request bodies (already validated) → changes, which sources plan against their model. */

export interface AttachInput {
  psp: string;
  subjects?: Subject[];
  workloads?: { namespace: string; items: { kind: string; name: string }[] };
  namespace?: string;
  acknowledgeRisk?: boolean;
  repair?: boolean;
}

/** The service account a workload's pods run as: its template's, or `default` when it names none. */
export function serviceAccountOfWorkload(w: Workload): string {
  const spec = w.kind === 'CronJob' ? w.spec?.jobTemplate?.spec?.template?.spec : w.kind === 'Pod' ? w.spec : w.spec?.template?.spec;
  return spec?.serviceAccountName || spec?.serviceAccount || 'default';
}

export function subjectsOfWorkloads(model: ClusterModel, namespace: string, items: { kind: string; name: string }[]): Subject[] {
  const subjects: Subject[] = [];
  for (const item of items) {
    const w = model.workloads.find((x) => x.kind === item.kind && x.metadata.name === item.name && x.metadata.namespace === namespace);
    if (!w) throw new AppError('not_found', `${item.kind} ${namespace}/${item.name} does not exist`);
    const name = serviceAccountOfWorkload(w);
    if (!subjects.some((s) => s.name === name)) subjects.push({ kind: 'ServiceAccount', name, namespace });
  }
  return subjects;
}

export function attachChange(input: AttachInput): Change {
  return {
    plan(model) {
      const subjects = input.workloads ? subjectsOfWorkloads(model, input.workloads.namespace, input.workloads.items) : input.subjects ?? [];
      const req: AttachRequest = { psp: input.psp, subjects, namespace: input.namespace, acknowledgeRisk: input.acknowledgeRisk, repair: input.repair };
      const plan = planAttach(req, managedStateFromModel(model, input.psp, input.namespace));
      if ('refused' in plan) throw new AppError('conflict', plan.refused.reason, { field: plan.refused.field, guardrail: true });
      return plan;
    },
  };
}

export function detachChange(input: { psp: string; subjects: Subject[]; namespace?: string }): Change {
  return { plan: (model) => planDetach(input, managedStateFromModel(model, input.psp, input.namespace)) };
}

export function cleanChange(psp: string): Change {
  return { plan: (model) => planClean(model, psp) };
}

export function createPspChange(psp: Psp): Change {
  return { plan: (model) => planCreatePsp(model, psp) };
}

export function updatePspChange(name: string, psp: Psp): Change {
  return { plan: (model) => planUpdatePsp(model, name, psp) };
}

export function deletePspChange(name: string): Change {
  return { plan: (model) => planDeletePsp(model, name) };
}

export function removeSubjectChange(ref: BindingRef, subject: Subject, confirm?: boolean): Change {
  return { plan: (model) => planRemoveSubject(model, ref, subject, confirm) };
}

export function deleteBindingChange(ref: BindingRef, confirm?: boolean): Change {
  return { plan: (model) => planDeleteBinding(model, ref, confirm) };
}
