import 'server-only';
import { AppError } from '@/lib/errors';
import type { ClusterModel, Psp } from '@/lib/model/types';
import { advise, serviceAccountOf } from '@/lib/advisor/advise';
import { managedStateFromModel, planAttach } from '@/lib/plan/attach';
import type { Change } from '@/lib/plan/change';
import { planCreatePsp } from '@/lib/plan/psps';
import type { Plan, PlanOperation } from '@/lib/plan/types';
import type { AdviseApplyBody } from '@/lib/schemas/advise';
import { workloadsOfRequest } from './advise-view';

/**
 * The advice as one plan: create the proposal (unless an existing PSP is sufficient, which is then
 * granted instead) and, per namespace, a RoleBinding `psp-util.<psp>` to psp-util's ClusterRole for
 * the workloads' service accounts — planned on each model the change machinery hands over (a
 * conflict re-plans from a fresher one).
 */
export function adviseApplyChange(body: AdviseApplyBody): Change {
  return {
    plan(model: ClusterModel): Plan {
      const { workloads, name } = workloadsOfRequest(model, body);
      const advice = advise(model, workloads, { name, useServiceAccountCredentials: body.useServiceAccountCredentials });
      const psp: Psp = advice.psp;
      const reuse = advice.existing?.sufficient === true;
      const operations: PlanOperation[] = [];
      const warnings: string[] = [...advice.notes];
      const summaries: string[] = [];
      if (!reuse) {
        const create = planCreatePsp(model, psp);
        operations.push(...create.operations);
        summaries.push(create.summary);
      } else {
        warnings.push(`PodSecurityPolicy ${psp.metadata.name} already admits these workloads unchanged and is no looser than a proposal: it is granted, nothing is created.`);
      }
      const withPsp: ClusterModel = reuse ? model : { ...model, psps: [...model.psps, psp] };
      const byNs = new Map<string, string[]>();
      for (const w of workloads) {
        const ns = w.metadata.namespace ?? 'default';
        const sa = serviceAccountOf(w);
        if (!byNs.has(ns)) byNs.set(ns, []);
        if (!byNs.get(ns)!.includes(sa)) byNs.get(ns)!.push(sa);
      }
      for (const [namespace, sas] of byNs) {
        const plan = planAttach(
          { psp: psp.metadata.name, namespace, subjects: sas.map((sa) => ({ kind: 'ServiceAccount', name: sa, namespace })), acknowledgeRisk: body.acknowledgeRisk },
          managedStateFromModel(withPsp, psp.metadata.name, namespace),
        );
        if ('refused' in plan) throw new AppError('conflict', plan.refused.reason, { field: plan.refused.field, guardrail: true });
        for (const op of plan.operations) {
          // psp-util's ClusterRole is planned once per namespace; it is created once.
          if (!operations.some((o) => o.action === op.action && o.kind === op.kind && o.name === op.name && (o.namespace ?? '') === (op.namespace ?? ''))) operations.push(op);
        }
        summaries.push(plan.summary);
        warnings.push(...plan.warnings);
      }
      const summary = summaries.join('; ');
      if (!operations.length) return { summary, operations, warnings, noop: `PodSecurityPolicy ${psp.metadata.name} is already granted to these workloads' service accounts; nothing to do.` };
      return { summary, operations, warnings };
    },
  };
}
