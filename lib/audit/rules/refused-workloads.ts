import type { PolicyEvaluation } from '../../admission/select-policy';
import { objectKey } from '../../model/keys';
import type { Psp } from '../../model/types';
import { privilegedSettings } from '../../psp/privileged-settings';
import { compareNames } from '../../rbac/grants';
import type { SimulatedWorkloadResult } from '../simulations';
import type { Evidence, Finding, Fix } from '../types';

/**
 * Workloads whose pods no usable PSP admits: the pods running now were admitted earlier (or before
 * a grant was removed), and the next ones the controller creates fail with FailedCreate.
 */

const ATTACHABLE = new Set(['DaemonSet', 'Deployment', 'StatefulSet', 'Job', 'CronJob', 'ReplicaSet', 'Pod']);

/** The least permissive PSP that would admit the pod if its service account were granted it. */
function leastPermissiveAdmitting(evaluations: PolicyEvaluation[], psps: Map<string, Psp>): string | undefined {
  const score = (name: string) => {
    const settings = privilegedSettings(psps.get(name)?.spec ?? {});
    return settings.filter((s) => s.severity === 'critical').length * 100 + settings.length;
  };
  return evaluations
    .filter((e) => e.verdict === 'not-authorized')
    .map((e) => e.psp)
    .sort((a, b) => score(a) - score(b) || compareNames(a, b))[0];
}

function evaluationEvidence(e: PolicyEvaluation): Evidence {
  const errors = e.errors.length ? `: ${e.errors.slice(0, 3).join('; ')}${e.errors.length > 3 ? ` (+${e.errors.length - 3} more)` : ''}` : '';
  return { text: `${e.psp}: ${e.reason}${errors}`, psp: objectKey('PodSecurityPolicy', undefined, e.psp) };
}

export function refusedWorkloadFindings(results: SimulatedWorkloadResult[], psps: Psp[]): Finding[] {
  const byName = new Map(psps.map((p) => [p.metadata.name, p]));
  return results
    .filter((r) => !r.sim.allowed)
    .map(({ workload, key, sim }) => {
      const ns = sim.namespace;
      const label = `${workload.kind} ${ns}/${workload.metadata.name}`;
      const who = [sim.serviceAccount ? `service account ${ns}/${sim.serviceAccount}` : undefined, sim.requester ? `requester ${sim.requester.user}` : undefined].filter(Boolean).join(' or ');
      const grant = leastPermissiveAdmitting(sim.evaluations, byName);
      const fix: Fix | undefined = grant && ATTACHABLE.has(workload.kind)
        ? {
            description: `Attach PodSecurityPolicy ${grant} (the least permissive one that admits these pods) to the service account of ${label}, in namespace ${ns} only.`,
            request: { method: 'POST', path: '/api/v1/attach', body: { psp: grant, namespace: ns, workloads: { namespace: ns, items: [{ kind: workload.kind, name: workload.metadata.name }] } } },
          }
        : undefined;
      const bare = workload.kind === 'Pod';
      return {
        id: `workload-refused:${key}`,
        rule: 'workload-refused' as const,
        severity: bare ? ('medium' as const) : ('high' as const),
        title: `${label} would be refused`,
        detail: bare
          ? `No PSP that ${who || 'anyone'} may use admits this Pod. Re-created by a user who may use none either, it is refused.`
          : `No PSP that ${who || 'anyone'} may use admits its pods: the next pod the controller creates fails (FailedCreate). ${sim.message ?? ''}`.trim(),
        evidence: [{ text: sim.message ?? 'refused', objects: [key] }, ...sim.evaluations.map(evaluationEvidence)],
        fix,
      };
    });
}
