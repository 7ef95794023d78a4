import { describe, expect, it } from 'vitest';
import { exportKubectl, exportYaml, netChanges, toStore } from './in-memory';
import type { RawObject } from '../sources/to-model';

const rbac = 'rbac.authorization.k8s.io/v1';
const psp = (name: string): RawObject => ({ apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: { name }, spec: {} }) as RawObject;
const clusterRole = (name: string, usePsp: string): RawObject => ({
  apiVersion: rbac, kind: 'ClusterRole', metadata: { name },
  rules: [{ apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['use'], resourceNames: [usePsp] }],
}) as RawObject;
const role = (ns: string, name: string, usePsp: string): RawObject => ({ ...clusterRole(name, usePsp), kind: 'Role', metadata: { name, namespace: ns } }) as RawObject;
const crb = (name: string, roleName: string): RawObject => ({
  apiVersion: rbac, kind: 'ClusterRoleBinding', metadata: { name },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
  subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' }],
}) as RawObject;
const rb = (ns: string, name: string, roleName: string): RawObject => ({ ...crb(name, roleName), kind: 'RoleBinding', metadata: { name, namespace: ns }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName } }) as RawObject;

/** The base: the old grant of eks.privileged to everyone, in every form. The current: restricted instead. */
function changes() {
  const base = toStore([
    psp('eks.privileged'), psp('old'),
    clusterRole('eks:podsecuritypolicy:privileged', 'eks.privileged'), crb('eks:podsecuritypolicy:authenticated', 'eks:podsecuritypolicy:privileged'),
    role('team-a', 'old-role', 'old'), rb('team-a', 'old-binding', 'old-role'),
  ]);
  const current = toStore([
    psp('eks.privileged'), psp('restricted'),
    clusterRole('psp-util.restricted', 'restricted'), crb('psp-util.restricted', 'psp-util.restricted'),
  ]);
  return netChanges(base, current);
}

/** The kubectl lines (first line of each heredoc), in order, without the header. */
const commands = (script: string) => script.split('\n').filter((l) => l.startsWith('kubectl '));

describe('exports of the pending changes', () => {
  it('kubectl: every grant is made before anything is removed, bindings removed before their roles, roles before PSPs', () => {
    const script = exportKubectl(changes());
    const cmds = commands(script);
    const firstDelete = cmds.findIndex((c) => c.startsWith('kubectl delete'));
    const lastApply = cmds.map((c) => c.startsWith('kubectl apply')).lastIndexOf(true);
    expect(firstDelete).toBeGreaterThan(lastApply);
    expect(cmds.slice(firstDelete)).toEqual([
      'kubectl delete rolebinding old-binding -n team-a',
      'kubectl delete clusterrolebinding eks:podsecuritypolicy:authenticated',
      'kubectl delete role old-role -n team-a',
      'kubectl delete clusterrole eks:podsecuritypolicy:privileged',
      'kubectl delete podsecuritypolicy old',
    ]);
    // The grants themselves: PSP, then role, then binding (a binding never points at a role not made yet).
    const applied = [...script.matchAll(/<<'EOF'\n[\s\S]*?\nkind: (\w+)/g)].map((m) => m[1]);
    expect(applied).toEqual(['PodSecurityPolicy', 'ClusterRole', 'ClusterRoleBinding']);
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script).toMatch(/^set -e$/m);
  });

  it('the net deletions are listed bindings first, then roles, then PSPs', () => {
    expect(changes().delete.map((d) => `${d.kind}/${d.namespace ?? ''}/${d.name}`)).toEqual([
      'RoleBinding/team-a/old-binding', 'ClusterRoleBinding//eks:podsecuritypolicy:authenticated',
      'Role/team-a/old-role', 'ClusterRole//eks:podsecuritypolicy:privileged', 'PodSecurityPolicy//old',
    ]);
  });

  it('YAML: the deletions are to be run after the apply, in the same safe order', () => {
    const yaml = exportYaml(changes());
    const comments = yaml.split('\n').filter((l) => l.startsWith('#'));
    const applyAt = comments.findIndex((l) => /kubectl apply -f/.test(l));
    const deletes = comments.map((l, i) => ({ l, i })).filter(({ l }) => /kubectl delete/.test(l));
    expect(deletes.map(({ l }) => l.replace(/^#\s*/, ''))).toEqual([
      'kubectl delete rolebinding old-binding -n team-a',
      'kubectl delete clusterrolebinding eks:podsecuritypolicy:authenticated',
      'kubectl delete role old-role -n team-a',
      'kubectl delete clusterrole eks:podsecuritypolicy:privileged',
      'kubectl delete podsecuritypolicy old',
    ]);
    expect(deletes.every(({ i }) => i > applyAt)).toBe(true);
    expect(yaml).toMatch(/after/i);
  });
});
