// The audit on the large generated cluster with its generated workloads: every rule, one simulation
// of every workload, and the simulated impact of the fixes.
import { auditCluster } from '../lib/audit/audit';
import { IncrementalAnalysis } from '../lib/audit/incremental';
import { auditToCsv, auditToMarkdown } from '../lib/audit/export';
import { simulateWorkloads } from '../lib/access/simulate-workload';
import type { ClusterModel } from '../lib/model/types';
import { buildModel, type RawObject } from '../lib/sources/to-model';
import { generateLargeClusterWorkloads } from '../lib/testing/large-cluster';
import { simulateCluster } from '../lib/audit/simulations';
import { planDeleteBinding } from '../lib/plan/bindings';
import { planImpact } from '../lib/plan/impact';

export function benchAudit(raw: RawObject[], time: <T>(label: string, runs: number, fn: () => T) => T): void {
  const workloads = generateLargeClusterWorkloads();
  const source = { kind: 'snapshot' as const, name: 'bench', pspApiServed: true, state: 'static' as const, readOnly: true };
  const model: ClusterModel = buildModel({ objects: [...raw, ...workloads].map((object, i) => ({ object, where: `object ${i}` })), source, computeAggregation: true });
  console.log(`Audit input: the large cluster plus ${model.workloads.length} generated workloads.`);
  const outcomes = time(`simulate all ${model.workloads.length} workloads (one by one)`, 3, () => simulateWorkloads(model));
  time('workload outcomes, each distinct case once (cold)', 5, () => new IncrementalAnalysis().outcomes(model));
  time('audit, without fix impact', 5, () => auditCluster(model, { simulateFixImpact: false }));
  const report = time('audit, with fix impact (default)', 3, () => auditCluster(model));
  // Every change preview lists the workloads it refuses or moves (lib/plan/impact.ts): "now" is
  // simulated once per model (cached by the server), each preview simulates the model after its plan.
  const now = simulateCluster(model, {});
  const binding = model.clusterRoleBindings.find((b) => b.subjects.length > 0)!;
  const plan = planDeleteBinding(model, { kind: 'ClusterRoleBinding', name: binding.metadata.name }, true);
  const impact = time(`preview impact: delete ClusterRoleBinding ${binding.metadata.name}`, 3, () => planImpact(model, plan, {}, now));
  console.log(`Preview impact: ${impact.refusedAfter.length} refused after, ${impact.changedPsp.length} switch PSP, ${impact.admittedAfter.length} admitted after, of ${impact.simulated}.`);
  time('audit exports (Markdown + CSV)', 5, () => auditToMarkdown(report).length + auditToCsv(report).length);
  // As the live source follows a cluster: the same objects, one bare pod more each time.
  const analysis = new IncrementalAnalysis();
  analysis.audit(model);
  let current = model.workloads;
  time('audit + outcomes after one pod event (incremental)', 10, () => {
    const pod = { apiVersion: 'v1', kind: 'Pod' as const, metadata: { name: `event-${current.length}`, namespace: 'ns-001' }, spec: { containers: [{ name: 'app', image: 'x', securityContext: { privileged: true } }] } };
    current = [...current, pod];
    const next = { ...model, workloads: current };
    return analysis.outcomes(next).length + analysis.audit(next).findings.length;
  });
  const byRule = new Map<string, number>();
  for (const f of report.findings) byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
  const withImpact = report.findings.filter((f) => f.fix?.impact).length;
  console.log(`Simulation: ${outcomes.filter((o) => !o.allowed).length} of ${outcomes.length} workloads refused.`);
  console.log(`Audit: ${report.findings.length} findings (${Object.entries(report.summary).map(([s, n]) => `${n} ${s}`).join(', ')}); ${withImpact} fixes with simulated impact.`);
  console.log(`  by rule: ${[...byRule].map(([r, n]) => `${r} ${n}`).join(', ')}`);
}
