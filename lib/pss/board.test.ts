import { describe, expect, it } from 'vitest';
import type { Namespace, Workload } from '../model/types';
import { aClusterRole, aClusterRoleBinding, aModel, aPsp, aRole, aRoleBinding, group, sa, user, useRule } from '../testing/builders';
import { ALLOW_ALL } from '../testing/pod-builders';
import { demoModel } from '../testing/demo';
import { buildBoard, summarizeRow, templatePathOf } from './board';
import { boardCsv, boardMarkdown } from './board-export';
import { buildChecklist } from './checklist';
import { parsePodSecurityConfiguration } from './config';
import { pspOutcomes } from './psp-outcomes';

const ns = (name: string, labels: Record<string, string> = {}): Namespace => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const RESTRICTED = { securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } } };
function deploy(namespace: string, name: string, container: Record<string, unknown> = {}, spec: Record<string, unknown> = {}, kind: Workload['kind'] = 'Deployment'): Workload {
  const template = { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'x', ...container }], ...spec } };
  const s = kind === 'CronJob' ? { schedule: '* * * * *', jobTemplate: { spec: { template } } } : kind === 'Pod' ? template.spec : { replicas: 0, template };
  return { apiVersion: 'apps/v1', kind, metadata: { name, namespace }, spec: s };
}

