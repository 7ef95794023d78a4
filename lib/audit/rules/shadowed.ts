import { canUse } from '../../access/can-use';
import type { SimulationContext } from '../../access/simulate-workload';
import { objectKey } from '../../model/keys';
import type { ClusterModel, Psp, Subject, Workload } from '../../model/types';
import { isPrivilegedPsp } from '../../psp/privileged-settings';
import { compareNames } from '../../rbac/grants';
import { chainEvidence, findBinding, removeGrantRequest } from '../evidence';
import { changesAlong, mapFollowing, sameItems } from '../../model/map-along';
import { identitiesOf, type AuditedSimulation, type ClusterSimulation, type SimulatedWorkloadResult } from '../simulations';
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

/** One workload's (or probe's) part in one shadowed pair. */
interface Contribution {
  pairKey: string;
  pair: ShadowPair;
  affected: Affected;
}

const privilegedNames = new WeakMap<Psp[], Set<string>>();

function privilegedOf(psps: Psp[]): Set<string> {
  let names = privilegedNames.get(psps);
  if (!names) privilegedNames.set(psps, (names = new Set(psps.filter((p) => isPrivilegedPsp(p.spec ?? {})).map((p) => p.metadata.name))));
  return names;
}

/**
 * How many results each namespace has (a namespace without any gets the probe), kept along the
 * results: after a pod event only the changed results are counted, not 15,000.
 */
function namespacesWithWorkloads(memo: ShadowMemo, results: SimulatedWorkloadResult[]): ReadonlyMap<string, number> {
  const last = memo.namespaceCounts;
  const changes = last && changesAlong(results, last.results, 64);
  let counts: Map<string, number>;
  if (changes) {
    counts = last.counts;
    for (const r of changes.added) counts.set(r.sim.namespace, (counts.get(r.sim.namespace) ?? 0) + 1);
    for (const r of changes.removed) {
      const n = (counts.get(r.sim.namespace) ?? 0) - 1;
      if (n > 0) counts.set(r.sim.namespace, n);
      else counts.delete(r.sim.namespace);
    }
  } else {
    counts = new Map();
    for (const r of results) counts.set(r.sim.namespace, (counts.get(r.sim.namespace) ?? 0) + 1);
  }
  memo.namespaceCounts = { results, counts };
  return counts;
}

interface ShadowMemo {
  /** The results by namespace, counted (namespacesWithWorkloads). */
  namespaceCounts?: { results: SimulatedWorkloadResult[]; counts: Map<string, number> };
  /** Each result's contributions, for walking along after a workload event. */
  results?: { results: SimulatedWorkloadResult[]; contributions: Contribution[][] };
  /** Each probed namespace's contributions (a probe's simulation does not change under one policy state). */
  probes: Map<string, Contribution[]>;
  /** The last answer: the contributions it was made of, in order, and each pair's affected list and finding. */
  last?: { maxEvidence: number; contributions: Contribution[][]; byPair: Map<string, { affected: Affected[]; finding: Finding }>; findings: Finding[] };
}

/**
 * Kept with the policy state: each workload's and each probed namespace's contributions are made
 * once, and a pair whose affected workloads are the same as in the last audit keeps its finding (the
 * same object, which the fix impact and the sorted report reuse). After a pod event that changes no
 * pair, the last findings stand.
 */
