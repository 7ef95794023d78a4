import { describe, expect, it } from 'vitest';
import { managedStateFromModel, planAttach, planClean, planDetach, type AttachRequest } from './attach';
import { planDeleteBinding, planRemoveSubject } from './bindings';
import { applyPlanToStore, exportKubectl, exportYaml, netChanges, toStore } from './in-memory';
import { pspFromTemplate } from './templates';
import { planCreatePsp, planDeletePsp, validatePspManifest } from './psps';
import type { Plan } from './types';
import { demoModel } from '../testing/demo';
import { aClusterRole, aClusterRoleBinding, aModel, aPsp, aRoleBinding, group, sa, user, useRule } from '../testing/builders';
import { buildModel, type RawObject } from '../sources/to-model';
import { renderTree } from '../tree/render-tree';
import type { ClusterModel } from '../model/types';
import { AppError } from '../errors';
import { ARTICLE_FINAL_TREE } from '../testing/article';

const attach = (model: ClusterModel, req: AttachRequest) => planAttach(req, managedStateFromModel(model, req.psp, req.namespace));
const asPlan = (p: ReturnType<typeof planAttach>): Plan => {
  if ('refused' in p) throw new Error(`refused: ${p.refused.reason}`);
  return p;
};

describe('planAttach', () => {
  it('one subject named twice in a request is added once', () => {
    const plan = asPlan(attach(aModel({ psps: [aPsp('p')] }), { psp: 'p', subjects: [group('ops'), group('ops'), sa('team-a', 'ci'), { kind: 'ServiceAccount', name: 'ci', namespace: 'team-a', apiGroup: '' } as never] }));
    expect((plan.operations[1].object as unknown as { subjects: unknown[] }).subjects).toEqual([
      { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'ops' },
      { kind: 'ServiceAccount', name: 'ci', namespace: 'team-a' },
    ]);
    const onExisting = asPlan(attach(existing, { psp: 'p', subjects: [group('ops'), group('ops')] }));
    expect((onExisting.operations[0].object as unknown as { subjects: unknown[] }).subjects).toHaveLength(2);
  });

  it('bindings left without their psp-util role: re-creating it would revive their subjects, so it needs acknowledging', () => {
    const dangling = aModel({
      psps: [aPsp('p')],
      clusterRoleBindings: [aClusterRoleBinding('psp-util.p', 'psp-util.p', [group('old-team')])],
      roleBindings: [aRoleBinding('team-b', 'psp-util.p', { kind: 'ClusterRole', name: 'psp-util.p' }, [sa('team-b', 'default')])],
    });
    const refused = attach(dangling, { psp: 'p', subjects: [group('new-team')] });
    expect('refused' in refused && refused.refused.reason).toMatch(
      /^ClusterRole psp-util\.p is missing, but bindings to it remain: ClusterRoleBinding psp-util\.p \(Group old-team\); RoleBinding team-b\/psp-util\.p \(ServiceAccount team-b\/default\)\. Creating the role .* Clean them first/,
    );
    const acknowledged = asPlan(attach(dangling, { psp: 'p', subjects: [group('new-team')], acknowledgeRisk: true }));
    expect(acknowledged.operations.map((o) => `${o.action} ${o.kind}`)).toEqual(['create ClusterRole', 'update ClusterRoleBinding']);
    expect(acknowledged.warnings.join(' ')).toMatch(/gives PodSecurityPolicy p back to the subjects of ClusterRoleBinding psp-util\.p \(Group old-team\)/);
    // Attaching the very subject the dangling binding names revives nobody else: no question asked.
    const only = aModel({ psps: [aPsp('p')], clusterRoleBindings: [aClusterRoleBinding('psp-util.p', 'psp-util.p', [group('old-team')])] });
    expect('refused' in attach(only, { psp: 'p', subjects: [group('old-team')] })).toBe(false);
  });

  it('creates the psp-util ClusterRole and ClusterRoleBinding exactly as psp-util does', () => {
    const plan = asPlan(attach(aModel({ psps: [aPsp('restricted')] }), { psp: 'restricted', subjects: [{ kind: 'Group', name: 'system:authenticated' }] }));
    expect(plan.operations).toEqual([
      expect.objectContaining({ action: 'create', kind: 'ClusterRole', name: 'psp-util.restricted', object: expect.objectContaining({
        metadata: { name: 'psp-util.restricted', annotations: { 'psp-util.k8s.jlandowner.com/psp': 'restricted' }, labels: { 'app.kubernetes.io/managed-by': 'psp-dashboard' } },
        rules: [{ apiGroups: ['policy'], resources: ['podsecuritypolicies'], resourceNames: ['restricted'], verbs: ['use'] }],
      }) }),
      expect.objectContaining({ action: 'create', kind: 'ClusterRoleBinding', name: 'psp-util.restricted', object: expect.objectContaining({
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'psp-util.restricted' },
        subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' }],
      }) }),
    ]);
  });

  const existing = aModel({
    psps: [aPsp('p')],
    clusterRoles: [aClusterRole('psp-util.p', [useRule('p')])],
    clusterRoleBindings: [aClusterRoleBinding('psp-util.p', 'psp-util.p', [{ kind: 'Group', name: 'eks' }])],
  });

  it('appends to the existing binding, and a second attach is a no-op that says so', () => {
    const plan = asPlan(attach(existing, { psp: 'p', subjects: [sa('kube-system', 'aws-node')] }));
    expect(plan.operations).toHaveLength(1);
    expect(plan.operations[0]).toMatchObject({ action: 'update', kind: 'ClusterRoleBinding' });
    expect((plan.operations[0].object as unknown as { subjects: unknown[] }).subjects).toEqual([{ kind: 'Group', name: 'eks' }, { kind: 'ServiceAccount', name: 'aws-node', namespace: 'kube-system' }]);
    // The stored subject lacks apiGroup; psp-util would not recognise it (whole-struct equality).
    const again = asPlan(attach(existing, { psp: 'p', subjects: [group('eks')] }));
    expect(again.operations).toEqual([]);
    expect(again.noop).toBe('Group eks is already attached to p; nothing to do.');
  });

  it('refuses to reuse a psp-util role that grants something else, unless asked to repair it', () => {
    const tampered = aModel({ psps: [aPsp('p')], clusterRoles: [aClusterRole('psp-util.p', [useRule('p'), { apiGroups: [''], resources: ['secrets'], verbs: ['get'] }])] });
    expect(() => attach(tampered, { psp: 'p', subjects: [group('g')] })).toThrow(/rules are not the single "use p" rule/);
    const repaired = asPlan(attach(tampered, { psp: 'p', subjects: [group('g')], repair: true }));
    expect(repaired.operations[0]).toMatchObject({ action: 'update', kind: 'ClusterRole' });
    expect((repaired.operations[0].object as unknown as { rules: unknown[] }).rules).toEqual([useRule('p')]);
  });

  it('grants per namespace with a RoleBinding to the same ClusterRole', () => {
    const plan = asPlan(attach(existing, { psp: 'p', subjects: [group('system:serviceaccounts:team-a')], namespace: 'team-a' }));
    expect(plan.operations).toEqual([expect.objectContaining({ action: 'create', kind: 'RoleBinding', name: 'psp-util.p', namespace: 'team-a' })]);
    expect(plan.operations[0].object).toMatchObject({ metadata: { namespace: 'team-a' }, roleRef: { kind: 'ClusterRole', name: 'psp-util.p' } });
  });

  it('asks for acknowledgement before granting a privileged PSP to a broad subject, and says why', () => {
    const model = aModel({ psps: [pspFromTemplate('privileged', 'priv'), pspFromTemplate('restricted', 'restricted')] });
    for (const subject of [group('system:authenticated'), group('system:serviceaccounts'), sa('kube-system', 'replicaset-controller'), user('system:serviceaccount:kube-system:daemon-set-controller'), group('system:serviceaccounts:kube-system')]) {
      const r = attach(model, { psp: 'priv', subjects: [subject] });
      expect(r, JSON.stringify(subject)).toHaveProperty('refused.field', 'acknowledgeRisk');
    }
    expect((attach(model, { psp: 'priv', subjects: [group('system:authenticated')] }) as { refused: { reason: string } }).refused.reason).toMatch(/every Deployment, DaemonSet and Job in every namespace/);
    expect(attach(model, { psp: 'priv', subjects: [group('system:authenticated')], acknowledgeRisk: true })).not.toHaveProperty('refused');
    // Narrow subjects, or a restricted PSP, need no acknowledgement (the article's procedure).
    expect(attach(model, { psp: 'priv', subjects: [sa('kube-system', 'aws-node')] })).not.toHaveProperty('refused');
    expect(attach(model, { psp: 'priv', subjects: [group('system:serviceaccounts:kube-system')], namespace: 'kube-system' })).not.toHaveProperty('refused');
    expect(attach(model, { psp: 'restricted', subjects: [group('system:authenticated')] })).not.toHaveProperty('refused');
  });

  it('refuses a missing PSP with not_found', () => {
    expect(() => attach(aModel(), { psp: 'nope', subjects: [group('g')] })).toThrow(AppError);
  });
});

