import { canUse } from '../../access/can-use';
import { podServiceAccountIdentity, type Identity } from '../../access/identity';
import type { SimulationContext } from '../../access/simulate-workload';
import { objectKey } from '../../model/keys';
import type { ClusterModel, Psp, Subject, Workload } from '../../model/types';
import { isPrivilegedPsp } from '../../psp/privileged-settings';
import { compareNames } from '../../rbac/grants';
import { chainEvidence, findBinding, removeGrantRequest } from '../evidence';
import { mapAlong } from '../../model/map-along';
import type { AuditedSimulation, ClusterSimulation, SimulatedWorkloadResult } from '../simulations';
import type { Evidence, Finding } from '../types';
import { criticalSettingsText } from './privileged-grants';

/**
 * The "allow as-is takes precedence" trap: a pod that a restrictive PSP would admit after applying
 * its defaults (run as non-root, drop capabilities, no privilege escalation) gets a permissive PSP
 * instead, because the plugin prefers any authorized PSP that admits the pod unchanged. The
 * restrictive PSP is then shadowed: granted, passing, and never applied. Found with the selection
 * engine on every workload, and on a plain Deployment in namespaces that have none.
 */

interface Affected {
  label: string;
  objects: string[];
  grant?: { evidence: Evidence; binding?: { kind: string; namespace?: string; name: string }; subject?: Subject };
}

function identitiesOf(sim: AuditedSimulation): Identity[] {
  const sa = sim.serviceAccount ? podServiceAccountIdentity(sim.namespace, sim.serviceAccount) : undefined;
  return [sa, sim.requester].filter((x): x is Identity => !!x);
}

type ShadowPair = { restrictive: string; permissive: string };

/** The PSPs that would have admitted the pod after defaulting, were authorized, and lost to a privileged one that needs no change. */
function shadowedBy(sim: AuditedSimulation, privileged: Set<string>, ctx: SimulationContext): ShadowPair[] {
  if (!sim.allowed || !sim.psp || !privileged.has(sim.psp)) return [];
  const chosen = sim.evaluations.find((e) => e.verdict === 'chosen');
  if (!chosen || chosen.mutated) return [];
  const ids = identitiesOf(sim);
  return sim.evaluations
    .filter((e) => e.verdict === 'preferred-other' && e.mutated && !privileged.has(e.psp))
    .filter((e) => e.authorized ?? ids.some((id) => ctx.isAuthorized(id, e.psp, sim.namespace)))
    .map((e) => ({ restrictive: e.psp, permissive: sim.psp! }));
}

/** The chain that lets the pod use `psp`; memoised with the policy state, as many workloads share identities. */
function grantFinder(simulation: ClusterSimulation) {
  const ctx = simulation.context;
  const memo = simulation.simulator.derived('audit:shadowed-grants', () => new Map<string, Affected['grant'] | null>());
  return (sim: AuditedSimulation, psp: string): Affected['grant'] => {
    for (const id of identitiesOf(sim)) {
      const key = `${id.user}\u0000${id.groups.join(',')}\u0000${psp}\u0000${sim.namespace}`;
      if (!memo.has(key)) {
        const chain = canUse(ctx.index, id, psp, sim.namespace, { firstOnly: true }).chains[0];
        memo.set(key, chain ? { evidence: chainEvidence(chain, psp), binding: chain.binding, subject: chain.subject } : null);
      }
      const grant = memo.get(key);
      if (grant) return grant;
    }
    return undefined;
  };
}

/** One probe object per namespace, so that a simulator that already simulated it answers from memory. */
const probes = new Map<string, Workload>();

function probeDeployment(namespace: string): Workload {
  let probe = probes.get(namespace);
  if (!probe) {
    probe = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'audit-probe', namespace },
      spec: { template: { spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.9' }] } } },
    };
    probes.set(namespace, probe);
  }
  return probe;
}

