import { describe, expect, it } from 'vitest';
import { simulateCluster } from '../audit/simulations';
import { demoModel } from '../testing/demo';
import { planDeleteBinding, planRemoveSubject } from './bindings';
import { compareSimulations, modelAfterPlan, planImpact } from './impact';
import { planDeletePsp } from './psps';
import { attachChange, createPspChange } from './requests';
import type { Psp } from '../model/types';
import { buildModel } from '../sources/to-model';
import { generateLargeCluster, generateLargeClusterWorkloads, type LargeClusterSize } from '../testing/large-cluster';

const restricted: Psp = {
  apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: { name: 'restricted' },
  spec: {
    privileged: false, allowPrivilegeEscalation: false, requiredDropCapabilities: ['ALL'], hostNetwork: false, hostPID: false, hostIPC: false,
    volumes: ['configMap', 'emptyDir', 'projected', 'secret', 'downwardAPI', 'persistentVolumeClaim'],
    runAsUser: { rule: 'MustRunAsNonRoot' }, seLinux: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'MustRunAs', ranges: [{ min: 1, max: 65535 }] },
    fsGroup: { rule: 'MustRunAs', ranges: [{ min: 1, max: 65535 }] }, readOnlyRootFilesystem: false,
  },
} as Psp;
const everyone = { kind: 'Group', name: 'system:authenticated', apiGroup: 'rbac.authorization.k8s.io' } as const;

