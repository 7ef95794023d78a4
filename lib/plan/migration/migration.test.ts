import { describe, expect, it } from 'vitest';
import type { ClusterModel, Namespace, Workload } from '../../model/types';
import { aClusterRole, aClusterRoleBinding, aModel, aPsp, aRole, aRoleBinding, aServiceAccount, group, sa, useRule } from '../../testing/builders';
import { ALLOW_ALL, RUN_AS_ANY } from '../../testing/pod-builders';
import { demoModel } from '../../testing/demo';
import { DEFAULT_CONFIGURATION, parsePodSecurityConfiguration } from '../../pss/config';
import { applyPlanToStore, toStore } from '../in-memory';
import { planPspBypass } from './bypass';
import { planPspCleanup } from './cleanup';
import { copyNameOf, nonMutatingCopy, planNonMutatingCopy } from './copy';
import { labelsFor, planLabelNamespace, strictestLevelFor } from './label';
import { planImpact } from '../impact';
import type { PlanOperation } from '../types';

const ns = (name: string, labels?: Record<string, string>): Namespace => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, resourceVersion: '7', ...(labels ? { labels } : {}) } });

function deployment(namespace: string, name: string, container: Record<string, unknown> = {}, podSpec: Record<string, unknown> = {}, annotations?: Record<string, string>): Workload {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
    spec: { replicas: 0, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name }, ...(annotations ? { annotations } : {}) }, spec: { containers: [{ name: 'app', image: 'nginx', ...container }], ...podSpec } } },
  };
}

/** A field of an operation's object. */
const field = (op: PlanOperation, key: string) => (op.object as unknown as Record<string, unknown>)[key];

const RESTRICTED_CONTAINER = { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } };

