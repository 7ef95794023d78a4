// The impact of a change preview on the large generated cluster with its workloads: "now" comes
// from the per-source simulation the audit shares; the preview simulates the model after its plan.
// Shown for RBAC-only plans, each from a cold "now" (no case of the plan simulated yet): the way the
// preview does it (the cases of "now" shared; for binding changes only the workloads their subjects
// reach) next to simulating the changed model alone; the two must agree.
import { simulateCluster } from '../lib/audit/simulations';
import type { ClusterModel } from '../lib/model/types';
import { planDeleteBinding } from '../lib/plan/bindings';
import { compareSimulations, modelAfterPlan, planImpact } from '../lib/plan/impact';
import { attachChange } from '../lib/plan/requests';
import type { Plan } from '../lib/plan/types';
import { buildModel, type RawObject } from '../lib/sources/to-model';
import { generateLargeClusterWorkloads } from '../lib/testing/large-cluster';

type Time = <T>(label: string, runs: number, fn: () => T) => T;

export function benchPreviewImpact(raw: RawObject[], time: Time): void {
  const workloads = generateLargeClusterWorkloads();
  const source = { kind: 'snapshot' as const, name: 'bench', pspApiServed: true, state: 'static' as const, readOnly: true };
  const model: ClusterModel = buildModel({ objects: [...raw, ...workloads].map((object, i) => ({ object, where: `object ${i}` })), source, computeAggregation: true });
  const binding = model.clusterRoleBindings.find((b) => b.subjects.length > 0)!;
  const sa = model.serviceAccounts.find((s) => s.metadata.namespace !== 'kube-system')!;
  const plans: [string, Plan][] = [
    [`delete ClusterRoleBinding ${binding.metadata.name}`, planDeleteBinding(model, { kind: 'ClusterRoleBinding', name: binding.metadata.name }, true)],
    [`attach ${model.psps[0].metadata.name} to ServiceAccount ${sa.metadata.namespace}/${sa.metadata.name}`,
      attachChange({ psp: model.psps[0].metadata.name, subjects: [{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: sa.metadata.namespace }], acknowledgeRisk: true }).plan(model)],
  ];
  for (const [name, plan] of plans) {
    // A fresh "now" per run (outside the timing), as a first preview of this plan finds it.
    const nows = Array.from({ length: 3 }, () => simulateCluster(model, {}));
    let run = 0;
    const alone = time(`preview impact, the changed model alone: ${name}`, 3, () => compareSimulations(nows[run++], simulateCluster(modelAfterPlan(model, plan), {})));
    run = 0;
    const impact = time(`preview impact (planImpact): ${name}`, 3, () => planImpact(model, plan, {}, nows[run++]));
    const again = time('  the same preview again', 3, () => planImpact(model, plan, {}, nows[0]));
    if (JSON.stringify(again) !== JSON.stringify(impact) || JSON.stringify(alone) !== JSON.stringify(impact)) throw new Error('the preview impact differs from simulating the changed model alone');
    console.log(`  ${impact.refusedAfter.length} refused after, ${impact.changedPsp.length} switch PSP, ${impact.admittedAfter.length} admitted after, of ${impact.simulated}.`);
  }
}
