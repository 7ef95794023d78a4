import { describe, expect, it } from 'vitest';
import type { ClusterModel, Namespace, PspSpec, Workload } from '../model/types';
import { attachBodySchema, detachBodySchema, removeSubjectBodySchema } from '../schemas/mutations';
import { aClusterRole, aClusterRoleBinding, aModel, aPsp, aRoleBinding, aServiceAccount, group, sa, useRule, user } from '../testing/builders';
import { demoModel } from '../testing/demo';
import { pspFromTemplate } from '../plan/templates';
import { ALLOW_ALL, RUN_AS_ANY } from '../testing/pod-builders';
import { auditCluster, sortFindings } from './audit';
import { shellQuote } from './evidence';
import type { AuditRuleId, Finding } from './types';

const RESTRICTED: PspSpec = {
  ...RUN_AS_ANY, runAsUser: { rule: 'MustRunAsNonRoot' }, allowPrivilegeEscalation: false, requiredDropCapabilities: ['ALL'],
  volumes: ['configMap', 'secret', 'emptyDir', 'projected', 'downwardAPI', 'persistentVolumeClaim'],
};

const ns = (name: string, labels?: Record<string, string>): Namespace => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(labels ? { labels } : {}) } });

function deployment(namespace: string, name: string, podSpec: Record<string, unknown> = {}): Workload {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
    spec: { template: { spec: { containers: [{ name: 'app', image: 'x' }], ...podSpec } } },
  };
}

const privilegedContainer = { containers: [{ name: 'app', image: 'x', securityContext: { privileged: true } }] };

function findings(model: ClusterModel, rule?: AuditRuleId): Finding[] {
  return auditCluster(model, { simulateFixImpact: false }).findings.filter((f) => !rule || f.rule === rule);
}

const grantPrivileged = (...subjects: Parameters<typeof aClusterRoleBinding>[2]) => aModel({
  namespaces: [ns('a'), ns('b')],
  psps: [aPsp('privileged', ALLOW_ALL), aPsp('restricted', RESTRICTED)],
  clusterRoles: [aClusterRole('use-privileged', [useRule('privileged')]), aClusterRole('use-restricted', [useRule('restricted')])],
  clusterRoleBindings: [aClusterRoleBinding('privileged-for-some', 'use-privileged', subjects)],
});

