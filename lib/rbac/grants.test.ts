import { describe, expect, it } from 'vitest';
import { isExplicitGrant, pspGrantsOfRole, roleRefKey, ruleGrantsUse } from './grants';
import { aClusterRole, aClusterRoleBinding, aRoleBinding, useRule } from '../testing/builders';

describe('ruleGrantsUse', () => {
  const cases: [string, Parameters<typeof ruleGrantsUse>[0], boolean][] = [
    ['policy/podsecuritypolicies/use naming the PSP', useRule('p'), true],
    ['another PSP named', useRule('other'), false],
    ['empty resourceNames means every PSP', { apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['use'] }, true],
    ['resourceNames: [] also means every PSP', { apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['use'], resourceNames: [] }, true],
    ['the extensions group still counts', { apiGroups: ['extensions'], resources: ['podsecuritypolicies'], verbs: ['use'], resourceNames: ['p'] }, true],
    ['apiGroups *', { apiGroups: ['*'], resources: ['podsecuritypolicies'], verbs: ['use'], resourceNames: ['p'] }, true],
    ['resources *', { apiGroups: ['policy'], resources: ['*'], verbs: ['use'] }, true],
    ['verbs *', { apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['*'], resourceNames: ['p'] }, true],
    ['cluster-admin style *,*,*', { apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, true],
    ['other verbs do not', { apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['get', 'list'], resourceNames: ['p'] }, false],
    ['another group does not', { apiGroups: ['apps'], resources: ['podsecuritypolicies'], verbs: ['use'] }, false],
    ['the singular resource does not match', { apiGroups: ['policy'], resources: ['podsecuritypolicy'], verbs: ['use'] }, false],
    ['the short name does not match', { apiGroups: ['policy'], resources: ['psp'], verbs: ['use'] }, false],
    ['a subresource does not match', { apiGroups: ['policy'], resources: ['podsecuritypolicies/status'], verbs: ['use'] }, false],
    ['no apiGroups at all (core group) does not', { resources: ['podsecuritypolicies'], verbs: ['use'] }, false],
  ];
  it.each(cases)('%s', (_name, rule, expected) => {
    expect(ruleGrantsUse(rule, 'p')).toBe(expected);
  });
});

describe('isExplicitGrant (what psp-util lists)', () => {
  it('is the literal policy/podsecuritypolicies/use with the name in resourceNames', () => {
    expect(isExplicitGrant(useRule('p'), 'p')).toBe(true);
    expect(isExplicitGrant({ apiGroups: ['extensions'], resources: ['podsecuritypolicies'], verbs: ['use'], resourceNames: ['p'] }, 'p')).toBe(true);
  });
  it('is not a grant through * or empty resourceNames', () => {
    expect(isExplicitGrant({ apiGroups: ['*'], resources: ['podsecuritypolicies'], verbs: ['use'], resourceNames: ['p'] }, 'p')).toBe(false);
    expect(isExplicitGrant({ apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['use'] }, 'p')).toBe(false);
    expect(isExplicitGrant({ apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['*'], resourceNames: ['p'] }, 'p')).toBe(false);
  });
});

describe('pspGrantsOfRole', () => {
  it('lists every PSP a role names (psp-util kept only the last one)', () => {
    const r = pspGrantsOfRole(aClusterRole('multi', [useRule('a', 'b', 'c')]), ['a', 'b', 'c']);
    expect(r.grants.map((g) => [g.psp, g.wildcard])).toEqual([['a', false], ['b', false], ['c', false]]);
  });
  it('expands empty resourceNames to every existing PSP, marked wildcard', () => {
    const r = pspGrantsOfRole(aClusterRole('admin', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]), ['x', 'y']);
    expect(r.grantsAll).toBe(true);
    expect(r.grants.map((g) => [g.psp, g.wildcard])).toEqual([['x', true], ['y', true]]);
  });
  it('reports resourceNames naming a missing PSP instead of dropping them', () => {
    const r = pspGrantsOfRole(aClusterRole('r', [useRule('gone', 'here')]), ['here']);
    expect(r.missingPsps).toEqual(['gone']);
    expect(r.grants.map((g) => g.psp)).toEqual(['gone', 'here']);
  });
  it('an explicit rule makes the grant explicit even if a wildcard rule grants it too', () => {
    const r = pspGrantsOfRole(aClusterRole('r', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, useRule('p')]), ['p', 'q']);
    expect(r.grants).toEqual([{ psp: 'p', wildcard: false, rules: [0, 1] }, { psp: 'q', wildcard: true, rules: [0] }]);
  });
  it('ignores rules that grant other things', () => {
    const r = pspGrantsOfRole(aClusterRole('r', [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }]), ['p']);
    expect(r.grants).toEqual([]);
    expect(r.grantsAll).toBe(false);
  });
});

describe('roleRefKey', () => {
  it('resolves a RoleBinding to a Role in its own namespace, not by name alone', () => {
    expect(roleRefKey(aRoleBinding('ns1', 'b', { kind: 'Role', name: 'r' }, []))).toBe('Role/ns1/r');
    expect(roleRefKey(aRoleBinding('ns1', 'b', { kind: 'ClusterRole', name: 'r' }, []))).toBe('ClusterRole//r');
  });
  it('a ClusterRoleBinding can only refer to a ClusterRole', () => {
    expect(roleRefKey(aClusterRoleBinding('b', 'r', []))).toBe('ClusterRole//r');
    const bad = { ...aClusterRoleBinding('b', 'r', []), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' } };
    expect(roleRefKey(bad)).toBeNull();
  });
});
