import { canUse, indexAccess, type AccessIndex, type GrantChain } from '../../access/can-use';
import { whoCanUse, type AccessGrant } from '../../access/effective-access';
import { podServiceAccountIdentity } from '../../access/identity';
import { objectKey } from '../../model/keys';
import type { ClusterModel, Psp } from '../../model/types';
import { broadSubjectReason } from '../../plan/guardrail';
import { describeSubject } from '../../plan/subjects';
import { privilegedSettings } from '../../psp/privileged-settings';
import { chainEvidence, findBinding, removeGrantRequest } from '../evidence';
import type { Finding } from '../types';

/**
 * Privileged PSPs (those whose settings let a pod take over its node) that reach far: granted to
 * system:authenticated, system:unauthenticated, system:serviceaccounts, a pod-creating controller
 * cluster-wide, or to every namespace's `default` service account. The requester path matters as
 * much as the service-account path: a controller that may use a PSP gives it to every pod it creates.
 */

export function criticalSettingsText(psp: Psp): string {
  return privilegedSettings(psp.spec ?? {})
    .filter((s) => s.severity === 'critical')
    .map((s) => `${s.field}: ${s.value}`)
    .join(', ');
}

function subjectLabel(g: AccessGrant): string {
  return describeSubject({ ...g.subject, namespace: g.subject.namespace });
}

export function broadGrantFindings(model: ClusterModel, privileged: Psp[], index: AccessIndex = indexAccess(model)): Finding[] {
  const out: Finding[] = [];
  for (const psp of privileged) {
    const name = psp.metadata.name;
    for (const g of whoCanUse(model, name, index)) {
      if (g.chain.via !== 'rbac' || !g.chain.binding) continue;
      const reach = broadSubjectReason(g.subject, g.namespace);
      if (!reach) continue;
      const binding = findBinding(model, g.chain.binding);
      const clusterWide = g.namespace === undefined;
      const id = `privileged-psp-broad-grant:${name}:${objectKey(g.chain.binding.kind, g.namespace, g.chain.binding.name)}:${subjectLabel(g)}`;
      out.push({
        id,
        rule: 'privileged-psp-broad-grant',
        severity: clusterWide ? 'critical' : 'high',
        title: `${name} usable by ${g.subject.kind === 'ServiceAccount' ? `${g.subject.namespace}/${g.subject.name}` : g.subject.name}${clusterWide ? '' : ` in namespace ${g.namespace}`}`,
        detail:
          `PodSecurityPolicy ${name} allows ${criticalSettingsText(psp)}. ${subjectLabel(g)} may use it ${clusterWide ? 'in every namespace' : `for pods in namespace ${g.namespace}`}: ` +
          `that reaches ${reach}. Anyone who can create such pods can take over a node.`,
        evidence: [chainEvidence(g.chain, name)],
        fix: binding ? removeGrantRequest(binding, g.subject, name) : undefined,
      });
    }
  }
  return out;
}

/**
 * Every namespace's `default` service account may use the PSP (pods that name no service account
 * run as `default`), through grants that are not already reported as broad subjects.
 */
export function everyDefaultServiceAccountFindings(model: ClusterModel, privileged: Psp[], index: AccessIndex, maxEvidence: number): Finding[] {
  const namespaces = model.namespaces.map((n) => n.metadata.name);
  if (namespaces.length < 2) return [];
  const out: Finding[] = [];
  for (const psp of privileged) {
    const name = psp.metadata.name;
    const chains: GrantChain[] = [];
    let everyNamespace = true;
    for (const ns of namespaces) {
      const r = canUse(index, podServiceAccountIdentity(ns, 'default'), name, ns, { firstOnly: true });
      if (!r.allowed) {
        everyNamespace = false;
        break;
      }
      chains.push(r.chains[0]);
    }
    if (!everyNamespace) continue;
    // system:serviceaccounts is reported as a broad subject already; this finding is for the rest.
    const own = chains.filter((c) => c.subject && !broadSubjectReason(c.subject, c.binding?.kind === 'RoleBinding' ? c.binding.namespace : undefined));
    if (own.length === 0) continue;
    out.push({
      id: `privileged-psp-every-default-sa:${name}`,
      rule: 'privileged-psp-every-default-sa',
      severity: 'critical',
      title: `${name} usable by the default service account of every namespace`,
      detail: `PodSecurityPolicy ${name} allows ${criticalSettingsText(psp)}. The default service account of all ${namespaces.length} namespaces may use it, so every pod that names no service account can.`,
      evidence: own.slice(0, maxEvidence).map((c) => chainEvidence(c, name)),
    });
  }
  return out;
}
