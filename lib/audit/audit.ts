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
 * inserted in place, which gives what sorting them all gives (the order is total: ids are unique).
 */
function sortPatched(findings: Finding[], simulation: ClusterSimulation | undefined): Finding[] {
  const memo = simulation?.simulator.derived('audit:sorted', () => ({ last: undefined as { sorted: Finding[]; set: Set<Finding> } | undefined }));
  const last = memo?.last;
  const fresh = last ? findings.filter((f) => !last.set.has(f)) : findings;
  let sorted: Finding[];
  let set: Set<Finding>;
  if (!last || fresh.length * 8 > findings.length) {
    sorted = sortFindings(findings);
    set = new Set(findings);
  } else {
    // No duplicates: as many kept as the last list holds means none is gone.
    const keptCount = findings.length - fresh.length;
    let gone: Finding[] = [];
    if (keptCount === last.sorted.length) sorted = [...last.sorted];
    else {
      const present = new Set(findings);
      sorted = last.sorted.filter((f) => present.has(f));
      gone = last.sorted.filter((f) => !present.has(f));
    }
    for (const f of sortFindings(fresh)) {
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (compareFindings(sorted[mid], f) <= 0) lo = mid + 1;
        else hi = mid;
      }
      sorted.splice(lo, 0, f);
    }
    // The set is the memo's own (the last report keeps its sorted list, never this set).
    set = last.set;
    for (const f of gone) set.delete(f);
    for (const f of fresh) set.add(f);
  }
  if (memo) memo.last = { sorted, set };
  return sorted;
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
  const findings: Finding[] = [...noPspApiFindings(model), ...incompleteReadFindings(model)];
  let workloads = { simulated: 0, refused: 0 };
  let simulation: ClusterSimulation | undefined;
  const privileged = privilegedPspsOf(model.psps);
  if (model.source.pspApiServed) {
    simulation = given ?? simulateCluster(model, controller);
    workloads = { simulated: simulation.results.length, refused: simulation.results.filter((r) => !r.sim.allowed).length };
    const policy = policyFindings(model, rel, privileged, simulation, maxEvidence);
    const pspFindings = [...policy.psp, ...shadowedPspFindings(model, simulation, maxEvidence), ...refusedFindings(model, simulation, maxEvidence)];
    findings.push(...(opts.simulateFixImpact !== false ? withFixImpact(model, pspFindings, simulation, opts) : pspFindings), ...policy.dangling);
  } else {
    findings.push(...danglingFindings(model, [...model.warnings, ...rel.warnings]));
  }
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
