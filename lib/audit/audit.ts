import type { Binding, ClusterModel, Psp, Subject } from '../model/types';
import { parseKey } from '../model/keys';
import { isPrivilegedPsp } from '../psp/privileged-settings';
import { compareNames } from '../rbac/grants';
import { resolvePspRelations, type PspRelations } from '../rbac/relations';
import { findBinding } from './evidence';
import { changesAlong, sameItems } from '../model/map-along';
import { simulateFixImpact } from './fix-impact';
import { broadGrantFindings, everyDefaultServiceAccountFindings } from './rules/privileged-grants';
import { refusedWorkloadFindings } from './rules/refused-workloads';
import { shadowedPspFindings } from './rules/shadowed';
import { danglingFindings, incompleteReadFindings, noPspApiFindings, unusedPspFindings, wildcardGrantFindings } from './rules/hygiene';
import { simulateCluster, type ClusterSimulation, type SimulatedWorkloadResult } from './simulations';
import { SEVERITIES, type AuditOptions, type AuditReport, type AuditRuleId, type Finding, type FixImpact, type Severity } from './types';

/** Fixes whose impact is simulated, at most (each is one more simulation of every workload). */
const MAX_IMPACT_SIMULATIONS = 25;

const rank = (s: Severity) => SEVERITIES.indexOf(s);

/** Within a severity: who may run privileged pods first, then what admission actually does, then hygiene. */
const RULE_ORDER: AuditRuleId[] = [
  'no-psp-api', 'incomplete-read', 'privileged-psp-broad-grant', 'privileged-psp-every-default-sa', 'shadowed-restrictive-psp',
  'workload-refused', 'wildcard-use-grant', 'dangling-reference', 'unused-psp',
];

/** Numbers in titles compare as numbers ("9 workloads" before "10 workloads"). */
const titleCollator = new Intl.Collator('en', { numeric: true });
const byTitle = (a: string, b: string) => titleCollator.compare(a, b);

const compareFindings = (a: Finding, b: Finding) =>
  rank(a.severity) - rank(b.severity) || RULE_ORDER.indexOf(a.rule) - RULE_ORDER.indexOf(b.rule) || byTitle(a.title, b.title) || compareNames(a.id, b.id);

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}

/** Two fix impacts name the same workloads. */
const sameImpact = (a: FixImpact, b: FixImpact) => sameItems(a.refusedAfter, b.refusedAfter) && sameItems(a.changedPsp, b.changedPsp);

/**
 * Grant-removing fixes (the ones that can break workloads) get the workloads they would break. The
 * findings are not changed: a finding with its impact is a new object, the same one as in the last
 * audit of this policy state when the impact is the same (so that the sorted report can be patched).
 */
function withFixImpact(model: ClusterModel, findings: Finding[], simulation: ClusterSimulation, opts: AuditOptions): Finding[] {
  const last = simulation.simulator.derived('audit:with-impact', () => new WeakMap<Finding, Finding>());
  // What a finding's fix removes, read once per finding object (findings of an unchanged policy state are kept).
  const removals = simulation.simulator.derived('audit:fix-removals', () => new WeakMap<Finding, { key: string; binding?: Binding; subject?: Subject }>());
  const replaced = new Map<Finding, Finding>();
  const byRequest = new Map<string, FixImpact>();
  let budget = MAX_IMPACT_SIMULATIONS;
  const impactful = findings.filter((f) => f.fix && (f.rule === 'privileged-psp-broad-grant' || f.rule === 'shadowed-restrictive-psp'));
  for (const f of sortFindings(impactful)) {
    const fix = f.fix!;
    let removal = removals.get(f);
    if (!removal) {
      const ref = parseKey(f.evidence.find((e) => e.binding)?.binding ?? '');
      const subjectRef = parseKey(f.evidence.find((e) => e.binding)?.subject ?? '');
      removal = {
        key: JSON.stringify(fix.request),
        binding: ref ? findBinding(model, ref) : undefined,
        subject: subjectRef ? { kind: subjectRef.kind, name: subjectRef.name, ...(subjectRef.namespace ? { namespace: subjectRef.namespace } : {}) } : undefined,
      };
      removals.set(f, removal);
    }
    let impact = byRequest.get(removal.key);
    if (!impact) {
      if (budget-- <= 0) continue;
      const { binding, subject } = removal;
      if (!binding || !subject) continue;
      impact = simulateFixImpact(model, simulation, binding, subject, { useServiceAccountCredentials: opts.useServiceAccountCredentials });
      byRequest.set(removal.key, impact);
    }
    const before = last.get(f);
    const next = before?.fix?.impact && sameImpact(before.fix.impact, impact) ? before : { ...f, fix: { ...fix, impact } };
    last.set(f, next);
    replaced.set(f, next);
  }
  return findings.map((f) => replaced.get(f) ?? f);
}

/**
 * The findings that read PSPs, RBAC, ServiceAccounts, Namespaces and the model's warnings but no
 * workload. They are kept with the simulation's policy state (and what else they were computed
 * from), so an audit after a workload event does not compute them again.
 */