export function shadowedPspFindings(model: ClusterModel, simulation: ClusterSimulation, maxEvidence: number): Finding[] {
  const psps = new Map(model.psps.map((p) => [p.metadata.name, p]));
  const privileged = new Set(model.psps.filter((p) => isPrivilegedPsp(p.spec ?? {})).map((p) => p.metadata.name));
  const { context } = simulation;
  const grantOf = grantFinder(simulation);
  const pairs = new Map<string, { restrictive: string; permissive: string; affected: Affected[] }>();
  const record = (sim: AuditedSimulation, label: string, objects: string[], shadowPairs = shadowedBy(sim, privileged, context)) => {
    for (const pair of shadowPairs) {
      const key = `${pair.restrictive}\u0000${pair.permissive}`;
      const entry = pairs.get(key) ?? { ...pair, affected: [] };
      entry.affected.push({ label, objects, grant: grantOf(sim, pair.permissive) });
      pairs.set(key, entry);
    }
  };
  // Each result's pairs, walked along the last audit's of this policy state: after a pod event only its workload is looked at.
  const memo = simulation.simulator.derived('audit:shadowed-pairs', () => ({ last: undefined as { results: SimulatedWorkloadResult[]; pairs: ShadowPair[][] } | undefined }));
  const pairsOf = (r: SimulatedWorkloadResult) => shadowedBy(r.sim, privileged, context);
  const resultPairs = memo.last ? mapAlong(simulation.results, memo.last.results, (r) => r, pairsOf, memo.last.pairs) : simulation.results.map(pairsOf);
  memo.last = { results: simulation.results, pairs: resultPairs };
  simulation.results.forEach((r, i) => {
    if (resultPairs[i].length) record(r.sim, `${r.workload.kind} ${r.sim.namespace}/${r.workload.metadata.name}`, [r.key], resultPairs[i]);
  });
  const withWorkloads = new Set(simulation.results.map((r) => r.sim.namespace));
  for (const ns of model.namespaces.map((n) => n.metadata.name).filter((n) => !withWorkloads.has(n))) {
    const sim = simulation.simulator.simulate(probeDeployment(ns));
    record(sim, `a plain Deployment (no securityContext) in namespace ${ns}`, [objectKey('Namespace', undefined, ns)]);
  }
  return [...pairs.values()]
    .sort((a, b) => compareNames(a.restrictive, b.restrictive) || compareNames(a.permissive, b.permissive))
    .map(({ restrictive, permissive, affected }) => {
      const grants = new Map<string, NonNullable<Affected['grant']>>();
      for (const a of affected) if (a.grant) grants.set(a.grant.evidence.text, a.grant);
      const only = grants.size === 1 && affected.every((a) => a.grant) ? [...grants.values()][0] : undefined;
      const binding = only?.binding ? findBinding(model, only.binding) : undefined;
      const shown = affected.slice(0, maxEvidence);
      const more = affected.length - shown.length;
      return {
        id: `shadowed-restrictive-psp:${restrictive}:${permissive}`,
        rule: 'shadowed-restrictive-psp' as const,
        severity: 'high' as const,
        title: `${restrictive} is shadowed by ${permissive}`,
        detail:
          `The pods of ${affected.length} workload${affected.length === 1 ? '' : 's'} (or plain Deployment${affected.length === 1 ? '' : 's'}) would pass ${restrictive} once it fills in its defaults, but ${permissive} admits them as they are, ` +
          `and Kubernetes picks a PSP that needs no change over one that does. So they get ${permissive} (${criticalSettingsText(psps.get(permissive)!)}) and run without ${restrictive}'s defaults.` +
          (more > 0 ? ` ${more} more are not listed.` : ''),
        evidence: [
          ...shown.map((a) => ({ text: `${a.label}: gets ${permissive}, would pass ${restrictive} after defaulting`, objects: a.objects })),
          ...[...grants.values()].slice(0, maxEvidence).map((g) => g.evidence),
        ],
        fix: binding && only?.subject ? removeGrantRequest(binding, only.subject, permissive) : undefined,
      };
    });
}
