import type { ClusterModel, Psp } from '../model/types';
import { parseKey } from '../model/keys';
import { isPrivilegedPsp } from '../psp/privileged-settings';
import { compareNames } from '../rbac/grants';
import { resolvePspRelations, type PspRelations } from '../rbac/relations';
import { findBinding } from './evidence';
import { simulateFixImpact } from './fix-impact';
import { broadGrantFindings, everyDefaultServiceAccountFindings } from './rules/privileged-grants';
import { refusedWorkloadFindings } from './rules/refused-workloads';
import { shadowedPspFindings } from './rules/shadowed';
import { danglingFindings, incompleteReadFindings, noPspApiFindings, unusedPspFindings, wildcardGrantFindings } from './rules/hygiene';
import { simulateCluster, type ClusterSimulation } from './simulations';
import { SEVERITIES, type AuditOptions, type AuditReport, type AuditRuleId, type Finding, type Severity } from './types';

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

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) =>
    rank(a.severity) - rank(b.severity) || RULE_ORDER.indexOf(a.rule) - RULE_ORDER.indexOf(b.rule) || byTitle(a.title, b.title) || compareNames(a.id, b.id));
}

/** Grant-removing fixes (the ones that can break workloads) get the workloads they would break. */
function addFixImpact(model: ClusterModel, findings: Finding[], simulation: ClusterSimulation, opts: AuditOptions): void {
  const byRequest = new Map<string, Finding['fix']>();
  let budget = MAX_IMPACT_SIMULATIONS;
  for (const f of findings) {
    const fix = f.fix;
    if (!fix || !(f.rule === 'privileged-psp-broad-grant' || f.rule === 'shadowed-restrictive-psp')) continue;
    const key = JSON.stringify(fix.request);
    const known = byRequest.get(key);
    if (known?.impact) {
      f.fix = { ...fix, impact: known.impact };
      continue;
    }
    if (budget-- <= 0) continue;
    const ref = parseKey(f.evidence.find((e) => e.binding)?.binding ?? '');
    const binding = ref ? findBinding(model, ref) : undefined;
    const subjectRef = parseKey(f.evidence.find((e) => e.binding)?.subject ?? '');
    if (!binding || !subjectRef) continue;
    const subject = { kind: subjectRef.kind, name: subjectRef.name, ...(subjectRef.namespace ? { namespace: subjectRef.namespace } : {}) };
    // A new fix object: the finding may be a kept policy-only one, shared with an earlier report.
    f.fix = { ...fix, impact: simulateFixImpact(model, simulation, binding, subject, { useServiceAccountCredentials: opts.useServiceAccountCredentials }) };
    byRequest.set(key, f.fix);
  }
}

/**
 * The findings that read PSPs, RBAC, ServiceAccounts and Namespaces but no workload. They are kept
 * with the simulation's policy state (and the namespaces and relations they were computed from), so
 * an audit after a workload event does not compute them again. Copies: a report adds fix impact.
 */
function policyFindings(model: ClusterModel, rel: PspRelations, privileged: Psp[], simulation: ClusterSimulation, maxEvidence: number): Finding[] {
  const memo = simulation.simulator.derived('audit:policy-findings', () => ({ last: undefined as { namespaces: unknown; rel: PspRelations; maxEvidence: number; findings: Finding[] } | undefined }));
  const last = memo.last;
  if (!last || last.namespaces !== model.namespaces || last.rel !== rel || last.maxEvidence !== maxEvidence) {
    const findings = [
      ...broadGrantFindings(model, privileged),
      ...everyDefaultServiceAccountFindings(model, privileged, simulation.context.index, maxEvidence),
      ...wildcardGrantFindings(rel, maxEvidence),
      ...unusedPspFindings(model, rel),
    ];
    memo.last = { namespaces: model.namespaces, rel, maxEvidence, findings };
  }
  return memo.last!.findings.map((f) => ({ ...f }));
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
  if (model.source.pspApiServed) {
    const privileged = [...model.psps].filter((p) => isPrivilegedPsp(p.spec ?? {})).sort((a, b) => compareNames(a.metadata.name, b.metadata.name));
    const simulation = given ?? simulateCluster(model, controller);
    workloads = { simulated: simulation.outcomes.length, refused: simulation.outcomes.filter((o) => !o.allowed).length };
    const pspFindings = [
      ...policyFindings(model, rel, privileged, simulation, maxEvidence),
      ...shadowedPspFindings(model, simulation, maxEvidence),
      ...refusedWorkloadFindings(simulation.results, model.psps, maxEvidence, simulation.simulator.derived('audit:least-permissive', () => new WeakMap())),
    ];
    if (opts.simulateFixImpact !== false) addFixImpact(model, sortFindings(pspFindings), simulation, opts);
    findings.push(...pspFindings);
  }
  findings.push(...danglingFindings(model, [...model.warnings, ...rel.warnings]));
  const sorted = sortFindings(findings);
  const summary = Object.fromEntries(SEVERITIES.map((s) => [s, sorted.filter((f) => f.severity === s).length])) as Record<Severity, number>;
  return {
    ...(opts.now ? { generatedAt: opts.now.toISOString() } : {}),
    source: model.source,
    useServiceAccountCredentials: opts.useServiceAccountCredentials ?? true,
    summary,
    workloads,
    findings: sorted,
  };
}