export function shadowedPspFindings(model: ClusterModel, simulation: ClusterSimulation, maxEvidence: number): Finding[] {
  const privileged = privilegedOf(model.psps);
  const { context } = simulation;
  const grantOf = grantFinder(simulation);
  const memo = simulation.simulator.derived('audit:shadowed', (): ShadowMemo => ({ probes: new Map() }));
  const contributionsOf = (sim: AuditedSimulation, label: string, objects: string[]): Contribution[] =>
    shadowedBy(sim, privileged, context).map((pair) => ({ pairKey: `${pair.restrictive}\u0000${pair.permissive}`, pair, affected: { label, objects, grant: grantOf(sim, pair.permissive) } }));
  const ofResult = (r: SimulatedWorkloadResult) => contributionsOf(r.sim, `${r.workload.kind} ${r.sim.namespace}/${r.workload.metadata.name}`, [r.key]);
  // Following the last audit's results: after a pod event only its workload is looked at.
  const perResult = mapFollowing(simulation.results, memo.results?.results, memo.results?.contributions, ofResult);
  // Before memo.results moves on: the namespaces are counted along the same last results.
  const withWorkloads = namespacesWithWorkloads(memo, simulation.results);
  memo.results = { results: simulation.results, contributions: perResult };
  const contributions = perResult.filter((c) => c.length > 0);
  for (const n of model.namespaces) {
    const ns = n.metadata.name;
    if (withWorkloads.has(ns)) continue;
    let probed = memo.probes.get(ns);
    if (!probed) {
      probed = contributionsOf(simulation.simulator.simulate(probeDeployment(ns)), `a plain Deployment (no securityContext) in namespace ${ns}`, [objectKey('Namespace', undefined, ns)]);
      memo.probes.set(ns, probed);
    }
    if (probed.length) contributions.push(probed);
  }
  const last = memo.last?.maxEvidence === maxEvidence ? memo.last : undefined;
  if (last && sameItems(last.contributions, contributions)) return last.findings;
  const pairs = new Map<string, { pair: ShadowPair; affected: Affected[] }>();
  for (const list of contributions) {
    for (const c of list) {
      let entry = pairs.get(c.pairKey);
      if (!entry) pairs.set(c.pairKey, (entry = { pair: c.pair, affected: [] }));
      entry.affected.push(c.affected);
    }
  }
  const byPair = new Map<string, { affected: Affected[]; finding: Finding }>();
  const findings = [...pairs]
    .sort(([, a], [, b]) => compareNames(a.pair.restrictive, b.pair.restrictive) || compareNames(a.pair.permissive, b.pair.permissive))
    .map(([key, { pair, affected }]) => {
      const kept = last?.byPair.get(key);
      const finding = kept && sameItems(kept.affected, affected) ? kept.finding : shadowedFinding(model, pair, affected, maxEvidence);
      byPair.set(key, { affected, finding });
      return finding;
    });
  memo.last = { maxEvidence, contributions, byPair, findings };
  return findings;
}


function shadowedFinding(model: ClusterModel, { restrictive, permissive }: ShadowPair, affected: Affected[], maxEvidence: number): Finding {
  const grants = new Map<string, NonNullable<Affected['grant']>>();
  for (const a of affected) if (a.grant) grants.set(a.grant.evidence.text, a.grant);
  const only = grants.size === 1 && affected.every((a) => a.grant) ? [...grants.values()][0] : undefined;
  const binding = only?.binding ? findBinding(model, only.binding) : undefined;
  const shown = affected.slice(0, maxEvidence);
  const more = affected.length - shown.length;
  const psp = model.psps.find((p) => p.metadata.name === permissive)!;
  return {
    id: `shadowed-restrictive-psp:${restrictive}:${permissive}`,
    rule: 'shadowed-restrictive-psp' as const,
    severity: 'high' as const,
    title: `${restrictive} is shadowed by ${permissive}`,
    detail:
      `The pods of ${affected.length} workload${affected.length === 1 ? '' : 's'} (or plain Deployment${affected.length === 1 ? '' : 's'}) would pass ${restrictive} once it fills in its defaults, but ${permissive} admits them as they are, ` +
      `and Kubernetes picks a PSP that needs no change over one that does. So they get ${permissive} (${criticalSettingsText(psp)}) and run without ${restrictive}'s defaults.` +
      (more > 0 ? ` ${more} more are not listed.` : ''),
    evidence: [
      ...shown.map((a) => ({ text: `${a.label}: gets ${permissive}, would pass ${restrictive} after defaulting`, objects: a.objects })),
      ...[...grants.values()].slice(0, maxEvidence).map((g) => g.evidence),
    ],
    fix: binding && only?.subject ? removeGrantRequest(binding, only.subject, permissive) : undefined,
  };
}