function policyFindings(model: ClusterModel, rel: PspRelations, privileged: Psp[], simulation: ClusterSimulation, maxEvidence: number): { psp: Finding[]; dangling: Finding[] } {
  type Kept = { namespaces: unknown; rel: PspRelations; maxEvidence: number; warnings: string; psp: Finding[]; dangling: Finding[] };
  const memo = simulation.simulator.derived('audit:policy-findings', () => ({ last: undefined as Kept | undefined }));
  const warnings = JSON.stringify(model.warnings);
  const last = memo.last;
  if (last && last.namespaces === model.namespaces && last.rel === rel && last.maxEvidence === maxEvidence && last.warnings === warnings) return last;
  const psp = model.source.pspApiServed
    ? [
        ...broadGrantFindings(model, privileged, simulation.context.index),
        ...everyDefaultServiceAccountFindings(model, privileged, simulation.context.index, maxEvidence),
        ...wildcardGrantFindings(rel, maxEvidence),
        ...unusedPspFindings(model, rel),
      ]
    : [];
  memo.last = { namespaces: model.namespaces, rel, maxEvidence, warnings, psp, dangling: danglingFindings(model, [...model.warnings, ...rel.warnings]) };
  return memo.last;
}

/** How many results are refused, counted along the changed results after a workload event (not over 15,000). */
function refusedCount(simulation: ClusterSimulation): number {
  const memo = simulation.simulator.derived('audit:refused-count', () => ({ last: undefined as { results: SimulatedWorkloadResult[]; refused: number } | undefined }));
  const { results } = simulation;
  const last = memo.last;
  const changes = last && changesAlong(results, last.results, 64);
  let refused = 0;
  if (last && changes) {
    refused = last.refused;
    for (const r of changes.added) if (!r.sim.allowed) refused++;
    for (const r of changes.removed) if (!r.sim.allowed) refused--;
  } else for (const r of results) if (!r.sim.allowed) refused++;
  memo.last = { results, refused };
  return refused;
}

const privilegedPsps = new WeakMap<Psp[], Psp[]>();

/** The privileged PSPs by name, once per PSP list (an audit after a pod event has the same list). */
function privilegedPspsOf(psps: Psp[]): Psp[] {
  let privileged = privilegedPsps.get(psps);
  if (!privileged) privilegedPsps.set(psps, (privileged = psps.filter((p) => isPrivilegedPsp(p.spec ?? {})).sort((a, b) => compareNames(a.metadata.name, b.metadata.name))));
  return privileged;
}

/**
 * The refused-workload findings, namespace by namespace (they are grouped per namespace). Kept with
 * the policy state: after a workload event only the namespaces of the results that changed are
 * grouped again (found by walking along the last results), and a namespace whose refused workloads
 * are the same results keeps its findings.
 */
function refusedFindings(model: ClusterModel, simulation: ClusterSimulation, maxEvidence: number): Finding[] {
  type Group = { results: SimulatedWorkloadResult[]; findings: Finding[] };
  const memo = simulation.simulator.derived('audit:refused', () => ({
    maxEvidence, byNamespace: new Map<string, Group>(), last: undefined as { results: SimulatedWorkloadResult[]; out: Finding[] } | undefined,
  }));
  if (memo.maxEvidence !== maxEvidence) {
    memo.byNamespace.clear();
    memo.last = undefined;
    memo.maxEvidence = maxEvidence;
  }
  if (memo.last?.results === simulation.results) return memo.last.out;
  const least = simulation.simulator.derived('audit:least-permissive', () => new WeakMap());
  const changes = memo.last ? changesAlong(simulation.results, memo.last.results, 64) : undefined;
  // undefined: every namespace is grouped again.
  const touched = changes ? new Set([...changes.added, ...changes.removed].map((r) => r.sim.namespace)) : undefined;
  const refused = new Map<string, SimulatedWorkloadResult[]>();
  if (!touched || touched.size) {
    for (const r of simulation.results) {
      if (r.sim.allowed || (touched && !touched.has(r.sim.namespace))) continue;
      let list = refused.get(r.sim.namespace);
      if (!list) refused.set(r.sim.namespace, (list = []));
      list.push(r);
    }
  }
  let changed = !memo.last;
  for (const namespace of touched ?? [...memo.byNamespace.keys()]) {
    if (!refused.has(namespace) && memo.byNamespace.delete(namespace)) changed = true;
  }
  for (const [namespace, results] of refused) {
    const kept = memo.byNamespace.get(namespace);
    if (kept && sameItems(kept.results, results)) continue;
    memo.byNamespace.set(namespace, { results, findings: refusedWorkloadFindings(results, model.psps, maxEvidence, least) });
    changed = true;
  }
  // In no particular order: the report is sorted.
  let out = memo.last?.out ?? [];
  if (changed) {
    // A loop, not flatMap: at 5,000 namespaces flatMap was the rule's slowest step after a pod event.
    out = [];
    for (const g of memo.byNamespace.values()) for (const f of g.findings) out.push(f);
  }
  memo.last = { results: simulation.results, out };
  return out;
}

