import { describe, expect, it } from 'vitest';
import { filteredGraph } from './build-graph';
import { buildOverview } from './overview';
import { resolvePspRelations } from '../rbac/relations';
import { demoModel } from '../testing/demo';
import { largeClusterRelations } from '../testing/large-relations';
import { aClusterRole, aClusterRoleBinding, aModel, aPsp, aRole, aRoleBinding, aServiceAccount, group, sa, useRule } from '../testing/builders';

const overviewOf = (model: Parameters<typeof resolvePspRelations>[0], opts = {}) => buildOverview(filteredGraph(resolvePspRelations(model), opts));

describe('buildOverview', () => {
  const model = aModel({
    psps: [aPsp('priv', { privileged: true }), aPsp('restricted')],
    clusterRoles: [aClusterRole('use-priv', [useRule('priv')]), aClusterRole('use-restricted', [useRule('restricted')])],
    roles: [aRole('team-a', 'local', [useRule('priv')])],
    clusterRoleBindings: [aClusterRoleBinding('all', 'use-restricted', [group('system:authenticated')])],
    roleBindings: [
      aRoleBinding('team-a', 'sa', { kind: 'ClusterRole', name: 'use-priv' }, [sa('team-a', 'builder')]),
      aRoleBinding('team-b', 'sa', { kind: 'ClusterRole', name: 'use-priv' }, [sa('team-b', 'x')]),
      aRoleBinding('team-a', 'local', { kind: 'Role', name: 'local' }, [group('ops')]),
    ],
    serviceAccounts: [aServiceAccount('team-a', 'builder'), aServiceAccount('team-b', 'x')],
  });

  it('counts each PSP’s roles, bindings, subjects by kind and namespaces', () => {
    const [priv, restricted] = overviewOf(model);
    expect(priv).toMatchObject({
      name: 'priv', privileged: true, roles: 2, wildcardRoles: 0, bindings: 3,
      subjects: { groups: 1, users: 0, serviceAccounts: 2 }, namespaces: 2, clusterWide: false, broadSubjects: [],
    });
    expect(restricted).toMatchObject({ name: 'restricted', roles: 1, bindings: 1, namespaces: 0, clusterWide: true, broadSubjects: ['system:authenticated'] });
    expect(restricted.privileged).toBeUndefined();
  });

  it('counts only what the filters keep', () => {
    const cards = overviewOf(model, { namespace: 'team-b' });
    const priv = cards.find((c) => c.name === 'priv')!;
    expect(priv).toMatchObject({ roles: 1, bindings: 1, namespaces: 1, subjects: { groups: 0, users: 0, serviceAccounts: 1 } });
  });

  it('shows the demo’s eks.privileged granted to every authenticated user, and cluster-admin as a wildcard role', () => {
    const [card] = overviewOf(demoModel());
    expect(card).toMatchObject({ name: 'eks.privileged', privileged: true, roles: 2, wildcardRoles: 1, clusterWide: true });
    expect(card.broadSubjects).toEqual(['system:authenticated']);
  });

  it('gives the large cluster one card per PSP, whose counts add up to the chains it stands for', () => {
    const cards = buildOverview(filteredGraph(largeClusterRelations()));
    expect(cards).toHaveLength(50);
    expect(cards.map((c) => c.name)).toEqual([...cards.map((c) => c.name)].sort());
    expect(cards.filter((c) => c.privileged)).toHaveLength(10);
    for (const c of cards) expect(c.roles).toBeGreaterThan(0);
  });
});
