// The migration plans on the large generated cluster with its 5,000 generated workloads: what one
// request plans (a namespace's labels with the prediction of the server's warnings, the bypass, a
// PSP's non-mutating copy, the overview), and the v1.25+ cleanup of the whole cluster's PSP RBAC.
import type { ClusterModel } from '../lib/model/types';
import { planPspBypass } from '../lib/plan/migration/bypass';
import { planPspCleanup } from '../lib/plan/migration/cleanup';
import { planNonMutatingCopy } from '../lib/plan/migration/copy';
import { planLabelNamespace } from '../lib/plan/migration/label';
import { plansOverview } from '../lib/plan/migration/overview';
import { buildModel, type RawObject } from '../lib/sources/to-model';
import { generateLargeClusterWorkloads } from '../lib/testing/large-cluster';

export function benchPlans(raw: RawObject[], time: <T>(label: string, runs: number, fn: () => T) => T): void {
  const source = { kind: 'snapshot' as const, name: 'bench', pspApiServed: true, state: 'static' as const, readOnly: true };
  const model: ClusterModel = buildModel({ objects: [...raw, ...generateLargeClusterWorkloads()].map((object, i) => ({ object, where: `object ${i}` })), source, computeAggregation: true });
  const byNs = new Map<string, number>();
  for (const w of model.workloads) byNs.set(w.metadata.namespace ?? 'default', (byNs.get(w.metadata.namespace ?? 'default') ?? 0) + 1);
  const busiest = [...byNs].sort((a, b) => b[1] - a[1])[0][0];
  console.log(`Migration plans: ${model.namespaces.length} namespaces, ${model.workloads.length} workloads (busiest namespace ${busiest}: ${byNs.get(busiest)}).`);
  const overview = time('plans overview (GET …/pod-security/plans)', 5, () => plansOverview(model));
  time(`label plan + prediction, enforce, ${busiest}`, 5, () => planLabelNamespace(model, { namespace: busiest, level: 'restricted', phase: 'enforce', acknowledgeRefusals: true }));
  time(`label plans, audit, all ${model.namespaces.length} namespaces`, 1, () => model.namespaces.map((n) => planLabelNamespace(model, { namespace: n.metadata.name, level: 'baseline', phase: 'audit' })).length);
  const psp = overview.bypassPsps[0] ?? model.psps[0].metadata.name;
  time(`bypass plan (${psp} in ${busiest})`, 5, () => planPspBypass(model, { namespace: busiest, psp, acknowledgeRisk: true }));
  const mutating = overview.mutating[0]?.psp;
  if (mutating) time(`non-mutating copy plan (${mutating})`, 5, () => planNonMutatingCopy(model, mutating));
  const v137: ClusterModel = { ...model, source: { ...model.source, pspApiServed: false, serverVersion: 'v1.37.2' } };
  const cleanup = time('cleanup plan, whole cluster (v1.25+)', 5, () => planPspCleanup(v137));
  console.log(`  ${overview.mutating.length} mutating PSPs, ${overview.bypassPsps.length} for the bypass; the cleanup would change ${cleanup.operations.length} objects.`);
}
