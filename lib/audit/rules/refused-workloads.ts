import type { PolicyEvaluation } from '../../admission/select-policy';
import { objectKey } from '../../model/keys';
import type { Psp } from '../../model/types';
import { isPrivilegedPsp, privilegedSettings } from '../../psp/privileged-settings';
import { compareNames } from '../../rbac/grants';
import type { SimulatedWorkloadResult } from '../simulations';
import type { Evidence, Finding, Fix } from '../types';

/**
 * Workloads whose pods no usable PSP admits: the pods running now were admitted earlier (or before
 * a grant was removed), and the next ones the controller creates fail with FailedCreate. Grouped
 * per namespace and per the PSP that would admit them, so that one attach fixes a group.
 */

/** How permissive a PSP is: critical settings first, then the rest. */
function permissiveness(psp: Psp): number {
  const settings = privilegedSettings(psp.spec ?? {});
  return settings.filter((s) => s.severity === 'critical').length * 100 + settings.length;
}

const byNames = new WeakMap<Psp[], Map<string, Psp>>();

/** The PSPs by name, once per PSP list (the audit asks namespace by namespace: 5,000 maps of 50 were 18 MB of garbage). */
function pspsByName(psps: Psp[]): Map<string, Psp> {
  let byName = byNames.get(psps);
  if (!byName) byNames.set(psps, (byName = new Map(psps.map((p) => [p.metadata.name, p]))));
  return byName;
}

const scores = new WeakMap<Psp[], Map<string, number>>();

/** Each PSP's permissiveness, once per PSP list (the audit groups refusals namespace by namespace). */
function scoresOf(psps: Psp[]): Map<string, number> {
  let score = scores.get(psps);
  if (!score) scores.set(psps, (score = new Map(psps.map((p) => [p.metadata.name, permissiveness(p)]))));
  return score;
}

/** The least permissive PSP that would admit the pod if its service account were granted it. */
function leastPermissiveAdmitting(evaluations: PolicyEvaluation[], score: Map<string, number>): string | undefined {
  let best: string | undefined;
  for (const e of evaluations) {
    if (e.verdict !== 'not-authorized') continue;
    if (best === undefined || score.get(e.psp)! < score.get(best)! || (score.get(e.psp) === score.get(best) && compareNames(e.psp, best) < 0)) best = e.psp;
  }
  return best;
}

const evidenceOfEvaluations = new WeakMap<PolicyEvaluation[], { maxEvidence: number; evidence: Evidence[] }>();

/**
 * evaluationsEvidence once per admission case (its evaluations are one array, shared by every
 * workload of the case): thousands of refused workloads in a big cluster are a few cases.
 */
function evidenceOfCase(evaluations: PolicyEvaluation[], maxEvidence: number): Evidence[] {
  let found = evidenceOfEvaluations.get(evaluations);
  if (found?.maxEvidence !== maxEvidence) evidenceOfEvaluations.set(evaluations, (found = { maxEvidence, evidence: evaluationsEvidence(evaluations, maxEvidence) }));
  return found.evidence;
}

/** Why each PSP did not admit the pod, summed up: the ones nobody may use in one line, the refusing ones with their first errors. */
function evaluationsEvidence(evaluations: PolicyEvaluation[], maxEvidence: number): Evidence[] {
  const unusable = evaluations.filter((e) => e.verdict === 'not-authorized').map((e) => e.psp);
  const refusing = evaluations.filter((e) => e.verdict === 'rejects');
  const out: Evidence[] = [];
  if (unusable.length) out.push({ text: `Would admit the pod, but neither the service account nor the requester may use: ${unusable.join(', ')}`, objects: unusable.map((n) => objectKey('PodSecurityPolicy', undefined, n)) });
  for (const e of refusing.slice(0, maxEvidence)) {
    const errors = `${e.errors.slice(0, 3).join('; ')}${e.errors.length > 3 ? ` (+${e.errors.length - 3} more)` : ''}`;
    out.push({ text: `${e.psp} refuses it: ${errors}`, psp: objectKey('PodSecurityPolicy', undefined, e.psp) });
  }
  if (refusing.length > maxEvidence) out.push({ text: `… and ${refusing.length - maxEvidence} more PSPs refuse it` });
  return out;
}

const privilegedPsps = new WeakMap<Psp, boolean>();

/** isPrivilegedPsp once per PSP object (every refused group of the PSP asks). */
function isPrivileged(psp: Psp): boolean {
  let privileged = privilegedPsps.get(psp);
  if (privileged === undefined) privilegedPsps.set(psp, (privileged = isPrivilegedPsp(psp.spec ?? {})));
  return privileged;
}