describe('planDetach and planClean', () => {
  const model = aModel({
    psps: [aPsp('p')],
    clusterRoles: [aClusterRole('psp-util.p', [useRule('p')])],
    clusterRoleBindings: [aClusterRoleBinding('psp-util.p', 'psp-util.p', [{ kind: 'Group', name: 'eks' }, sa('kube-system', 'coredns')])],
  });
  it('removes the subject (matched without apiGroup) and keeps an emptied binding', () => {
    const plan = planDetach({ psp: 'p', subjects: [group('eks'), sa('kube-system', 'coredns')] }, managedStateFromModel(model, 'p'));
    expect(plan.operations).toHaveLength(1);
    expect(plan.operations[0]).toMatchObject({ action: 'update' });
    expect((plan.operations[0].object as unknown as { subjects: unknown[] }).subjects).toEqual([]);
    expect(planDetach({ psp: 'p', subjects: [group('other')] }, managedStateFromModel(model, 'p')).noop).toMatch(/not attached/);
  });
  it('clean deletes the bindings and the role, never the PSP', () => {
    const plan = planClean(model, 'p');
    expect(plan.operations.map((o) => [o.action, o.kind, o.name])).toEqual([['delete', 'ClusterRoleBinding', 'psp-util.p'], ['delete', 'ClusterRole', 'psp-util.p']]);
  });
});

