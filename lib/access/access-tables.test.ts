import { describe, expect, it } from 'vitest';
import { demoModel } from '../testing/demo';
import { accessTables, sortRows } from './access-tables';

describe('accessTables on the demo', () => {
  const tables = accessTables(demoModel());
  it('subjects: system:authenticated may use eks.privileged everywhere, through the EKS binding; system:masters everything', () => {
    const authenticated = tables.subjects.find((s) => s.key === 'Group//system:authenticated')!;
    expect(authenticated.grants).toContainEqual({ psp: 'eks.privileged', where: 'every namespace', binding: 'ClusterRoleBinding//eks:podsecuritypolicy:authenticated' });
    expect(tables.subjects.find((s) => s.key === 'Group//system:masters')!.psps).toBe(1);
  });
  it('bindings and roles: each listed once with its PSPs and counts', () => {
    const binding = tables.bindings.find((b) => b.name === 'eks:podsecuritypolicy:authenticated')!;
    expect(binding).toMatchObject({ role: 'ClusterRole//eks:podsecuritypolicy:privileged', psps: ['eks.privileged'], subjects: 1 });
    expect(new Set(tables.bindings.map((b) => b.key)).size).toBe(tables.bindings.length);
    const role = tables.roles.find((r) => r.name === 'eks:podsecuritypolicy:privileged')!;
    expect(role).toMatchObject({ psps: ['eks.privileged'], bindings: 1 });
  });
  it('sorts by a column either way, numbers as numbers, ties by key', () => {
    const rows = [{ key: 'b', n: 10, s: 'x' }, { key: 'a', n: 9, s: 'x' }, { key: 'c', n: 100, s: 'a' }];
    expect(sortRows(rows, 'n', 'asc').map((r) => r.key)).toEqual(['a', 'b', 'c']);
    expect(sortRows(rows, 'n', 'desc').map((r) => r.key)).toEqual(['c', 'b', 'a']);
    expect(sortRows(rows, 's', 'asc').map((r) => r.key)).toEqual(['c', 'a', 'b']);
  });
});