describe('step 2: the non-mutating copy', () => {
  const mutating = aPsp('restricted', {
    ...RUN_AS_ANY, volumes: ['configMap', 'secret'], defaultAllowPrivilegeEscalation: false, allowPrivilegeEscalation: true, defaultAddCapabilities: ['NET_BIND_SERVICE'],
    readOnlyRootFilesystem: true, fsGroup: { rule: 'MustRunAs', ranges: [{ min: 1000, max: 2000 }] },
  });
  mutating.metadata.annotations = { 'seccomp.security.alpha.kubernetes.io/defaultProfileName': 'runtime/default', 'seccomp.security.alpha.kubernetes.io/allowedProfileNames': 'runtime/default' };

  it('drops what only mutates, folds default capabilities into allowed ones, keeps validation', () => {
    const c = nonMutatingCopy(mutating);
    expect(c.psp.metadata.name).toBe('0-restricted');
    expect(c.psp.spec.defaultAllowPrivilegeEscalation).toBeUndefined();
    expect(c.psp.spec.defaultAddCapabilities).toBeUndefined();
    expect(c.psp.spec.allowedCapabilities).toEqual(['NET_BIND_SERVICE']);
    expect(c.psp.spec.readOnlyRootFilesystem).toBeUndefined();
    expect(c.psp.spec.fsGroup).toEqual({ rule: 'MayRunAs', ranges: [{ min: 1000, max: 2000 }] });
    expect(c.psp.metadata.annotations).toEqual({ 'seccomp.security.alpha.kubernetes.io/allowedProfileNames': 'runtime/default' });
    expect(c.psp.spec.volumes).toEqual(['configMap', 'secret']);
    expect(c.removed.map((r) => r.field)).toEqual(['spec.defaultAllowPrivilegeEscalation', 'metadata.annotations[seccomp.security.alpha.kubernetes.io/defaultProfileName]', 'spec.defaultAddCapabilities', 'spec.readOnlyRootFilesystem', 'spec.fsGroup.rule']);
    expect(c.stillMutating).toEqual([]);
    expect(mutating.spec.defaultAddCapabilities).toEqual(['NET_BIND_SERVICE']); // the original is untouched
  });

  it('grants the copy where the original is granted, psp-util style, grants only, and tells which workloads switch', () => {
    const model = aModel({
      psps: [mutating],
      clusterRoles: [aClusterRole('use-restricted', [useRule('restricted')])],
      roles: [aRole('team', 'use-restricted', [useRule('restricted')])],
      clusterRoleBindings: [aClusterRoleBinding('all-sas', 'use-restricted', [group('system:serviceaccounts')])],
      roleBindings: [aRoleBinding('team', 'use-restricted', { kind: 'Role', name: 'use-restricted' }, [sa('team', 'builder')])],
      namespaces: [ns('team')],
      serviceAccounts: [aServiceAccount('team', 'default'), aServiceAccount('team', 'builder')],
      workloads: [deployment('team', 'web', { securityContext: { allowPrivilegeEscalation: true, readOnlyRootFilesystem: true } }, { securityContext: { fsGroup: 1000 } }, { 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' })],
    });
    const plan = planNonMutatingCopy(model, 'restricted');
    expect(plan.operations.map((o) => `${o.action} ${o.kind} ${o.namespace ?? ''}/${o.name}`)).toEqual([
      'create PodSecurityPolicy /0-restricted', 'create ClusterRole /psp-util.0-restricted', 'create ClusterRoleBinding /psp-util.0-restricted', 'create RoleBinding team/psp-util.0-restricted',
    ]);
    expect(field(plan.operations[2], 'subjects')).toEqual([{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:serviceaccounts' }]);
    expect(field(plan.operations[3], 'subjects')).toEqual([{ kind: 'ServiceAccount', name: 'builder', namespace: 'team' }]);
    // Which workloads would now get it: the admission engine on the model with the plan applied.
    expect(planImpact(model, plan, {}).changedPsp.map((w) => `${w.key}: ${w.pspBefore} → ${w.pspAfter}`)).toEqual(['Deployment/team/web: restricted → 0-restricted']);
  });

  it('is a no-op for a PSP that sets nothing purely mutating, and refuses an existing different 0- PSP', () => {
    const plain = aPsp('plain', { ...ALLOW_ALL });
    expect(planNonMutatingCopy(aModel({ psps: [plain] }), 'plain').noop).toMatch(/no copy is needed/);
    const squatter = aPsp(copyNameOf('restricted'), { ...ALLOW_ALL });
    expect(() => planNonMutatingCopy(aModel({ psps: [mutating, squatter] }), 'restricted')).toThrow(/exists and is not the copy/);
  });
});

describe('step 3: labels', () => {
  const model = (labels?: Record<string, string>, workloads: Workload[] = []): ClusterModel =>
    ({ ...aModel({ namespaces: [ns('shop', labels)], workloads }), source: { kind: 'live', name: 'x', serverVersion: 'v1.24.17', pspApiServed: true, state: 'live', readOnly: false } });

  it('audit first: all six labels, pinned to the server, enforce kept; other labels kept', () => {
    const plan = planLabelNamespace(model({ team: 'shop' }), { namespace: 'shop', level: 'restricted', phase: 'audit' });
    expect(plan.labels).toEqual({
      team: 'shop',
      'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/enforce-version': 'v1.24',
      'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/audit-version': 'v1.24',
      'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/warn-version': 'v1.24',
    });
    expect(plan.operations).toHaveLength(1);
    expect(plan.operations[0]).toMatchObject({ action: 'update', kind: 'Namespace', name: 'shop' });
    expect(plan.predictedServerWarnings).toEqual([]);
    expect(plan.notes).toContain('The same with kubectl: kubectl label --overwrite ns shop pod-security.kubernetes.io/enforce=privileged pod-security.kubernetes.io/enforce-version=v1.24 ' +
      'pod-security.kubernetes.io/audit=restricted pod-security.kubernetes.io/audit-version=v1.24 pod-security.kubernetes.io/warn=restricted pod-security.kubernetes.io/warn-version=v1.24 (try it first with --dry-run=server).');
  });

  it('enforce: refused workloads need an acknowledgement; the prediction names existing pods as the server does', () => {
    const bad = deployment('shop', 'web', { securityContext: { privileged: true } });
    const pod: Workload = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'shop' }, spec: { containers: [{ name: 'app', image: 'nginx', securityContext: { privileged: true } }] } };
    expect(() => planLabelNamespace(model({}, [bad, pod]), { namespace: 'shop', level: 'baseline', phase: 'enforce' })).toThrow(/would refuse the next pods of 2 workloads: Deployment shop\/web: privileged .*; Pod shop\/web-1: privileged/);
    const plan = planLabelNamespace(model({}, [bad, pod]), { namespace: 'shop', level: 'baseline', phase: 'enforce', acknowledgeRefusals: true });
    expect(plan.predictedServerWarnings).toEqual([
      'existing pods in namespace "shop" violate the new PodSecurity enforce level "baseline:v1.24"',
      'web-1: privileged',
    ]);
    expect(plan.warnings[0]).toMatch(/New pods of 2 workloads will be refused/);
  });

  it('the strictest level all templates meet; labelling again is a no-op; latest only when asked', () => {
    const ok = deployment('shop', 'api', RESTRICTED_CONTAINER);
    expect(strictestLevelFor(model({}, [ok]), 'shop', 'v1.24', 24)).toBe('restricted');
    expect(strictestLevelFor(model({}, [ok, deployment('shop', 'web')]), 'shop', 'v1.24', 24)).toBe('baseline');
    const labels = labelsFor({}, { level: 'baseline', version: 'v1.24', phase: 'enforce' }, DEFAULT_CONFIGURATION, 24);
    expect(planLabelNamespace(model(labels), { namespace: 'shop', level: 'baseline', phase: 'enforce' }).noop).toMatch(/already has/);
    expect(planLabelNamespace(model(), { namespace: 'shop', level: 'baseline', version: 'latest', phase: 'audit' }).warnings.join()).toMatch(/latest, as asked/);
  });

  it('an exempt namespace is said to be ignored', () => {
    const parsed = parsePodSecurityConfiguration('apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\nexemptions:\n  namespaces: [shop]\n');
    if (!parsed.ok) throw new Error(parsed.errors.join());
    expect(planLabelNamespace(model(), { namespace: 'shop', level: 'baseline', phase: 'audit' }, parsed.config).warnings.join()).toMatch(/exempt/);
  });
});

describe('step 3: the PSP bypass and its undo', () => {
  const enforced = { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.24' };
  const base = (labels?: Record<string, string>, extra: Partial<ClusterModel> = {}) => aModel({ psps: [aPsp('privileged', { ...ALLOW_ALL })], namespaces: [ns('shop', labels)], ...extra });

  it('binds the privileged PSP to the namespace\'s service accounts once it enforces a level', () => {
    expect(() => planPspBypass(base(), { namespace: 'shop', psp: 'privileged' })).toThrow(/enforces no Pod Security level/);
    const plan = planPspBypass(base(enforced), { namespace: 'shop', psp: 'privileged' });
    expect(plan.operations.map((o) => `${o.action} ${o.kind} ${o.namespace ?? ''}/${o.name}`)).toEqual(['create ClusterRole /psp-util.privileged', 'create RoleBinding shop/psp-util.privileged']);
    expect(field(plan.operations[1], 'subjects')).toEqual([{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:serviceaccounts:shop' }]);
  });

  it('undo deletes the RoleBinding it made, or only removes the group when others share it', () => {
    const rb = aRoleBinding('shop', 'psp-util.privileged', { kind: 'ClusterRole', name: 'psp-util.privileged' }, [group('system:serviceaccounts:shop')]);
    const undo = planPspBypass(base(enforced, { roleBindings: [rb] }), { namespace: 'shop', psp: 'privileged', undo: true });
    expect(undo.operations.map((o) => `${o.action} ${o.kind}`)).toEqual(['delete RoleBinding']);
    const shared = { ...rb, subjects: [...rb.subjects, sa('shop', 'x')] };
    const partial = planPspBypass(base(enforced, { roleBindings: [shared] }), { namespace: 'shop', psp: 'privileged', undo: true });
    expect(partial.operations[0].action).toBe('update');
    expect(field(partial.operations[0], 'subjects')).toEqual([sa('shop', 'x')]);
    expect(planPspBypass(base(enforced), { namespace: 'shop', psp: 'privileged', undo: true }).noop).toMatch(/nothing to undo/);
  });
});

describe('v1.25+: the cleanup plan', () => {
  const onV137 = (parts: Parameters<typeof aModel>[0]): ClusterModel => ({ ...aModel(parts), source: { kind: 'live', name: 'x', serverVersion: 'v1.37.2', pspApiServed: false, state: 'live', readOnly: false } });

  it('removes psp-util objects and use rules, bindings before roles, and keeps every other right', () => {
    const mixed = aClusterRole('ops', [useRule('x'), { apiGroups: ['policy'], resources: ['podsecuritypolicies', 'poddisruptionbudgets'], verbs: ['get', 'use'] }, { apiGroups: [''], resources: ['pods'], verbs: ['get'] }]);
    const model = onV137({
      clusterRoles: [aClusterRole('psp-util.x', [useRule('x')]), mixed, aClusterRole('only-psp', [useRule('y')]), aClusterRole('cluster-admin', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }])],
      clusterRoleBindings: [aClusterRoleBinding('psp-util.x', 'psp-util.x', [group('g')]), aClusterRoleBinding('ops', 'ops', [group('ops')]), aClusterRoleBinding('only-psp', 'only-psp', [group('g')])],
      roleBindings: [aRoleBinding('a', 'psp-util.x', { kind: 'ClusterRole', name: 'psp-util.x' }, [group('g')]), aRoleBinding('b', 'psp-util.gone', { kind: 'ClusterRole', name: 'psp-util.gone' }, [group('g')])],
    });
    const plan = planPspCleanup(model);
    expect(plan.operations.map((o) => `${o.action} ${o.kind} ${o.namespace ?? ''}/${o.name}`)).toEqual([
      'update ClusterRole /ops',
      'delete RoleBinding a/psp-util.x', 'delete RoleBinding b/psp-util.gone', 'delete ClusterRoleBinding /psp-util.x', 'delete ClusterRoleBinding /only-psp',
      'delete ClusterRole /psp-util.x', 'delete ClusterRole /only-psp',
    ]);
    expect(field(plan.operations[0], 'rules')).toEqual([
      { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['get', 'use'] },
      { apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
    ]);
    expect(plan.notes?.join()).toContain('1 role grants PSP use through a wildcard (cluster-admin); left as it is: it grants more than PSPs.');
  });

  it('is refused while the PSP API is served, and a no-op when nothing is left', () => {
    expect(() => planPspCleanup(aModel())).toThrow(/still serves/);
    expect(planPspCleanup(onV137({})).noop).toMatch(/nothing to clean/);
  });
});

describe('plans on the demo, through the in-memory store', () => {
  it('labelling shop applies to the in-memory store', () => {
    const model = demoModel();
    const label = planLabelNamespace(model, { namespace: 'shop', level: 'baseline', phase: 'enforce', acknowledgeRefusals: true });
    const store = toStore(model.namespaces.map((n) => ({ ...n })) as never);
    const next = applyPlanToStore(store, label, () => '1');
    expect((next.get('Namespace//shop')?.metadata as { labels: Record<string, string> }).labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
  });
});