const label = (r: SimulatedWorkloadResult) => `${r.workload.kind} ${r.sim.namespace}/${r.workload.metadata.name}`;

function attachFix(psp: Psp, namespace: string, group: SimulatedWorkloadResult[]): Fix | undefined {
  // The attach route takes at most 500 workloads at a time, of any workload kind the model lists.
  const items = group.slice(0, 500).map((r) => ({ kind: r.workload.kind, name: r.workload.metadata.name }));
  if (items.length === 0) return undefined;
  const name = psp.metadata.name;
  const privileged = isPrivileged(psp);
  return {
    description:
      `Attach PodSecurityPolicy ${name}, the least permissive one that admits ${items.length === 1 ? 'these pods' : 'their pods'}, to the service account${items.length === 1 ? '' : 's'} of ${items.length === 1 ? label(group[0]) : `these ${items.length} workloads`}, in namespace ${namespace} only.` +
      (privileged ? ` ${name} is privileged: if the pods do not need that, create a restrictive PSP (PSPs → New from template) and attach it instead.` : ''),
    request: { method: 'POST', path: '/api/v1/attach', body: { psp: name, namespace, workloads: { namespace, items } } },
  };
}

/**
 * `memo`: kept with the policy state (PSPs do not change under it), so that workloads sharing an
 * admission case, and audits after a workload event, do not rank the PSPs again.
 */
export function refusedWorkloadFindings(results: SimulatedWorkloadResult[], psps: Psp[], maxEvidence = 20, memo = new WeakMap<PolicyEvaluation[], string | null>()): Finding[] {
  let byName: Map<string, Psp> | undefined;
  let score: Map<string, number> | undefined;
  const groups = new Map<string, { namespace: string; psp?: string; results: SimulatedWorkloadResult[] }>();
  for (const r of results) {
    if (r.sim.allowed) continue;
    let least = memo.get(r.sim.evaluations);
    if (least === undefined) {
      score ??= scoresOf(psps);
      memo.set(r.sim.evaluations, (least = leastPermissiveAdmitting(r.sim.evaluations, score) ?? null));
    }
    const psp = least ?? undefined;
    const key = `${r.sim.namespace}\u0000${psp ?? ''}`;
    const group = groups.get(key) ?? { namespace: r.sim.namespace, psp, results: [] };
    group.results.push(r);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ namespace, psp, results: group }) => {
    const single = group.length === 1 ? group[0] : undefined;
    const bare = group.every((r) => r.workload.kind === 'Pod');
    const who = single ? [single.sim.serviceAccount ? `service account ${namespace}/${single.sim.serviceAccount}` : undefined, single.sim.requester ? `requester ${single.sim.requester.user}` : undefined].filter(Boolean).join(' or ') : '';
    const admittedBy = psp ? ` ${psp}, the least permissive PSP that would admit ${single ? 'them' : 'all of them'}, is not usable by ${single ? 'either identity' : 'their identities'}.` : ' No PSP in the cluster admits them.';
    return {
      id: `workload-refused:${namespace}:${psp ?? ''}:${group.map((r) => r.key).join(',')}`,
      rule: 'workload-refused' as const,
      severity: bare ? ('medium' as const) : ('high' as const),
      title: single ? `${label(single)} would be refused` : `${group.length} workloads in ${namespace} would be refused`,
      detail: (bare
        ? `No PSP that ${who || 'their service account'} may use admits ${single ? 'this Pod' : 'these Pods'}: re-created by a user who may use none either, ${single ? 'it is' : 'they are'} refused.`
        : `No PSP that ${who || 'their service account or controller'} may use admits their pods: the next pod the controller creates fails (FailedCreate).`) + admittedBy,
      evidence: [
        ...group.slice(0, maxEvidence).map((r) => ({ text: single ? r.sim.message ?? 'refused' : `${label(r)}: ${r.sim.message ?? 'refused'}`, objects: [r.key] })),
        ...(group.length > maxEvidence ? [{ text: `… and ${group.length - maxEvidence} more workloads in ${namespace}`, objects: group.slice(maxEvidence).map((r) => r.key) }] : []),
        ...(single ? evidenceOfCase(single.sim.evaluations, Math.min(maxEvidence, 5)) : []),
      ],
      fix: psp ? attachFix((byName ??= pspsByName(psps)).get(psp)!, namespace, group) : undefined,
    };
  });
}