describe('foreign bindings', () => {
  it('need confirmation, and say when the role grants more than PSP use', () => {
    const model = demoModel();
    expect(() => planDeleteBinding(model, { kind: 'ClusterRoleBinding', name: 'eks:podsecuritypolicy:authenticated' })).toThrow(/not managed by psp-util or this dashboard/);
    const plan = planDeleteBinding(model, { kind: 'ClusterRoleBinding', name: 'eks:podsecuritypolicy:authenticated' }, true);
    expect(plan.operations).toEqual([expect.objectContaining({ action: 'delete', kind: 'ClusterRoleBinding', name: 'eks:podsecuritypolicy:authenticated' })]);
    expect(plan.warnings).toEqual([]);
    const err = (() => { try { planRemoveSubject(model, { kind: 'ClusterRoleBinding', name: 'cluster-admin' }, group('system:masters')); } catch (e) { return e as AppError; } })();
    expect(err?.message).toMatch(/ClusterRole cluster-admin grants more than PodSecurityPolicy use/);
  });
});

describe('PSP plans', () => {
  it('validates manifests the way the API server would', () => {
    expect(() => validatePspManifest({ metadata: { name: 'x' }, spec: { seLinux: { rule: 'RunAsAny' }, runAsUser: { rule: 'MustRunAs' }, supplementalGroups: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' } } }))
      .toThrow(/spec\.runAsUser\.ranges: rule MustRunAs needs at least one range/);
    expect(() => validatePspManifest({ metadata: { name: 'Bad_Name' }, spec: {} })).toThrow(/metadata\.name/);
    expect(() => validatePspManifest({ metadata: { name: 'x' }, spec: { ...pspFromTemplate('restricted', 'x').spec, volumes: ['hostpath'] } })).toThrow(/spec\.volumes\.0/);
    expect(() => validatePspManifest({ metadata: { name: 'x' }, spec: { ...pspFromTemplate('restricted', 'x').spec, privleged: true } })).toThrow(/privleged/);
    expect(validatePspManifest(pspFromTemplate('baseline', 'b')).metadata.name).toBe('b');
  });
  it('warns before deleting a PSP still granted or carried by pods', () => {
    const model = demoModel();
    model.workloads.push({ kind: 'Pod', metadata: { name: 'web-1', namespace: 'shop', annotations: { 'kubernetes.io/psp': 'eks.privileged' } }, spec: {} });
    const plan = planDeletePsp(model, 'eks.privileged');
    expect(plan.warnings.join('\n')).toMatch(/Still granted by ClusterRole eks:podsecuritypolicy:privileged/);
    expect(plan.warnings.join('\n')).toMatch(/1 pod\(s\) were admitted with it/);
    expect(() => planCreatePsp(model, pspFromTemplate('privileged', 'eks.privileged'))).toThrow(/already exists/);
  });
});

describe('the article procedure on the demo, in memory', () => {
  it("ends in the article's final tree, and the export says the same", () => {
    const base = toStore(rawDemo());
    let store = base;
    let v = 0;
    const model = () => buildModel({ objects: [...store.values()].map((object) => ({ object, where: 'x' })), source: demoModel().source, computeAggregation: true });
    const apply = (plan: Plan) => (store = applyPlanToStore(store, plan, () => String(++v)));
    const att = (req: AttachRequest) => apply(asPlan(attach(model(), req)));

    apply(planCreatePsp(model(), pspFromTemplate('restricted', 'restricted')));
    apply(planDeleteBinding(model(), { kind: 'ClusterRoleBinding', name: 'eks:podsecuritypolicy:authenticated' }, true));
    att({ psp: 'restricted', subjects: [group('system:authenticated')] });
    att({ psp: 'restricted', subjects: [group('system:unauthenticated')] });
    att({ psp: 'eks.privileged', subjects: [group('eks')] });
    att({ psp: 'eks.privileged', subjects: [group('system:masters')] });
    for (const name of ['aws-node', 'kube-proxy', 'alb-ingress-controller', 'coredns']) att({ psp: 'eks.privileged', subjects: [sa('kube-system', name)] });

    expect(renderTree(model())).toBe(ARTICLE_FINAL_TREE);
    const changes = netChanges(base, store);
    expect(changes.delete).toEqual([{ kind: 'ClusterRoleBinding', apiVersion: 'rbac.authorization.k8s.io/v1', name: 'eks:podsecuritypolicy:authenticated', namespace: undefined }]);
    expect(changes.apply.map((o) => `${o.kind}/${(o.metadata as { name: string }).name}`)).toEqual([
      'PodSecurityPolicy/restricted', 'ClusterRole/psp-util.eks.privileged', 'ClusterRole/psp-util.restricted', 'ClusterRoleBinding/psp-util.eks.privileged', 'ClusterRoleBinding/psp-util.restricted',
    ]);
    const yaml = exportYaml(changes);
    expect(yaml).toContain('#   kubectl delete clusterrolebinding eks:podsecuritypolicy:authenticated');
    expect(yaml).not.toContain('resourceVersion');
    expect(exportKubectl(changes)).toMatch(/^kubectl delete clusterrolebinding eks:podsecuritypolicy:authenticated$/m);
  });

  it('refuses a stale plan with a conflict, changing nothing', () => {
    const store = toStore(rawDemo());
    const m = buildModel({ objects: [...store.values()].map((object) => ({ object, where: 'x' })), source: demoModel().source, computeAggregation: true });
    const plan1 = asPlan(attach(m, { psp: 'eks.privileged', subjects: [group('a')] }));
    const plan2 = asPlan(attach(m, { psp: 'eks.privileged', subjects: [group('b')] }));
    let v = 0;
    const after1 = applyPlanToStore(store, plan1, () => String(++v));
    expect(() => applyPlanToStore(after1, plan2, () => String(++v))).toThrow(/already exists/);
  });
});

function rawDemo(): RawObject[] {
  const m = demoModel();
  return [...m.psps, ...m.clusterRoles, ...m.roles, ...m.clusterRoleBindings, ...m.roleBindings, ...m.serviceAccounts, ...m.namespaces, ...m.workloads] as unknown as RawObject[];
}