describe('planImpact', () => {
  it('deleting the binding that grants eks.privileged to everyone lists every workload that relied on it as refused after', () => {
    const model = demoModel();
    const plan = planDeleteBinding(model, { kind: 'ClusterRoleBinding', name: 'eks:podsecuritypolicy:authenticated' }, true);
    const impact = planImpact(model, plan, {});
    const before = simulateCluster(model, {}).outcomes;
    const admittedByPrivileged = before.filter((o) => o.allowed && o.psp === 'eks.privileged').map((o) => `${o.kind}/${o.namespace}/${o.name}`);
    expect(admittedByPrivileged.length).toBeGreaterThan(5);
    // Only eks.privileged exists, so nobody else has a PSP to fall back on: every one of them is refused.
    expect(impact.refusedAfter.map((w) => w.key).sort()).toEqual(admittedByPrivileged.sort());
    expect(impact.refusedAfter.every((w) => w.pspBefore === 'eks.privileged' && !w.pspAfter && !!w.message)).toBe(true);
    expect(impact.changedPsp).toEqual([]);
    expect(impact.simulated).toBe(before.length);
  });

  it('deleting the only PSP refuses every workload; a no-op plan simulates nothing new', () => {
    const model = demoModel();
    const impact = planImpact(model, planDeletePsp(model, 'eks.privileged'), {});
    expect(impact.refusedAfter.length).toBe(simulateCluster(model, {}).outcomes.filter((o) => o.allowed).length);
    const noop = planImpact(model, { summary: 'nothing', operations: [], warnings: [], noop: 'nothing to do' }, {});
    expect(noop.refusedAfter).toEqual([]);
  });

  it('attaching restricted to system:authenticated once eks.privileged is gone lists who is admitted again and who stays refused', () => {
    const model = demoModel();
    const withoutGrant = modelAfterPlan(model, planDeleteBinding(model, { kind: 'ClusterRoleBinding', name: 'eks:podsecuritypolicy:authenticated' }, true));
    const withPsp = modelAfterPlan(withoutGrant, createPspChange(restricted).plan(withoutGrant));
    const attach = attachChange({ psp: 'restricted', subjects: [everyone] }).plan(withPsp);
    const impact = planImpact(withPsp, attach, {});
    expect(impact.refusedAfter).toEqual([]);
    expect(impact.admittedAfter.length).toBeGreaterThan(0);
    expect(impact.admittedAfter.every((w) => w.pspAfter === 'restricted' && !w.pspBefore)).toBe(true);
    // aws-node runs privileged: restricted does not admit it, so it is not among the admitted.
    expect(impact.admittedAfter.map((w) => w.name)).not.toContain('aws-node');
  });

  it('a PSP that admits pods unchanged and sorts first takes over the workloads it fits: they switch PSP', () => {
    // PSP admission prefers, among the PSPs that admit a pod unchanged, the first by name.
    const model = demoModel();
    const baseline = { ...restricted, metadata: { name: 'baseline' }, spec: { seLinux: { rule: 'RunAsAny' }, runAsUser: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' }, volumes: ['*'] } } as Psp;
    const withPsp = modelAfterPlan(model, createPspChange(baseline).plan(model));
    const impact = planImpact(withPsp, attachChange({ psp: 'baseline', subjects: [everyone], acknowledgeRisk: true }).plan(withPsp), {});
    expect(impact.refusedAfter).toEqual([]);
    expect(impact.changedPsp.length).toBeGreaterThan(0);
    expect(impact.changedPsp.every((w) => w.pspBefore === 'eks.privileged' && w.pspAfter === 'baseline')).toBe(true);
    expect(impact.changedPsp.map((w) => w.name)).not.toContain('aws-node');
  });

  it('a plan that leaves PSPs and ServiceAccounts alone shares the cases of "now": the same impact as simulating everything again, only new cases simulated', () => {
    const model = demoModel();
    const plans = [
      ...model.clusterRoleBindings.map((b) => planDeleteBinding(model, { kind: 'ClusterRoleBinding', name: b.metadata.name }, true)),
      ...model.roleBindings.map((b) => planDeleteBinding(model, { kind: 'RoleBinding', name: b.metadata.name, namespace: b.metadata.namespace }, true)),
      attachChange({ psp: 'eks.privileged', subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'shop' }] }).plan(model),
      attachChange({ psp: 'eks.privileged', subjects: [{ kind: 'Group', name: 'system:serviceaccounts:shop' }], namespace: 'shop' }).plan(model),
      attachChange({ psp: 'eks.privileged', subjects: [{ kind: 'User', name: 'alice' }] }).plan(model),
      // Emptying the rules of every role that grants a PSP (all its bindings' subjects are reached).
      ...model.clusterRoles.filter((r) => r.rules.some((rule) => rule.resources?.includes('podsecuritypolicies'))).map((r) => ({
        summary: `empty ${r.metadata.name}`, warnings: [],
        operations: [{ action: 'update' as const, kind: 'ClusterRole', apiVersion: 'rbac.authorization.k8s.io/v1', name: r.metadata.name, object: { ...r, rules: [] }, before: r }],
      })),
      // Each subject taken out of each binding: the targeted path (only workloads the subject reaches).
      ...[...model.clusterRoleBindings, ...model.roleBindings].flatMap((b) => b.subjects.map((subject) =>
        planRemoveSubject(model, { kind: b.kind, name: b.metadata.name, namespace: b.kind === 'RoleBinding' ? b.metadata.namespace : undefined }, subject, true))),
    ];
    let changed = 0;
    let added = 0;
    let simulatedAlone = 0;
    for (const plan of plans) {
      // A fresh "now" per plan, so that its case count says what this preview added.
      const before = simulateCluster(model, {});
      const cases = before.simulator.caseCount;
      const after = modelAfterPlan(model, plan);
      expect(after.psps).toBe(model.psps);
      const alone = simulateCluster(after, {});
      const impact = planImpact(model, plan, {}, before);
      expect(impact).toEqual(compareSimulations(before, alone));
      changed += impact.refusedAfter.length + impact.changedPsp.length + impact.admittedAfter.length;
      added += before.simulator.caseCount - cases;
      simulatedAlone += alone.simulator.caseCount;
      // The same preview again finds every case it needs.
      const again = before.simulator.caseCount;
      expect(planImpact(model, plan, {}, before)).toEqual(impact);
      expect(before.simulator.caseCount).toBe(again);
    }
    // Some of the plans change admission, so the comparison above is not between two empty lists;
    // the new cases went into the shared simulator, a fraction of what the changed model alone needs.
    expect(changed).toBeGreaterThan(0);
    expect(added).toBeGreaterThan(0);
    expect(added).toBeLessThan(simulatedAlone / 2);
  });

  it('a plan that changes a PSP is simulated on its own, not on the cases of "now"', () => {
    const model = demoModel();
    const before = simulateCluster(model, {});
    const cases = before.simulator.caseCount;
    const plan = createPspChange(restricted).plan(model);
    expect(planImpact(model, plan, {}, before)).toEqual(compareSimulations(before, simulateCluster(modelAfterPlan(model, plan), {})));
    expect(before.simulator.caseCount).toBe(cases);
  });

  it('modelAfterPlan replaces updated objects and leaves the original model alone', () => {
    const model = demoModel();
    const plan = planDeleteBinding(model, { kind: 'ClusterRoleBinding', name: 'eks:podsecuritypolicy:authenticated' }, true);
    const after = modelAfterPlan(model, plan);
    expect(after.clusterRoleBindings.some((b) => b.metadata.name === 'eks:podsecuritypolicy:authenticated')).toBe(false);
    expect(model.clusterRoleBindings.some((b) => b.metadata.name === 'eks:podsecuritypolicy:authenticated')).toBe(true);
  });

  it('after an RBAC-only plan, sharing the cases of "now" gives what simulating the changed model from nothing gives', () => {
    const SMALL: LargeClusterSize = { psps: 10, clusterRoles: 50, roles: 90, clusterRoleBindings: 50, roleBindings: 200, serviceAccounts: 300, namespaces: 15 };
    const raw = [...generateLargeCluster(SMALL, 9), ...generateLargeClusterWorkloads(SMALL, 300, 4)];
    const model = buildModel({ objects: raw.map((object, i) => ({ object, where: `#${i}` })), source: demoModel().source, computeAggregation: true });
    const now = simulateCluster(model, {});
    let changes = 0;
    const plans = [
      ...model.clusterRoleBindings.slice(0, 12).map((b) => planDeleteBinding(model, { kind: 'ClusterRoleBinding', name: b.metadata.name }, true)),
      ...model.roleBindings.slice(0, 12).map((b) => planRemoveSubject(model, { kind: 'RoleBinding', namespace: b.metadata.namespace, name: b.metadata.name }, b.subjects[0], true)),
      attachChange({ psp: model.psps[0].metadata.name, subjects: [everyone], acknowledgeRisk: true }).plan(model),
    ];
    for (const plan of plans) {
      const shared = planImpact(model, plan, {}, now);
      expect(now.simulator.sharesCasesWith(modelAfterPlan(model, plan)), plan.summary).toBe(true);
      expect(shared, plan.summary).toEqual(compareSimulations(now, simulateCluster(modelAfterPlan(model, plan), {})));
      changes += shared.refusedAfter.length + shared.changedPsp.length + shared.admittedAfter.length;
    }
    // Meaningful only if some plans change some outcomes.
    expect(changes).toBeGreaterThan(0);
  }, 60_000);
});

