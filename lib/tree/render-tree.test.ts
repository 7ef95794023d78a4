import { describe, expect, it } from 'vitest';
import { renderTree } from './render-tree';
import { demoModel } from '../testing/demo';
import { ARTICLE_FINAL_TREE } from '../testing/article';
import {
  aClusterRole, aClusterRoleBinding, aModel, aPsp, aRole, aRoleBinding, aServiceAccount, group, sa, useRule,
} from '../testing/builders';

const pspUtilAnnotation = (psp: string) => ({ annotations: { 'psp-util.k8s.jlandowner.com/psp': psp } });

describe('renderTree: psp-util format', () => {
  it('prints the demo cluster exactly as the article step 2 shows it', () => {
    expect(renderTree(demoModel())).toBe(
      [
        '📙 PSP eks.privileged',
        '└── 📕 ClusterRole eks:podsecuritypolicy:privileged',
        '    └── 📘 ClusterRoleBinding eks:podsecuritypolicy:authenticated',
        '        └── 📗 Subject{Kind: Group, Name: system:authenticated, Namespace: }',
        '',
      ].join('\n'),
    );
  });

  it("prints the article's final tree (step 5) for the state its procedure leaves", () => {
    const model = aModel({
      psps: [aPsp('restricted'), aPsp('eks.privileged')],
      clusterRoles: [
        aClusterRole('eks:podsecuritypolicy:privileged', [useRule('eks.privileged')]),
        aClusterRole('psp-util.restricted', [useRule('restricted')], { metadata: { name: 'psp-util.restricted', ...pspUtilAnnotation('restricted') } }),
        aClusterRole('psp-util.eks.privileged', [useRule('eks.privileged')]),
        aClusterRole('cluster-admin', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
      ],
      clusterRoleBindings: [
        aClusterRoleBinding('psp-util.eks.privileged', 'psp-util.eks.privileged', [
          group('eks'), group('system:masters'), sa('kube-system', 'aws-node'), sa('kube-system', 'kube-proxy'),
          sa('kube-system', 'alb-ingress-controller'), sa('kube-system', 'coredns'),
        ]),
        aClusterRoleBinding('psp-util.restricted', 'psp-util.restricted', [group('system:authenticated'), group('system:unauthenticated')]),
        aClusterRoleBinding('cluster-admin', 'cluster-admin', [group('system:masters')]),
      ],
    });
    expect(renderTree(model)).toBe(ARTICLE_FINAL_TREE);
  });

  it('adds wildcard grants, marked, only with all=true', () => {
    const tree = renderTree(demoModel(), { all: true });
    expect(tree).toContain('└── 📕 ClusterRole cluster-admin (wildcard)\n    └── 📘 ClusterRoleBinding cluster-admin\n        └── 📗 Subject{Kind: Group, Name: system:masters, Namespace: }');
    expect(renderTree(demoModel())).not.toContain('cluster-admin');
  });

  it('prints Roles and RoleBindings as ns/name, and keeps same-named Roles of two namespaces apart', () => {
    const model = aModel({
      psps: [aPsp('a'), aPsp('b')],
      roles: [aRole('ns1', 'psp', [useRule('a')]), aRole('ns2', 'psp', [useRule('b')])],
      roleBindings: [
        aRoleBinding('ns1', 'use-psp', { kind: 'Role', name: 'psp' }, [sa(undefined, 'default')]),
        aRoleBinding('ns2', 'use-psp', { kind: 'Role', name: 'psp' }, [sa('ns2', 'app')]),
      ],
      serviceAccounts: [aServiceAccount('ns1', 'default'), aServiceAccount('ns2', 'app')],
    });
    expect(renderTree(model)).toBe(`📙 PSP a
└── 📓 Role ns1/psp
    └── 📓 RoleBinding ns1/use-psp
        └── 📗 Subject{Kind: ServiceAccount, Name: default, Namespace: }

📙 PSP b
└── 📓 Role ns2/psp
    └── 📓 RoleBinding ns2/use-psp
        └── 📗 Subject{Kind: ServiceAccount, Name: app, Namespace: ns2}
`);
  });

  it('shows a ClusterRole naming several PSPs, with its bindings, under each of them', () => {
    const model = aModel({
      psps: [aPsp('a'), aPsp('b')],
      clusterRoles: [aClusterRole('both', [useRule('a', 'b')])],
      clusterRoleBindings: [aClusterRoleBinding('both', 'both', [group('g')])],
    });
    const tree = renderTree(model);
    expect(tree.match(/📘 ClusterRoleBinding both/g)).toHaveLength(2);
    expect(tree.split('\n\n')[1]).toContain('📕 ClusterRole both');
  });

  it('lists ClusterRoleBindings before RoleBindings under a ClusterRole', () => {
    const model = aModel({
      psps: [aPsp('p')],
      clusterRoles: [aClusterRole('r', [useRule('p')])],
      clusterRoleBindings: [aClusterRoleBinding('z-crb', 'r', [group('g')])],
      roleBindings: [aRoleBinding('a-ns', 'a-rb', { kind: 'ClusterRole', name: 'r' }, [group('system:serviceaccounts:a-ns')])],
    });
    const lines = renderTree(model).split('\n');
    expect(lines[2]).toBe('    └── 📘 ClusterRoleBinding z-crb');
    expect(lines[4]).toBe('    └── 📓 RoleBinding a-ns/a-rb');
  });
});
