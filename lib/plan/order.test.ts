import { describe, expect, it } from 'vitest';
import { grantsFirst, withGrantsFirst } from './order';
import type { PlanOperation } from './types';

const op = (action: PlanOperation['action'], kind: string, name: string): PlanOperation => ({ action, kind, name, apiVersion: 'v1' });
const label = (ops: PlanOperation[]) => ops.map((o) => `${o.action} ${o.kind} ${o.name}`);

describe('grantsFirst', () => {
  it('a plan that deletes the old grant and makes the new one writes the new one first', () => {
    const planned = [
      op('delete', 'ClusterRoleBinding', 'eks:podsecuritypolicy:authenticated'),
      op('delete', 'ClusterRole', 'eks:podsecuritypolicy:privileged'),
      op('create', 'ClusterRoleBinding', 'psp-util.restricted'),
      op('update', 'RoleBinding', 'psp-util.eks.privileged'),
      op('create', 'ClusterRole', 'psp-util.restricted'),
      op('delete', 'PodSecurityPolicy', 'old'),
      op('create', 'PodSecurityPolicy', 'restricted'),
    ];
    expect(label(grantsFirst(planned))).toEqual([
      'create PodSecurityPolicy restricted',
      'create ClusterRole psp-util.restricted',
      'create ClusterRoleBinding psp-util.restricted',
      'update RoleBinding psp-util.eks.privileged',
      'delete ClusterRoleBinding eks:podsecuritypolicy:authenticated',
      'delete ClusterRole eks:podsecuritypolicy:privileged',
      'delete PodSecurityPolicy old',
    ]);
  });

  it('keeps the planned order among equals and leaves one-operation plans alone', () => {
    const planned = [op('create', 'RoleBinding', 'b'), op('create', 'RoleBinding', 'a'), op('update', 'Role', 'y'), op('update', 'ClusterRole', 'x')];
    expect(label(grantsFirst(planned))).toEqual(['create RoleBinding b', 'create RoleBinding a', 'update Role y', 'update ClusterRole x']);
    const single = { summary: 's', warnings: [], operations: [op('delete', 'Role', 'r')] };
    expect(withGrantsFirst(single)).toBe(single);
  });
});
