import { describe, expect, it } from 'vitest';
import { resolvePspRelations } from './relations';
import { aggregateClusterRoles } from './aggregation';
import {
  aClusterRole, aClusterRoleBinding, aModel, aPsp, aRole, aRoleBinding, aServiceAccount, group, sa, useRule,
} from '../testing/builders';

describe('resolvePspRelations', () => {
  it('scopes a RoleBinding to its namespace, whether it refers to a Role or a ClusterRole', () => {
    const rel = resolvePspRelations(aModel({
      psps: [aPsp('p')],
      clusterRoles: [aClusterRole('cr', [useRule('p')])],
      roles: [aRole('team', 'r', [useRule('p')])],
      roleBindings: [
        aRoleBinding('team', 'to-cr', { kind: 'ClusterRole', name: 'cr' }, [group('system:serviceaccounts:team')]),
        aRoleBinding('team', 'to-r', { kind: 'Role', name: 'r' }, [group('x')]),
      ],
      clusterRoleBindings: [aClusterRoleBinding('crb', 'cr', [group('y')])],
    }));
    const scopes = [...rel.bindingsByRole.values()].flat().map((b) => [b.key, b.scopeNamespace]);
    expect(scopes).toEqual([
      ['ClusterRoleBinding//crb', undefined],
      ['RoleBinding/team/to-cr', 'team'],
      ['RoleBinding/team/to-r', 'team'],
    ]);
  });

  it('does not resolve a RoleBinding to a same-named Role of another namespace', () => {
    const rel = resolvePspRelations(aModel({
      psps: [aPsp('p')],
      roles: [aRole('ns1', 'r', [useRule('p')])],
      roleBindings: [aRoleBinding('ns2', 'b', { kind: 'Role', name: 'r' }, [group('g')])],
    }));
    expect(rel.bindingsByRole.size).toBe(0);
    expect(rel.warnings).toEqual([
      expect.objectContaining({ code: 'dangling-role-ref', objects: ['RoleBinding/ns2/b', 'Role/ns2/r'] }),
    ]);
  });

  it('warns about dangling references instead of dropping them', () => {
    const rel = resolvePspRelations(aModel({
      psps: [aPsp('p')],
      clusterRoles: [aClusterRole('cr', [useRule('p', 'gone')])],
      clusterRoleBindings: [
        aClusterRoleBinding('to-missing-role', 'nope', [group('g')]),
        aClusterRoleBinding('b', 'cr', [sa('kube-system', 'ghost'), sa(undefined, 'no-ns'), sa('kube-system', 'real')]),
      ],
      serviceAccounts: [aServiceAccount('kube-system', 'real')],
    }));
    expect(rel.warnings.map((w) => w.code).sort()).toEqual([
      'dangling-role-ref', 'missing-psp', 'missing-service-account', 'sa-subject-without-namespace',
    ]);
    const subjects = rel.bindingsByRole.get('ClusterRole//cr')![0].subjects;
    expect(subjects.map((s) => [s.key, s.missing])).toEqual([
      ['ServiceAccount/kube-system/ghost', true],
      ['ServiceAccount//no-ns', true],
      ['ServiceAccount/kube-system/real', false],
    ]);
    expect(rel.warnings.find((w) => w.code === 'missing-psp')!.message).toContain('"gone"');
  });

  it('does not call ServiceAccounts missing when none could be read', () => {
    const rel = resolvePspRelations(aModel({
      psps: [aPsp('p')],
      clusterRoles: [aClusterRole('cr', [useRule('p')])],
      clusterRoleBindings: [aClusterRoleBinding('b', 'cr', [sa('kube-system', 'x')])],
    }));
    expect(rel.warnings).toEqual([]);
  });
});

describe('aggregateClusterRoles', () => {
  const labelled = (name: string, labels: Record<string, string>, rules = [useRule(name)]) =>
    aClusterRole(name, rules, { metadata: { name, labels } });

  it('fills an empty aggregated role from the roles its selectors match, in name order, without duplicates', () => {
    const agg = aClusterRole('agg', [], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { psp: 'yes' } }, { matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }] }] } });
    const roles = aggregateClusterRoles([
      agg,
      labelled('z', { psp: 'yes' }),
      labelled('b', { tier: 'a' }),
      labelled('dup', { psp: 'yes' }, [useRule('z')]),
      labelled('no', { psp: 'no' }),
    ]);
    expect(roles[0].rules.map((r) => r.resourceNames)).toEqual([['b'], ['z']]);
  });

  it('follows aggregated roles that select other aggregated roles', () => {
    const outer = aClusterRole('outer', [], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { level: 'inner' } }] } });
    const inner = aClusterRole('inner', [], { metadata: { name: 'inner', labels: { level: 'inner' } }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { leaf: 'true' } }] } });
    const roles = aggregateClusterRoles([outer, inner, labelled('leaf', { leaf: 'true' })]);
    expect(roles.find((r) => r.metadata.name === 'outer')!.rules).toEqual([useRule('leaf')]);
  });

  it('keeps stored rules of an aggregated role as they are', () => {
    const agg = aClusterRole('agg', [useRule('stored')], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: 'y' } }] } });
    expect(aggregateClusterRoles([agg, labelled('other', { x: 'y' })])[0].rules).toEqual([useRule('stored')]);
  });
});
