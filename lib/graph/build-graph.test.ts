import { describe, expect, it } from 'vitest';
import { buildGraph } from './build-graph';
import { demoModel } from '../testing/demo';
import { aClusterRole, aClusterRoleBinding, aModel, aPsp, aRole, aRoleBinding, aServiceAccount, group, sa, useRule } from '../testing/builders';

const ids = (g: { nodes: { id: string }[] }) => g.nodes.map((n) => n.id);

describe('buildGraph', () => {
  it('shows the eks.privileged chain of the demo, and cluster-admin as a wildcard grant', () => {
    const g = buildGraph(demoModel());
    expect(ids(g)).toEqual([
      'PodSecurityPolicy//eks.privileged',
      'ClusterRole//cluster-admin',
      'ClusterRole//eks:podsecuritypolicy:privileged',
      'ClusterRoleBinding//cluster-admin',
      'ClusterRoleBinding//eks:podsecuritypolicy:authenticated',
      'Group//system:authenticated',
      'Group//system:masters',
    ]);
    expect(g.nodes[0].privileged).toBe(true);
    expect(g.edges.find((e) => e.target === 'ClusterRole//cluster-admin')!.wildcard).toBe(true);
    expect(g.edges.find((e) => e.target === 'ClusterRole//eks:podsecuritypolicy:privileged')!.wildcard).toBeUndefined();
  });

  it('hides wildcard grants on request', () => {
    const g = buildGraph(demoModel(), { includeWildcard: false });
    expect(ids(g)).not.toContain('ClusterRole//cluster-admin');
    expect(ids(g)).not.toContain('Group//system:masters');
  });

  const model = aModel({
    psps: [aPsp('priv', { privileged: true }), aPsp('restricted')],
    clusterRoles: [aClusterRole('use-priv', [useRule('priv')]), aClusterRole('use-restricted', [useRule('restricted', 'ghost')])],
    roles: [aRole('team-a', 'local', [useRule('priv')])],
    clusterRoleBindings: [aClusterRoleBinding('all', 'use-restricted', [group('system:authenticated')])],
    roleBindings: [
      aRoleBinding('team-a', 'sa', { kind: 'ClusterRole', name: 'use-priv' }, [sa('team-a', 'builder'), sa('team-a', 'missing')]),
      aRoleBinding('team-b', 'sa', { kind: 'ClusterRole', name: 'use-priv' }, [sa('team-b', 'x')]),
      aRoleBinding('team-a', 'local', { kind: 'Role', name: 'local' }, [group('ops')]),
    ],
    serviceAccounts: [aServiceAccount('team-a', 'builder'), aServiceAccount('team-b', 'x')],
  });

  it('marks namespace-scoped edges, missing PSPs and missing ServiceAccounts', () => {
    const g = buildGraph(model);
    expect(g.edges.find((e) => e.target === 'RoleBinding/team-a/sa')!.namespace).toBe('team-a');
    expect(g.nodes.find((n) => n.id === 'PodSecurityPolicy//ghost')!.missing).toBe(true);
    expect(g.nodes.find((n) => n.id === 'ServiceAccount/team-a/missing')!.missing).toBe(true);
    expect(g.nodes.find((n) => n.id === 'ServiceAccount/team-a/builder')!.missing).toBeUndefined();
  });

  it('filters by PSP: only that PSP and what hangs below it', () => {
    const g = buildGraph(model, { psp: 'restricted' });
    expect(ids(g)).toEqual(['PodSecurityPolicy//restricted', 'ClusterRole//use-restricted', 'ClusterRoleBinding//all', 'Group//system:authenticated']);
  });

  it('filters by namespace: cluster-wide grants and grants in that namespace', () => {
    const g = buildGraph(model, { namespace: 'team-b' });
    expect(ids(g)).not.toContain('RoleBinding/team-a/sa');
    expect(ids(g)).not.toContain('Role/team-a/local');
    expect(ids(g)).toContain('RoleBinding/team-b/sa');
    expect(ids(g)).toContain('ClusterRoleBinding//all');
  });

  it('filters by subject: the chains that end at it', () => {
    const g = buildGraph(model, { subject: 'builder' });
    expect(ids(g)).toEqual(['PodSecurityPolicy//priv', 'ClusterRole//use-priv', 'RoleBinding/team-a/sa', 'ServiceAccount/team-a/builder']);
  });

  it('search keeps matches with everything up- and downstream, and focus does the same for one node', () => {
    const g = buildGraph(model, { q: 'LOCAL' });
    expect(ids(g)).toEqual(['PodSecurityPolicy//priv', 'Role/team-a/local', 'RoleBinding/team-a/local', 'Group//ops']);
    const f = buildGraph(model, { focus: 'ClusterRoleBinding//all' });
    expect(ids(f)).toEqual(['PodSecurityPolicy//ghost', 'PodSecurityPolicy//restricted', 'ClusterRole//use-restricted', 'ClusterRoleBinding//all', 'Group//system:authenticated']);
    expect(buildGraph(model, { q: 'no-such-thing' }).nodes).toEqual([]);
  });

  it('collapses large groups into "+N subjects" and never exceeds maxNodes', () => {
    const subjects = Array.from({ length: 3000 }, (_, i) => sa('apps', `sa-${String(i).padStart(4, '0')}`));
    const big = aModel({
      psps: [aPsp('p')],
      clusterRoles: [aClusterRole('r', [useRule('p')])],
      clusterRoleBindings: Array.from({ length: 60 }, (_, i) => aClusterRoleBinding(`b${i}`, 'r', subjects.slice(i * 50, i * 50 + 50))),
    });
    const g = buildGraph(big, { groupLimit: 25, maxNodes: 1000 });
    expect(g.total).toBe(1 + 1 + 60 + 3000);
    expect(g.nodes.length).toBeLessThanOrEqual(1000);
    const collapsed = g.nodes.filter((n) => n.kind === 'Collapsed');
    expect(collapsed.length).toBeGreaterThan(0);
    expect(collapsed[0].name).toMatch(/^\+\d+ (subjects|bindings)$/);
    // Every edge connects rendered nodes.
    const shown = new Set(ids(g));
    expect(g.edges.every((e) => shown.has(e.source) && shown.has(e.target))).toBe(true);
    expect(g.hidden).toBe(g.total - g.nodes.filter((n) => n.kind !== 'Collapsed').length);
  });

  it('opens an expanded group in full, and opening it collapses no other group', () => {
    const subjects = Array.from({ length: 40 }, (_, i) => sa('apps', `sa-${String(i).padStart(2, '0')}`));
    const big = aModel({
      psps: [aPsp('p')],
      clusterRoles: [aClusterRole('r', [useRule('p')])],
      clusterRoleBindings: [aClusterRoleBinding('b1', 'r', subjects.slice(0, 20)), aClusterRoleBinding('b2', 'r', subjects.slice(20))],
    });
    const closed = buildGraph(big, { groupLimit: 5, maxNodes: 30 });
    const group = closed.nodes.find((n) => n.id === 'Collapsed/ClusterRoleBinding//b1')!;
    expect(group.name).toBe('+15 subjects');
    const open = buildGraph(big, { groupLimit: 5, maxNodes: 30, expand: ['ClusterRoleBinding//b1'] });
    expect(ids(open)).not.toContain('Collapsed/ClusterRoleBinding//b1');
    expect(open.edges.filter((e) => e.source === 'ClusterRoleBinding//b1')).toHaveLength(20);
    // b2 keeps the five it showed before: the opened group does not count against the budget.
    expect(open.edges.filter((e) => e.source === 'ClusterRoleBinding//b2' && !e.target.startsWith('Collapsed/'))).toHaveLength(5);
  });
});