describe('buildBoard', () => {
  it('the demo: one row per namespace, PSPs now, the recommendation and the refused workloads with PSA\'s wording', () => {
    const model = demoModel();
    const board = buildBoard({ model, serverMinor: 24, outcomes: pspOutcomes(model) });
    expect(board.latest).toEqual({ now: 'v1.24', nextUpgrade: 'v1.25' });
    expect(board.namespaces.map((r) => r.namespace)).toEqual(['analytics', 'ci', 'default', 'kube-node-lease', 'kube-public', 'kube-system', 'shop']);
    const by = Object.fromEntries(board.namespaces.map((r) => [r.namespace, r]));
    expect(by.ci.recommended).toEqual({ level: 'privileged', version: 'v1.24' });
    expect(by.ci.levels.baseline.violations).toEqual([{ workload: 'Deployment/runner', kind: 'Deployment', name: 'runner', checks: [{ id: 'privileged', message: 'privileged (container "runner" must not set securityContext.privileged=true)' }] }]);
    expect(by.ci.psps).toEqual(['eks.privileged']);
    // The CronJob's template counts (the guide's caveat about running pods).
    expect(by.analytics.levels.restricted.violations.map((v) => v.workload)).toEqual(['Deployment/ingest', 'CronJob/nightly-report']);
    expect(by.analytics.recommended.level).toBe('baseline');
    expect(by['kube-public']).toMatchObject({ workloads: 0, recommended: { level: 'restricted' }, labels: { enforce: { level: 'restricted', version: 'v1.24' } } });
    expect(by['kube-system'].levels.baseline.violations.map((v) => v.workload).sort()).toEqual(['DaemonSet/aws-node', 'DaemonSet/kube-proxy']);
    expect(by.shop.labels.set).toEqual({ 'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/audit-version': 'v1.24', 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/warn-version': 'v1.24' });
    // shop warns at restricted: every workload of it is flagged today; nothing is enforced.
    expect(by.shop.current).toEqual({ enforce: 0, audit: 3, warn: 3 });
    expect(by.analytics.current).toEqual({ enforce: 0, audit: 0, warn: 2 });
    expect(by.shop.relabelers).toEqual([{ kind: 'Group', name: 'system:masters', via: 'ClusterRoleBinding/cluster-admin', verbs: ['patch', 'update'] }]);
    expect(summarizeRow(by.shop)).toMatchObject({ labels: { enforce: undefined, audit: 'restricted:v1.24', warn: 'restricted:v1.24' }, refused: { baseline: 0, restricted: 3 } });
  });

  it('evaluates each distinct template once, whatever the workload kind, scaled to zero or not', () => {
    const model = aModel({
      namespaces: [ns('a')],
      workloads: [deploy('a', 'd1', RESTRICTED), deploy('a', 'd2', RESTRICTED, {}, 'StatefulSet'), deploy('a', 'c', RESTRICTED, {}, 'CronJob'), deploy('a', 'p', { securityContext: { privileged: true } }, {}, 'Pod')],
    });
    const [row] = buildBoard({ model, serverMinor: 37 }).namespaces;
    expect(row.workloads).toBe(4);
    expect(row.levels.restricted.violations.map((v) => v.workload)).toEqual(['Pod/p']);
    expect(row.recommended).toEqual({ level: 'privileged', version: 'v1.37' });
    expect(row.psps).toEqual([]);
  });

  it('says when the next upgrade tightens latest (v1.34 checks probe hosts)', () => {
    const probe = { livenessProbe: { httpGet: { host: '10.0.0.1', port: 80 } } };
    const model = aModel({ namespaces: [ns('a')], workloads: [deploy('a', 'web', { ...RESTRICTED, ...probe })] });
    const board = buildBoard({ model, serverMinor: 33 });
    expect(board.latest).toEqual({ now: 'v1.33', nextUpgrade: 'v1.34' });
    expect(board.namespaces[0].strictest).toEqual({ pinned: 'restricted', latest: 'restricted', nextUpgrade: 'privileged' });
    expect(buildBoard({ model, serverMinor: 37 }).latest).toEqual({ now: 'v1.37' });
  });

  it('labels as the server parses them: invalid values, versions newer than the server, exemptions', () => {
    const model = aModel({ namespaces: [ns('bad', { 'pod-security.kubernetes.io/enforce': 'strict' }), ns('future', { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.99' }), ns('ops')] });
    const cfg = parsePodSecurityConfiguration('apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\nexemptions: {namespaces: [ops]}\n');
    if (!cfg.ok) throw new Error(cfg.errors.join());
    const by = Object.fromEntries(buildBoard({ model, serverMinor: 24, config: cfg.config }).namespaces.map((r) => [r.namespace, r]));
    expect(by.bad.labels.errors[0].message).toBe('metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted');
    expect(by.bad.labels.enforce.level).toBe('restricted');
    expect(by.future.labels.newerThanServer).toEqual(['enforce']);
    expect(by.ops.exempt).toBe(true);
  });

  it('PSP mutations: the fields its PSP sets today and the template field that keeps each, for any owner kind', () => {
    const psp = aPsp('defaults', { ...ALLOW_ALL, privileged: false, defaultAllowPrivilegeEscalation: false, allowPrivilegeEscalation: true, allowedHostPaths: [{ pathPrefix: '/var/log' }] });
    const model = aModel({
      namespaces: [ns('a')], psps: [psp],
      clusterRoles: [aClusterRole('use-defaults', [useRule('defaults')])],
      clusterRoleBindings: [aClusterRoleBinding('all', 'use-defaults', [group('system:authenticated'), group('system:serviceaccounts')])],
      workloads: [deploy('a', 'job', {}, {}, 'CronJob'), deploy('a', 'set', { securityContext: { allowPrivilegeEscalation: true } }, {}, 'StatefulSet')],
    });
    const [row] = buildBoard({ model, serverMinor: 24, outcomes: pspOutcomes(model) }).namespaces;
    expect(row.psps).toEqual(['defaults']);
    expect(row.mutated).toBe(true);
    expect(row.mutations).toEqual([{ workload: 'CronJob/job', psp: 'defaults', changes: [expect.objectContaining({ path: 'spec.containers[0].securityContext.allowPrivilegeEscalation', after: false, templatePath: 'spec.jobTemplate.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation' })] }]);
    expect(row.mutatingPsps).toEqual([{ psp: 'defaults', fields: [expect.objectContaining({ field: 'spec.defaultAllowPrivilegeEscalation' })] }]);
    expect(templatePathOf('Pod', 'spec.x')).toBe('spec.x');
    // What becomes allowed after the migration: PSS has no host path list.
    expect(row.pspGaps).toEqual([{ psp: 'defaults', gaps: [expect.objectContaining({ field: 'spec.allowedHostPaths', allowedAfter: 'any host path, writable, not only these prefixes' })] }]);
  });

  it('a ReplicationController is a row\'s workload: its pods are its own, its refusals, PSP mutations and running pods\' changes are its', () => {
    const psp = aPsp('defaults', { ...ALLOW_ALL, defaultAllowPrivilegeEscalation: false, allowPrivilegeEscalation: true });
    const rc = { ...deploy('a', 'legacy', { securityContext: { capabilities: { add: ['NET_ADMIN'] } } }), apiVersion: 'v1', kind: 'ReplicationController' as const };
    const pod: Workload = {
      apiVersion: 'v1', kind: 'Pod', spec: { containers: [{ name: 'app', image: 'x', securityContext: { capabilities: { add: ['NET_ADMIN'] }, allowPrivilegeEscalation: false } }] },
      metadata: { name: 'legacy-abcde', namespace: 'a', annotations: { 'kubernetes.io/psp': 'defaults' }, ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'legacy', controller: true }] },
    };
    const model = aModel({
      namespaces: [ns('a')], psps: [psp],
      clusterRoles: [aClusterRole('use-defaults', [useRule('defaults')])],
      clusterRoleBindings: [aClusterRoleBinding('all', 'use-defaults', [group('system:serviceaccounts')])],
      workloads: [rc, pod],
    });
    const [row] = buildBoard({ model, serverMinor: 24, outcomes: pspOutcomes(model) }).namespaces;
    expect(row.workloads).toBe(1);
    expect(row.psps).toEqual(['defaults']);
    expect(row.levels.baseline.violations.map((v) => v.workload)).toEqual(['ReplicationController/legacy']);
    expect(row.mutations).toEqual([{ workload: 'ReplicationController/legacy', psp: 'defaults', changes: [expect.objectContaining({ path: 'spec.containers[0].securityContext.allowPrivilegeEscalation', after: false, templatePath: 'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation' })] }]);
    expect(row.podMutations).toEqual([{
      namespace: 'a', pod: 'legacy-abcde', owner: 'ReplicationController/legacy', psp: 'defaults',
      changes: [{ path: 'spec.containers[app].securityContext.allowPrivilegeEscalation', value: false, templatePath: 'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation' }],
    }]);
  });

  it('running pods of one owner with the same PSP changes are one entry that counts the others', () => {
    const psp = aPsp('defaults', { ...ALLOW_ALL, defaultAllowPrivilegeEscalation: false, allowPrivilegeEscalation: true });
    const rc = { ...deploy('a', 'legacy', {}), apiVersion: 'v1', kind: 'ReplicationController' as const };
    const podOf = (name: string, sc: Record<string, unknown>): Workload => ({
      apiVersion: 'v1', kind: 'Pod', spec: { containers: [{ name: 'app', image: 'x', securityContext: sc }] },
      metadata: { name, namespace: 'a', annotations: { 'kubernetes.io/psp': 'defaults' }, ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'legacy', controller: true }] },
    });
    const model = aModel({
      namespaces: [ns('a')], psps: [psp],
      clusterRoles: [aClusterRole('use-defaults', [useRule('defaults')])],
      clusterRoleBindings: [aClusterRoleBinding('all', 'use-defaults', [group('system:serviceaccounts')])],
      workloads: [rc, podOf('legacy-1', { allowPrivilegeEscalation: false }), podOf('legacy-2', { runAsUser: 7 }), podOf('legacy-3', { allowPrivilegeEscalation: false })],
    });
    const [row] = buildBoard({ model, serverMinor: 24, outcomes: pspOutcomes(model) }).namespaces;
    expect(row.podMutations.map((m) => [m.pod, m.otherPods, m.changes.map((c) => c.path)])).toEqual([
      ['legacy-1', 1, ['spec.containers[app].securityContext.allowPrivilegeEscalation']],
      ['legacy-2', undefined, ['spec.containers[app].securityContext.runAsUser']],
    ]);
  });

  it('pods that differ only in the names of always-allowed volumes share one evaluation; a hostPath volume is still named', () => {
    const token = (suffix: string) => ({ name: `kube-api-access-${suffix}`, projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } });
    const a = deploy('a', 'one', {}, { volumes: [token('abcde')] }, 'Pod');
    const b = deploy('a', 'two', {}, { volumes: [token('fghij')] }, 'Pod');
    const c = deploy('a', 'three', {}, { volumes: [token('klmno'), { name: 'logs', hostPath: { path: '/var/log' } }] }, 'Pod');
    const [row] = buildBoard({ model: aModel({ namespaces: [ns('a')], workloads: [a, b, c] }), serverMinor: 24 }).namespaces;
    const byName = new Map(row.levels.restricted.violations.map((v) => [v.name, v.checks]));
    expect(byName.get('one')).toBe(byName.get('two'));
    expect(row.levels.baseline.violations.map((v) => [v.name, v.checks.map((x) => x.message)])).toEqual([['three', ['hostPath volumes (volume "logs")']]]);
  });

  it('relabelers: update or patch on namespaces, cluster-wide or by a RoleBinding in the namespace, resourceNames respected', () => {
    const editNs = { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'patch'] };
    const model = aModel({
      namespaces: [ns('a'), ns('b')],
      clusterRoles: [aClusterRole('ns-patch', [editNs]), aClusterRole('ns-b-only', [{ ...editNs, verbs: ['update'], resourceNames: ['b'] }]), aClusterRole('reader', [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list'] }]), aClusterRole('star', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }])],
      roles: [aRole('a', 'local', [editNs])],
      clusterRoleBindings: [aClusterRoleBinding('ops', 'ns-patch', [group('ops')]), aClusterRoleBinding('bob', 'ns-b-only', [user('bob')]), aClusterRoleBinding('readers', 'reader', [group('everyone')]), aClusterRoleBinding('admins', 'star', [user('root')])],
      roleBindings: [aRoleBinding('a', 'local', { kind: 'Role', name: 'local' }, [sa(undefined, 'deployer')])],
    });
    const by = Object.fromEntries(buildBoard({ model, serverMinor: 37 }).namespaces.map((r) => [r.namespace, r.relabelers]));
    expect(by.a).toEqual([
      { kind: 'Group', name: 'ops', via: 'ClusterRoleBinding/ops', verbs: ['patch'] },
      { kind: 'ServiceAccount', name: 'deployer', namespace: 'a', via: 'RoleBinding/a/local', verbs: ['patch'] },
      { kind: 'User', name: 'root', via: 'ClusterRoleBinding/admins', verbs: ['patch', 'update'] },
    ]);
    expect(by.b.map((s) => s.name)).toEqual(['ops', 'bob', 'root']);
  });
});

describe('buildChecklist', () => {
  it('steps 4–5 on the demo: unlabelled namespaces, unpinned labels, the PSP API still served', () => {
    const model = demoModel();
    const items = buildChecklist(buildBoard({ model, serverMinor: 24, outcomes: pspOutcomes(model) }), { pspApiServed: true, psps: 1 });
    const by = Object.fromEntries(items.map((i) => [i.id, i]));
    expect(by['namespaces-labelled']).toMatchObject({ done: false, items: ['ci', 'default', 'kube-node-lease', 'kube-system', 'shop'] });
    expect(by['versions-pinned']).toMatchObject({ done: false, items: ['analytics'] });
    expect(by['no-mutating-psp'].done).toBe(true);
    expect(by['psp-admission-off']).toMatchObject({ done: false, step: 5 });
    expect(by['psp-admission-off'].detail).toContain('1 policy');
  });

  it('all done on a labelled v1.25+ cluster', () => {
    const pinned = { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.37' };
    const board = buildBoard({ model: aModel({ namespaces: [ns('a', pinned)] }), serverMinor: 37 });
    expect(buildChecklist(board, { pspApiServed: false, psps: 0 }).every((i) => i.done)).toBe(true);
  });
});

describe('exports', () => {
  const model = demoModel();
  const board = buildBoard({ model, serverMinor: 24, outcomes: pspOutcomes(model) });

  it('CSV: a header and one line per namespace, quoted where needed, formulas neutralised', () => {
    const csv = boardCsv(board);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('namespace,enforce,audit,warn,label errors,workloads,PSPs now,recommended,strictest at latest,after next upgrade,refused at baseline,refused at restricted,PSP mutates pods,may relabel');
    expect(lines).toHaveLength(8);
    expect(lines.find((l) => l.startsWith('ci,'))).toBe('ci,,,,,2,eks.privileged,privileged:v1.24,privileged,privileged,Deployment/runner (privileged),"Deployment/runner (privileged, allowPrivilegeEscalation, capabilities_restricted, runAsNonRoot, seccompProfile_restricted); Job/db-migrate (allowPrivilegeEscalation, capabilities_restricted, runAsNonRoot, seccompProfile_restricted)",no,Group system:masters');
    const evil = boardCsv({ ...board, namespaces: [{ ...board.namespaces[0], namespace: '=cmd()' }] });
    expect(evil.split('\r\n')[1].startsWith("'=cmd()")).toBe(true);
  });

  it('Markdown: the server line, a table row per namespace and the reasons', () => {
    const md = boardMarkdown(board, 'v1.24.17');
    expect(md).toContain('API server v1.24.17: `latest` means v1.24, and v1.25 after the next upgrade.');
    expect(md).toContain('| ci |   |   |   | 2 | eks.privileged | privileged:v1.24 |');
    expect(md).toContain('- baseline: Deployment/runner: privileged (container "runner" must not set securityContext.privileged=true) [privileged]');
    expect(md.split('\n').filter((l) => l.startsWith('| ')).length).toBe(2 + 7);
  });
});