describe('auditCluster: privileged PSPs that reach far', () => {
  it.each([
    ['system:authenticated', group('system:authenticated')],
    ['system:unauthenticated', group('system:unauthenticated')],
    ['system:serviceaccounts', group('system:serviceaccounts')],
    ['the service accounts of kube-system', group('system:serviceaccounts:kube-system')],
    ['replicaset-controller', sa('kube-system', 'replicaset-controller')],
    ['daemon-set-controller as a user name', user('system:serviceaccount:kube-system:daemon-set-controller')],
    ['the controller manager', user('system:kube-controller-manager')],
  ])('a ClusterRoleBinding to %s is critical, with its chain and a fix', (_what, subject) => {
    const [f] = findings(grantPrivileged(subject), 'privileged-psp-broad-grant');
    expect(f.severity).toBe('critical');
    expect(f.evidence[0]).toMatchObject({
      binding: 'ClusterRoleBinding//privileged-for-some', role: 'ClusterRole//use-privileged', ruleIndex: 0, psp: 'PodSecurityPolicy//privileged',
    });
    expect(f.fix?.request).toEqual({ method: 'DELETE', path: '/api/v1/bindings/ClusterRoleBinding/privileged-for-some' });
  });

  it('ordinary subjects, system:masters and restrictive PSPs are not findings', () => {
    expect(findings(grantPrivileged(user('alice'), sa('a', 'builder'), group('system:masters')), 'privileged-psp-broad-grant')).toEqual([]);
    const restrictedForAll = aModel({
      psps: [aPsp('restricted', RESTRICTED)],
      clusterRoles: [aClusterRole('use-restricted', [useRule('restricted')])],
      clusterRoleBindings: [aClusterRoleBinding('all', 'use-restricted', [group('system:authenticated')])],
    });
    expect(findings(restrictedForAll, 'privileged-psp-broad-grant')).toEqual([]);
  });

  it('a binding with other subjects: the fix removes only the broad one, in a body the route accepts', () => {
    const [f] = findings(grantPrivileged(user('alice'), group('system:authenticated')), 'privileged-psp-broad-grant');
    expect(f.fix?.request).toEqual({
      method: 'DELETE', path: '/api/v1/bindings/ClusterRoleBinding/privileged-for-some/subjects',
      body: { subject: { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' } },
    });
    expect(removeSubjectBodySchema.safeParse(f.fix?.request.body).success).toBe(true);
    // The same with kubectl: a JSON patch that checks the name at that index before removing it.
    expect(f.fix?.kubectl).toBe(`kubectl patch clusterrolebinding privileged-for-some --type=json -p '[{"op":"test","path":"/subjects/1/name","value":"system:authenticated"},{"op":"remove","path":"/subjects/1"}]'`);
  });

  it('kubectl commands quote what the shell would read otherwise', () => {
    expect(shellQuote('eks:podsecuritypolicy:authenticated')).toBe('eks:podsecuritypolicy:authenticated');
    expect(shellQuote("it's $HOME")).toBe(`'it'\\''s $HOME'`);
  });

  it('a psp-util managed binding is fixed by detach; a RoleBinding grant is high and scoped', () => {
    const model = aModel({
      namespaces: [ns('team')],
      psps: [aPsp('privileged', ALLOW_ALL)],
      clusterRoles: [aClusterRole('psp-util.privileged', [useRule('privileged')])],
      roleBindings: [{
        ...aRoleBinding('team', 'psp-util.privileged', { kind: 'ClusterRole', name: 'psp-util.privileged' }, [group('system:serviceaccounts')]),
        metadata: { name: 'psp-util.privileged', namespace: 'team', annotations: { 'psp-util.k8s.jlandowner.com/psp': 'privileged' } },
      }],
    });
    const [f] = findings(model, 'privileged-psp-broad-grant');
    expect(f).toMatchObject({ severity: 'high', title: 'privileged usable by system:serviceaccounts in namespace team' });
    expect(f.fix?.request).toEqual({
      method: 'POST', path: '/api/v1/detach',
      body: { psp: 'privileged', namespace: 'team', subject: { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:serviceaccounts' } },
    });
    expect(detachBodySchema.safeParse(f.fix?.request.body).success).toBe(true);
  });

  it('every namespace default service account, granted one by one, is critical; one namespace missing is not', () => {
    const model = grantPrivileged(sa('a', 'default'), sa('b', 'default'));
    const [f] = findings(model, 'privileged-psp-every-default-sa');
    expect(f.severity).toBe('critical');
    expect(f.evidence.map((e) => e.subject)).toEqual(['ServiceAccount/a/default', 'ServiceAccount/b/default']);
    expect(findings(grantPrivileged(sa('a', 'default')), 'privileged-psp-every-default-sa')).toEqual([]);
    // system:serviceaccounts covers them too, but that is already the broad-subject finding.
    expect(findings(grantPrivileged(group('system:serviceaccounts')), 'privileged-psp-every-default-sa')).toEqual([]);
  });
});

describe('auditCluster: a restrictive PSP shadowed by a permissive one', () => {
  const both = (workloads: Workload[], restrictedTo = group('system:authenticated')) => aModel({
    namespaces: [ns('shop'), ns('empty')],
    psps: [aPsp('eks.privileged', ALLOW_ALL), aPsp('restricted', RESTRICTED)],
    clusterRoles: [aClusterRole('use-privileged', [useRule('eks.privileged')]), aClusterRole('use-restricted', [useRule('restricted')])],
    clusterRoleBindings: [
      aClusterRoleBinding('privileged-all', 'use-privileged', [group('system:authenticated')]),
      aClusterRoleBinding('restricted-all', 'use-restricted', [restrictedTo]),
    ],
    workloads,
  });

  it('a plain pod passes restricted after defaulting, yet gets eks.privileged as it is', () => {
    const [f] = findings(both([deployment('shop', 'web')]), 'shadowed-restrictive-psp');
    expect(f).toMatchObject({ severity: 'high', title: 'restricted is shadowed by eks.privileged' });
    expect(f.evidence.map((e) => e.text)).toEqual([
      'Deployment shop/web: gets eks.privileged, would pass restricted after defaulting',
      'a plain Deployment (no securityContext) in namespace empty: gets eks.privileged, would pass restricted after defaulting',
      expect.stringContaining('Group system:authenticated → ClusterRoleBinding privileged-all'),
    ]);
    expect(f.fix?.request.path).toBe('/api/v1/bindings/ClusterRoleBinding/privileged-all');
  });

  it('not when the pod needs no defaulting, nor when restricted is not usable by it', () => {
    const compliant = deployment('shop', 'web', {
      securityContext: { runAsNonRoot: true },
      containers: [{ name: 'app', image: 'x', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    });
    const m = both([compliant]);
    m.namespaces = [ns('shop')];
    expect(findings(m, 'shadowed-restrictive-psp')).toEqual([]);
    const unusable = both([deployment('shop', 'web')], user('nobody'));
    expect(findings(unusable, 'shadowed-restrictive-psp')).toEqual([]);
  });
});

describe('auditCluster: workloads no usable PSP admits', () => {
  const model = aModel({
    namespaces: [ns('ci')],
    serviceAccounts: [aServiceAccount('ci', 'runner'), aServiceAccount('ci', 'default')],
    psps: [aPsp('privileged', ALLOW_ALL), aPsp('restricted', RESTRICTED), aPsp('host-network', { ...ALLOW_ALL, privileged: false })],
    clusterRoles: [aClusterRole('use-restricted', [useRule('restricted')])],
    clusterRoleBindings: [aClusterRoleBinding('restricted-sas', 'use-restricted', [group('system:serviceaccounts')])],
    workloads: [deployment('ci', 'runner', { serviceAccountName: 'runner', ...privilegedContainer }), deployment('ci', 'fine')],
  });

  it('a workload whose service account does not exist is refused before PSP, with the server\'s message', () => {
    const m = { ...model, workloads: [...model.workloads, deployment('ci', 'orphan', { serviceAccountName: 'gone' })] };
    const f = findings(m, 'workload-refused');
    expect(f.map((x) => x.title)).toEqual(['Deployment ci/orphan would be refused', 'Deployment ci/runner would be refused']);
    expect(JSON.stringify(f[0].evidence)).toContain('pods \\"orphan-\\" is forbidden: error looking up service account ci/gone: serviceaccount \\"gone\\" not found');
  });

  it('reports the refused one, with the refusal and the least permissive PSP that would admit it', () => {
    const f = findings(model, 'workload-refused');
    expect(f.map((x) => x.title)).toEqual(['Deployment ci/runner would be refused']);
    expect(f[0].severity).toBe('high');
    expect(f[0].evidence.map((e) => e.text)).toEqual([
      'pods "runner-" is forbidden: PodSecurityPolicy: unable to admit pod: [spec.containers[0].securityContext.privileged: Invalid value: true: Privileged containers are not allowed]',
      'Would admit the pod, but neither the service account nor the requester may use: privileged',
      'host-network refuses it: spec.containers[0].securityContext.privileged: Invalid value: true: Privileged containers are not allowed',
      'restricted refuses it: spec.containers[0].securityContext.privileged: Invalid value: true: Privileged containers are not allowed',
    ]);
    expect(f[0].fix?.request).toEqual({ method: 'POST', path: '/api/v1/attach', body: { psp: 'privileged', namespace: 'ci', workloads: { namespace: 'ci', items: [{ kind: 'Deployment', name: 'runner' }] } } });
    expect(attachBodySchema.safeParse(f[0].fix?.request.body).success).toBe(true);
    expect(auditCluster(model).workloads).toEqual({ simulated: 2, refused: 1 });
  });

  it('groups the refused workloads of a namespace by the least permissive PSP that would admit them: one finding, one attach', () => {
    const more = { ...model, workloads: [...model.workloads, deployment('ci', 'builder', privilegedContainer), deployment('ci', 'hostpath', { volumes: [{ name: 'h', hostPath: { path: '/' } }] })] };
    const f = findings(more, 'workload-refused');
    expect(f.map((x) => x.title)).toEqual(['2 workloads in ci would be refused', 'Deployment ci/hostpath would be refused']);
    expect(f[0].evidence.map((e) => e.objects)).toEqual([['Deployment/ci/runner'], ['Deployment/ci/builder']]);
    expect(f[0].fix?.request.body).toMatchObject({ psp: 'privileged', workloads: { items: [{ kind: 'Deployment', name: 'runner' }, { kind: 'Deployment', name: 'builder' }] } });
    // A host path needs no privileged container: host-network (not privileged) is enough.
    expect(f[1].fix?.request.body).toMatchObject({ psp: 'host-network', workloads: { items: [{ kind: 'Deployment', name: 'hostpath' }] } });
  });

  it('a ReplicationController is a workload like the others: refused as replication-controller asks, its pods its own, its fix an attach the route takes', () => {
    const rc: Workload = { ...deployment('ci', 'legacy', privilegedContainer), apiVersion: 'v1', kind: 'ReplicationController' };
    const pod: Workload = {
      apiVersion: 'v1', kind: 'Pod', spec: rc.spec.template.spec,
      metadata: { name: 'legacy-x7k2p', namespace: 'ci', ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'legacy', controller: true }] },
    };
    const m = { ...model, workloads: [rc, pod] };
    const f = findings(m, 'workload-refused');
    expect(f.map((x) => x.title)).toEqual(['ReplicationController ci/legacy would be refused']);
    expect(f[0].evidence[0].text).toBe('pods "legacy-" is forbidden: PodSecurityPolicy: unable to admit pod: [spec.containers[0].securityContext.privileged: Invalid value: true: Privileged containers are not allowed]');
    expect(f[0].fix?.request.body).toEqual({ psp: 'privileged', namespace: 'ci', workloads: { namespace: 'ci', items: [{ kind: 'ReplicationController', name: 'legacy' }] } });
    expect(attachBodySchema.safeParse(f[0].fix?.request.body).success).toBe(true);
    expect(auditCluster(m).workloads).toEqual({ simulated: 1, refused: 1 });
  });
});

describe('auditCluster: grant hygiene', () => {
  it('dangling references, with a fix where the mutation API has one', () => {
    const model = aModel({
      serviceAccounts: [aServiceAccount('a', 'present')],
      psps: [aPsp('restricted', RESTRICTED)],
      clusterRoles: [aClusterRole('use', [useRule('restricted', 'gone')])],
      clusterRoleBindings: [aClusterRoleBinding('to-nothing', 'no-such-role', [user('u')]), aClusterRoleBinding('use', 'use', [sa('a', 'present'), sa('a', 'absent')])],
    });
    const f = findings(model, 'dangling-reference');
    const byCode = Object.fromEntries(f.map((x) => [x.id.split(':')[1], x]));
    expect(Object.keys(byCode).sort()).toEqual(['dangling-role-ref', 'missing-psp', 'missing-service-account']);
    expect(byCode['missing-psp'].severity).toBe('medium');
    expect(byCode['dangling-role-ref'].fix?.request).toEqual({ method: 'DELETE', path: '/api/v1/bindings/ClusterRoleBinding/to-nothing' });
    expect(byCode['missing-service-account'].fix?.request).toEqual({ method: 'DELETE', path: '/api/v1/bindings/ClusterRoleBinding/use/subjects', body: { subject: { kind: 'ServiceAccount', name: 'absent', namespace: 'a' } } });
    // Not low: a role of that name, created by anyone, activates the binding.
    expect(byCode['dangling-role-ref'].severity).toBe('medium');
  });

  it('a binding left without its psp-util role is high: the next attach of that PSP revives its subjects', () => {
    const model = aModel({
      psps: [aPsp('restricted', RESTRICTED)],
      clusterRoleBindings: [aClusterRoleBinding('psp-util.restricted', 'psp-util.restricted', [group('old-team')])],
    });
    const [f] = findings(model, 'dangling-reference');
    expect(f.severity).toBe('high');
    expect(f.detail).toMatch(/next attach of PodSecurityPolicy restricted .* re-creates ClusterRole psp-util\.restricted, and then Group old-team get restricted back/);
    expect(f.fix?.request).toEqual({ method: 'DELETE', path: '/api/v1/bindings/ClusterRoleBinding/psp-util.restricted' });
  });

  it('wildcard grants of use: medium for ordinary subjects, info when only system:masters holds them', () => {
    const model = aModel({
      psps: [aPsp('restricted', RESTRICTED)],
      clusterRoles: [
        aClusterRole('psp-admin', [{ apiGroups: ['policy'], resources: ['*'], verbs: ['*'] }]),
        aClusterRole('cluster-admin', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
        aClusterRole('named', [useRule('restricted')]),
      ],
      clusterRoleBindings: [
        aClusterRoleBinding('psp-admin', 'psp-admin', [user('bob')]),
        aClusterRoleBinding('cluster-admin', 'cluster-admin', [group('system:masters')]),
        aClusterRoleBinding('named', 'named', [user('carol')]),
      ],
    });
    const f = findings(model, 'wildcard-use-grant');
    expect(f.map((x) => [x.id, x.severity])).toEqual([
      ['wildcard-use-grant:ClusterRole//psp-admin', 'medium'],
      ['wildcard-use-grant:ClusterRole//cluster-admin', 'info'],
    ]);
    expect(f[0].evidence[0]).toMatchObject({ subject: 'User//bob', binding: 'ClusterRoleBinding//psp-admin', role: 'ClusterRole//psp-admin', ruleIndex: 0 });
  });

  it('a PSP only system:masters may use is reported as unused', () => {
    const model = aModel({ psps: [aPsp('lonely', RESTRICTED), aPsp('used', RESTRICTED)], clusterRoles: [aClusterRole('u', [useRule('used')])], clusterRoleBindings: [aClusterRoleBinding('u', 'u', [user('x')])] });
    expect(findings(model, 'unused-psp').map((f) => f.title)).toEqual(['lonely is usable by nobody']);
  });

  it('a cluster without the PSP API: the namespaces without Pod Security Admission enforcement, and nothing about PSPs', () => {
    const model = aModel({
      namespaces: [ns('kube-system'), ns('guarded', { 'pod-security.kubernetes.io/enforce': 'restricted' }), ns('open')],
      psps: [], workloads: [deployment('open', 'web', privilegedContainer)],
    });
    model.source = { ...model.source, pspApiServed: false, serverVersion: 'v1.25.3' };
    const report = auditCluster(model);
    expect(report.findings.map((f) => [f.rule, f.severity])).toEqual([['no-psp-api', 'high']]);
    expect(report.findings[0].evidence[0].objects).toEqual(['Namespace//open']);
  });
});

describe('auditCluster on the demo with a ReplicationController in shop', () => {
  it('the critical fix\'s impact names the RC among the workloads it would refuse', () => {
    const demo = demoModel();
    const rc: Workload = { ...deployment('shop', 'legacy'), apiVersion: 'v1', kind: 'ReplicationController' };
    const report = auditCluster({ ...demo, workloads: [...demo.workloads, rc] }, { now: new Date('2026-01-02T03:04:05Z') });
    expect(report.workloads).toEqual({ simulated: 12, refused: 0 });
    const impact = report.findings.find((f) => f.severity === 'critical')?.fix?.impact;
    expect(impact?.refusedAfter).toContain('ReplicationController/shop/legacy');
  });
});

describe('auditCluster on the demo cluster (EKS as shipped)', () => {
  const report = auditCluster(demoModel(), { now: new Date('2026-01-02T03:04:05Z') });

  it('finds eks.privileged usable by system:authenticated, critical, with its chain and its fix', () => {
    const critical = report.findings.filter((f) => f.severity === 'critical');
    expect(critical.map((f) => f.title)).toEqual(['eks.privileged usable by system:authenticated']);
    expect(critical[0].evidence).toEqual([expect.objectContaining({
      subject: 'Group//system:authenticated',
      binding: 'ClusterRoleBinding//eks:podsecuritypolicy:authenticated',
      role: 'ClusterRole//eks:podsecuritypolicy:privileged',
      ruleIndex: 0,
      rule: 'use on podsecuritypolicies in policy [eks.privileged]',
      psp: 'PodSecurityPolicy//eks.privileged',
    })]);
    expect(critical[0].fix?.request).toEqual({ method: 'DELETE', path: '/api/v1/bindings/ClusterRoleBinding/eks%3Apodsecuritypolicy%3Aauthenticated' });
    expect(critical[0].fix?.kubectl).toBe('kubectl delete clusterrolebinding eks:podsecuritypolicy:authenticated');
  });

  it('says that the fix alone would refuse every workload: they all rely on that grant', () => {
    const impact = report.findings[0].fix?.impact;
    expect(impact?.refusedAfter).toHaveLength(report.workloads.simulated);
    expect(impact?.refusedAfter).toContain('DaemonSet/kube-system/aws-node');
  });

  it('admits every workload now, and the rest is cluster-admin as information', () => {
    expect(report.workloads).toEqual({ simulated: 11, refused: 0 });
    expect(report.summary).toEqual({ critical: 1, high: 0, medium: 0, low: 0, info: 1 });
    expect(report.generatedAt).toBe('2026-01-02T03:04:05.000Z');
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});

describe('auditCluster on the demo in the middle of the article procedure', () => {
  // Step 3 done (restricted exists and system:authenticated may use it), the EKS binding not yet deleted.
  const demo = demoModel();
  const model: ClusterModel = {
    ...demo,
    psps: [...demo.psps, pspFromTemplate('restricted', 'restricted')],
    clusterRoles: [...demo.clusterRoles, aClusterRole('psp-util.restricted', [useRule('restricted')])],
    clusterRoleBindings: [...demo.clusterRoleBindings, aClusterRoleBinding('psp-util.restricted', 'psp-util.restricted', [group('system:authenticated')])],
  };

  it('restricted is shadowed: plain pods pass it after defaulting, but eks.privileged admits them as they are', () => {
    const [f] = findings(model, 'shadowed-restrictive-psp');
    expect(f.title).toBe('restricted is shadowed by eks.privileged');
    const shadowed = f.evidence.flatMap((e) => e.objects ?? []);
    expect(shadowed).toEqual(expect.arrayContaining(['Deployment/shop/web', 'Deployment/analytics/ingest', 'Namespace//default']));
    // kube-proxy runs privileged: restricted refuses it, so it is not shadowed but rightly gets eks.privileged.
    expect(shadowed).not.toContain('DaemonSet/kube-system/kube-proxy');
    expect(f.fix?.request.path).toBe('/api/v1/bindings/ClusterRoleBinding/eks%3Apodsecuritypolicy%3Aauthenticated');
  });

  it('the fix impact now spares the workloads restricted admits, and names those that still need eks.privileged', () => {
    const report = auditCluster(model);
    const impact = report.findings.find((f) => f.rule === 'privileged-psp-broad-grant')!.fix!.impact!;
    expect(impact.refusedAfter).toEqual(expect.arrayContaining(['DaemonSet/kube-system/kube-proxy', 'DaemonSet/kube-system/aws-node', 'Deployment/ci/runner']));
    expect(impact.refusedAfter).not.toContain('Deployment/shop/web');
    expect(impact.changedPsp).toContain('Deployment/shop/web');
  });
});

describe('sortFindings', () => {
  const f = (severity: Finding['severity'], rule: AuditRuleId, title: string): Finding => ({ id: title, severity, rule, title, detail: '', evidence: [] });
  it('by severity, then grants before admission before hygiene, then titles with numbers as numbers', () => {
    const sorted = sortFindings([
      f('high', 'workload-refused', '10 workloads in b would be refused'),
      f('low', 'unused-psp', 'x is usable by nobody'),
      f('high', 'workload-refused', '9 workloads in a would be refused'),
      f('high', 'shadowed-restrictive-psp', 'r is shadowed by p'),
      f('critical', 'privileged-psp-broad-grant', 'p usable by system:authenticated'),
    ]);
    expect(sorted.map((x) => x.title)).toEqual([
      'p usable by system:authenticated', 'r is shadowed by p', '9 workloads in a would be refused', '10 workloads in b would be refused', 'x is usable by nobody',
    ]);
  });
});