/**
 * The findings sorted, patched from the last sorted list of this policy state when most findings
 * are the same objects (a workload event changes a few): the gone ones are dropped and the new ones
 * put in place, which gives what sorting them all gives (the order is total: ids are unique). Which
 * findings the last list holds is a map of each to the audit that last saw it (a stamp), updated in
 * place: no set of 8,000 findings made per event. The same findings give the same sorted list.
 */
function sortPatched(findings: Finding[], simulation: ClusterSimulation | undefined): Finding[] {
  type Sorted = { findings: Finding[]; sorted: Finding[]; stamps: Map<Finding, number>; stamp: number };
  const memo = simulation?.simulator.derived('audit:sorted', () => ({ last: undefined as Sorted | undefined }));
  const last = memo?.last;
  if (last?.findings === findings) return last.sorted;
  let next: Sorted | undefined;
  if (last) {
    const stamp = last.stamp + 1;
    const fresh: Finding[] = [];
    for (const f of findings) {
      if (last.stamps.has(f)) last.stamps.set(f, stamp);
      else fresh.push(f);
    }
    if (fresh.length * 8 <= findings.length) next = { findings, sorted: mergedIn(last.sorted, findings.length - fresh.length, sortFindings(fresh), last.stamps, stamp), stamps: last.stamps, stamp };
  }
  if (!next) {
    const sorted = sortFindings(findings);
    next = { findings, sorted, stamps: new Map(sorted.map((f) => [f, 0])), stamp: 0 };
  }
  if (memo) memo.last = next;
  return next.sorted;
}

/**
 * The `kept` findings of `sorted` stamped `stamp` (the others are gone, and forgotten) with `fresh`
 * (sorted, not in `sorted`) put in their places: each place found by a binary search, the list made
 * in one pass at its size.
 */
function mergedIn(sorted: Finding[], kept: number, fresh: Finding[], stamps: Map<Finding, number>, stamp: number): Finding[] {
  const places = fresh.map((f) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareFindings(sorted[mid], f) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  });
  if (kept === sorted.length && fresh.length === 0) return sorted;
  const out = new Array<Finding>(kept + fresh.length);
  let w = 0;
  let k = 0;
  for (let i = 0; i <= sorted.length; i++) {
    for (; k < fresh.length && places[k] === i; k++) {
      out[w++] = fresh[k];
      stamps.set(fresh[k], stamp);
    }
    if (i === sorted.length) break;
    const f = sorted[i];
    if (stamps.get(f) === stamp) out[w++] = f;
    else stamps.delete(f);
  }
  return out;
}

/**
 * Audits a cluster model: every rule, over one simulation of every top-level workload. Pure: the
 * model and the options in, a JSON-serialisable report out.
 */
export function auditCluster(
  model: ClusterModel, opts: AuditOptions = {}, rel: PspRelations = resolvePspRelations(model),
  /** The model's simulation when the caller keeps one (IncrementalAnalysis); computed otherwise. */
  given?: ClusterSimulation,
): AuditReport {
  const maxEvidence = opts.maxEvidence ?? 20;
  const controller = { useServiceAccountCredentials: opts.useServiceAccountCredentials };
  let findings: Finding[] = [...noPspApiFindings(model), ...incompleteReadFindings(model)];
  let workloads = { simulated: 0, refused: 0 };
  let simulation: ClusterSimulation | undefined;
  const privileged = privilegedPspsOf(model.psps);
  if (model.source.pspApiServed) {
    simulation = given ?? simulateCluster(model, controller);
    workloads = { simulated: simulation.results.length, refused: refusedCount(simulation) };
    const policy = policyFindings(model, rel, privileged, simulation, maxEvidence);
    const pspFindings = [...policy.psp, ...shadowedPspFindings(model, simulation, maxEvidence), ...refusedFindings(model, simulation, maxEvidence)];
    findings.push(...(opts.simulateFixImpact !== false ? withFixImpact(model, pspFindings, simulation, opts) : pspFindings), ...policy.dangling);
  } else {
    findings.push(...danglingFindings(model, [...model.warnings, ...rel.warnings]));
  }
  // The same findings as the last audit of this policy state (a pod event that changed none): its
  // list, which the sorted list is kept for.
  const assembled = simulation?.simulator.derived('audit:assembled', () => ({ last: undefined as Finding[] | undefined }));
  if (assembled?.last && sameItems(assembled.last, findings)) findings = assembled.last;
  else if (assembled) assembled.last = findings;
  const sorted = sortPatched(findings, simulation);
  const summary = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of sorted) summary[f.severity]++;
  return {
    ...(opts.now ? { generatedAt: opts.now.toISOString() } : {}),
    source: model.source,
    useServiceAccountCredentials: opts.useServiceAccountCredentials ?? true,
    summary,
    workloads,
    findings: sorted,
  };
}
