import { describe, expect, it } from 'vitest';
import { aClusterRole, aClusterRoleBinding, aModel, aPsp, aRole, aRoleBinding, group, sa, useRule, user } from '../testing/builders';
import { ALLOW_ALL, RUN_AS_ANY, aPod } from '../testing/pod-builders';
import type { Binding, ClusterModel, Subject, Workload } from '../model/types';
import { seededRandom } from '../testing/prng';
import { canUse, indexAccess, usablePspNames } from './can-use';
import { identityOfSubject, usableBy, whoCanUse } from './effective-access';
import { controllerIdentity, podServiceAccountIdentity, serviceAccountRequesterIdentity, userIdentity } from './identity';
import { simulatePod, simulateWorkload, simulateWorkloads } from './simulate-workload';

const model = aModel({
  psps: [aPsp('privileged', ALLOW_ALL), aPsp('restricted', { ...RUN_AS_ANY, volumes: ['secret'] })],
  clusterRoles: [
    aClusterRole('use-privileged', [useRule('privileged')]),
    aClusterRole('use-restricted', [useRule('restricted')]),
    aClusterRole('all-psps', [{ apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['use'] }]),
    aClusterRole('ext', [{ apiGroups: ['extensions'], resources: ['podsecuritypolicies'], verbs: ['use'], resourceNames: ['privileged'] }]),
    aClusterRole('singular', [{ apiGroups: ['policy'], resources: ['podsecuritypolicy', 'psp'], verbs: ['use'] }]),
  ],
  roles: [aRole('team-a', 'local-privileged', [useRule('privileged')])],
  clusterRoleBindings: [
    aClusterRoleBinding('ops', 'use-privileged', [group('ops'), sa(undefined, 'nobody')]),
    aClusterRoleBinding('sas', 'use-restricted', [group('system:serviceaccounts')]),
    aClusterRoleBinding('rs', 'ext', [sa('kube-system', 'replicaset-controller')]),
    aClusterRoleBinding('singular', 'singular', [user('mallory')]),
  ],
  roleBindings: [
    aRoleBinding('team-a', 'builder', { kind: 'Role', name: 'local-privileged' }, [sa(undefined, 'builder')]),
    aRoleBinding('team-b', 'everything', { kind: 'ClusterRole', name: 'all-psps' }, [user('carol')]),
    aRoleBinding('team-b', 'dangling', { kind: 'ClusterRole', name: 'missing' }, [user('dave')]),
  ],
});

describe('canUse (the authorizer chain for verb use on podsecuritypolicies)', () => {
  it.each([
    ['system:masters may use everything, without a binding', userIdentity('root', ['system:masters']), 'privileged', 'x', true],
    ['a group subject of a ClusterRoleBinding, in any namespace', userIdentity('bob', ['ops']), 'privileged', 'anywhere', true],
    ['a ServiceAccount subject without namespace in a ClusterRoleBinding matches nobody', podServiceAccountIdentity('default', 'nobody'), 'privileged', 'default', false],
    ['system:serviceaccounts covers every pod service account', podServiceAccountIdentity('team-z', 'app'), 'restricted', 'team-z', true],
    ['a RoleBinding ServiceAccount subject without namespace means the binding namespace', podServiceAccountIdentity('team-a', 'builder'), 'privileged', 'team-a', true],
    ['... and only for pods in that namespace', podServiceAccountIdentity('team-a', 'builder'), 'privileged', 'team-b', false],
    ['the same account name in another namespace is another account', podServiceAccountIdentity('team-b', 'builder'), 'privileged', 'team-a', false],
    ['empty resourceNames grant every PSP', userIdentity('carol'), 'restricted', 'team-b', true],
    ['the extensions group still grants use', serviceAccountRequesterIdentity('kube-system', 'replicaset-controller'), 'privileged', 'team-c', true],
    ['singular and short resource names grant nothing', userIdentity('mallory'), 'privileged', 'default', false],
    ['a binding to a missing role grants nothing', userIdentity('dave'), 'privileged', 'team-b', false],
    ['a user is not a pod service account', userIdentity('alice'), 'restricted', 'default', false],
  ])('%s', (_what, identity, psp, ns, want) => {
    expect(canUse(model, identity, psp, ns).allowed).toBe(want);
  });

  it('returns the chain subject → binding → role → rule', () => {
    const r = canUse(model, podServiceAccountIdentity('team-a', 'builder'), 'privileged', 'team-a');
    expect(r.chains).toEqual([{
      via: 'rbac', subject: { kind: 'ServiceAccount', name: 'builder' },
      binding: { kind: 'RoleBinding', namespace: 'team-a', name: 'builder' },
      role: { kind: 'Role', namespace: 'team-a', name: 'local-privileged' },
      ruleIndex: 0, rule: useRule('privileged'),
    }]);
  });

  it('the pod service-account identity lacks system:authenticated; a requester has it', () => {
    expect(podServiceAccountIdentity('ns', 'sa').groups).toEqual(['system:serviceaccounts', 'system:serviceaccounts:ns']);
    expect(serviceAccountRequesterIdentity('ns', 'sa').groups).toContain('system:authenticated');
    const authd = aModel({ ...model, clusterRoleBindings: [aClusterRoleBinding('all', 'use-privileged', [group('system:authenticated')])] });
    expect(canUse(authd, podServiceAccountIdentity('ns', 'sa'), 'privileged', 'ns').allowed).toBe(false);
    expect(canUse(authd, controllerIdentity('Deployment')!, 'privileged', 'ns').allowed).toBe(true);
  });
});

describe('controller identities', () => {
  it.each([
    ['Deployment', 'system:serviceaccount:kube-system:replicaset-controller'],
    ['ReplicaSet', 'system:serviceaccount:kube-system:replicaset-controller'],
    ['StatefulSet', 'system:serviceaccount:kube-system:statefulset-controller'],
    ['DaemonSet', 'system:serviceaccount:kube-system:daemon-set-controller'],
    ['Job', 'system:serviceaccount:kube-system:job-controller'],
    ['CronJob', 'system:serviceaccount:kube-system:job-controller'],
    ['ReplicationController', 'system:serviceaccount:kube-system:replication-controller'],
  ] as const)('%s pods are created by %s', (kind, user) => {
    expect(controllerIdentity(kind)).toEqual({ user, groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] });
  });

  it('without --use-service-account-credentials every controller is system:kube-controller-manager; a bare Pod has none', () => {
    expect(controllerIdentity('DaemonSet', { useServiceAccountCredentials: false })).toEqual({ user: 'system:kube-controller-manager', groups: ['system:authenticated'] });
    expect(controllerIdentity('Pod')).toBeUndefined();
  });
});

describe('whoCanUse and usableBy', () => {
  it('lists every subject with its scope, system:masters first', () => {
    const who = whoCanUse(model, 'privileged').map((g) => [g.subject.kind, g.subject.namespace ?? '', g.subject.name, g.namespace ?? '*']);
    expect(who).toEqual([
      ['Group', '', 'system:masters', '*'],
      ['Group', '', 'ops', '*'],
      ['ServiceAccount', 'kube-system', 'replicaset-controller', '*'],
      ['ServiceAccount', 'team-a', 'builder', 'team-a'],
      ['User', '', 'carol', 'team-b'],
    ]);
  });

  it('explains what the special groups cover', () => {
    const who = whoCanUse(model, 'restricted').find((g) => g.subject.name === 'system:serviceaccounts');
    expect(who?.covers).toMatch(/every service account/);
  });

  it('lists what a subject may use, cluster-wide or per namespace', () => {
    expect(usableBy(model, identityOfSubject(user('carol'))).map((u) => [u.psp, u.clusterWide.length, u.namespaces.map((n) => n.namespace)])).toEqual([
      ['privileged', 0, ['team-b']],
      ['restricted', 0, ['team-b']],
    ]);
    expect(usableBy(model, identityOfSubject(sa('team-a', 'builder'))).map((u) => [u.psp, u.clusterWide.length, u.namespaces.map((n) => n.namespace)])).toEqual([
      ['privileged', 0, ['team-a']],
      ['restricted', 1, []],
    ]);
  });
});

describe('simulateWorkload', () => {
  const deployment = (spec: Record<string, unknown>): Workload => ({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'team-c' },
    spec: { template: { metadata: { labels: { app: 'web' } }, spec } },
  });

  it('checks the pod service account OR the controller, never the Deployment author', () => {
    const r = simulateWorkload(model, deployment({ containers: [{ name: 'app', image: 'x', securityContext: { privileged: true } }] }));
    // The ReplicaSet controller may use privileged through the extensions-group grant.
    expect(r.psp).toBe('privileged');
    expect(r.requester?.user).toBe('system:serviceaccount:kube-system:replicaset-controller');
    expect(r.serviceAccount).toBe('default');
    const noController = simulateWorkload(model, deployment({ containers: [{ name: 'app', image: 'x', securityContext: { privileged: true } }] }), { useServiceAccountCredentials: false });
    expect(noController.allowed).toBe(false);
    expect(noController.message).toContain('pods "web-" is forbidden');
  });

  it('a plain pod gets restricted through its service account (the token projection passes as secret)', () => {
    const r = simulatePod(model, aPod({ namespace: 'team-z' }), userIdentity('nobody'));
    expect(r.psp).toBe('restricted');
    expect(r.submittedPod.spec.volumes?.[0].name).toMatch(/^kube-api-access-/);
  });
});

describe('usablePspNames (the one-pass resolver the simulator uses)', () => {
  const identities = [
    userIdentity('root', ['system:masters']), userIdentity('bob', ['ops']), userIdentity('carol'), userIdentity('mallory'), userIdentity('dave'),
    podServiceAccountIdentity('team-a', 'builder'), podServiceAccountIdentity('default', 'nobody'), podServiceAccountIdentity('team-z', 'app'),
    serviceAccountRequesterIdentity('kube-system', 'replicaset-controller'),
  ];
  it('agrees with canUse on every identity, PSP and namespace of the fixture', () => {
    const index = indexAccess(model);
    for (const id of identities) {
      for (const ns of ['team-a', 'team-b', 'team-z', 'default']) {
        const usable = usablePspNames(index, id, ns);
        for (const psp of ['privileged', 'restricted', 'other']) {
          expect(usable.all || usable.names.has(psp), `${id.user} ${psp} ${ns}`).toBe(canUse(model, id, psp, ns).allowed);
        }
      }
    }
  });
});

describe('simulateWorkloads', () => {
  it('simulates top-level workloads only, each with its controller', () => {
    const m = aModel({
      ...model,
      workloads: [
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'team-c' }, spec: { template: { spec: { containers: [{ name: 'a', image: 'x', securityContext: { privileged: true } }] } } } },
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1', namespace: 'team-c', ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }] }, spec: { template: { spec: { containers: [{ name: 'a', image: 'x' }] } } } },
        { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once', namespace: 'team-c' }, spec: { template: { spec: { containers: [{ name: 'a', image: 'x', securityContext: { privileged: true } }] } } } },
      ],
    });
    expect(simulateWorkloads(m).map((o) => [o.kind, o.name, o.requester, o.allowed, o.psp ?? null])).toEqual([
      ['Deployment', 'web', 'system:serviceaccount:kube-system:replicaset-controller', true, 'privileged'],
      ['Job', 'once', 'system:serviceaccount:kube-system:job-controller', false, null],
    ]);
    expect(simulateWorkloads(m, { namespace: 'elsewhere' })).toEqual([]);
  });
});

describe('the subject index behind canUse and usablePspNames (property check on random RBAC)', () => {
  const NAMESPACES = ['a', 'b', 'c'];
  const PSPS = ['p1', 'p2', 'p3', 'p4'];
  /** A small universe, so that subjects, groups and namespaces collide often. */
  function randomRbac(seed: number): ClusterModel {
    const rnd = seededRandom(seed);
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
    const rule = () => {
      const r = rnd();
      if (r < 0.15) return { apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['use'] };
      if (r < 0.25) return { apiGroups: ['*'], resources: ['*'], verbs: ['*'], resourceNames: [pick(PSPS)] };
      if (r < 0.35) return { apiGroups: [''], resources: ['pods'], verbs: ['get'] };
      return useRule(...PSPS.filter(() => rnd() < 0.4));
    };
    const subject = (): Subject => {
      const r = rnd();
      if (r < 0.35) return sa(rnd() < 0.2 ? undefined : pick(NAMESPACES), pick(['default', 'app']));
      if (r < 0.7) return group(pick(['system:serviceaccounts', 'system:serviceaccounts:a', 'system:serviceaccounts:b', 'system:authenticated', 'ops', 'system:masters']));
      if (r < 0.95) return user(pick(['alice', 'bob', 'system:serviceaccount:a:app']));
      return { kind: 'Robot', name: 'x' } as unknown as Subject;
    };
    const subjects = () => Array.from({ length: 1 + Math.floor(rnd() * 3) }, subject);
    const clusterRoles = Array.from({ length: 6 }, (_, i) => aClusterRole(`cr${i}`, Array.from({ length: 1 + Math.floor(rnd() * 2) }, rule)));
    const roles = NAMESPACES.flatMap((ns) => Array.from({ length: 2 }, (_, i) => aRole(ns, `r${i}`, [rule()])));
    return aModel({
      psps: PSPS.map((p) => aPsp(p)),
      clusterRoles,
      roles,
      clusterRoleBindings: Array.from({ length: 8 }, (_, i) => aClusterRoleBinding(`crb${i}`, `cr${Math.floor(rnd() * 7)}`, subjects())),
      roleBindings: Array.from({ length: 12 }, (_, i) => {
        const ns = pick(NAMESPACES);
        return aRoleBinding(ns, `rb${i}`, rnd() < 0.5 ? { kind: 'Role', name: `r${Math.floor(rnd() * 3)}` } : { kind: 'ClusterRole', name: `cr${Math.floor(rnd() * 7)}` }, subjects());
      }),
    });
  }
  const identities = [
    ...NAMESPACES.flatMap((ns) => [podServiceAccountIdentity(ns, 'default'), podServiceAccountIdentity(ns, 'app'), serviceAccountRequesterIdentity(ns, 'app')]),
    userIdentity('alice'), userIdentity('bob', ['ops']), userIdentity('root', ['system:masters']), { user: '', groups: ['ops'] },
  ];

  it('answers with the same chains as walking every binding, and usablePspNames agrees, with or without a binding taken away', () => {
    let allowed = 0;
    let asked = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const model = randomRbac(seed);
      const index = indexAccess(model);
      const bindings = [...model.clusterRoleBindings, ...model.roleBindings];
      for (const id of identities) {
        for (const ns of [...NAMESPACES, '', 'elsewhere']) {
          const usable = usablePspNames(index, id, ns);
          const removed = bindings[seed % bindings.length];
          const isRemoved = (b: Binding) => b.kind === removed.kind && b.metadata.name === removed.metadata.name && b.metadata.namespace === removed.metadata.namespace;
          const without = { ...model, clusterRoleBindings: model.clusterRoleBindings.filter((b) => b !== removed), roleBindings: model.roleBindings.filter((b) => b !== removed) };
          const usableWithout = usablePspNames(index, id, ns, isRemoved);
          for (const psp of [...PSPS, 'missing']) {
            const scanned = canUse(model, id, psp, ns);
            asked++;
            if (scanned.allowed) allowed++;
            expect(canUse(index, id, psp, ns), `seed ${seed} ${id.user} ${psp} ${ns}`).toEqual(scanned);
            expect(canUse(index, id, psp, ns, { firstOnly: true }).chains, `seed ${seed} first`).toEqual(scanned.chains.slice(0, 1));
            expect(usable.all || usable.names.has(psp), `seed ${seed} usable ${id.user} ${psp} ${ns}`).toBe(scanned.allowed);
            expect(usableWithout.all || usableWithout.names.has(psp), `seed ${seed} without ${id.user} ${psp} ${ns}`).toBe(canUse(without, id, psp, ns).allowed);
          }
        }
      }
    }
    // Meaningful only if both answers are common.
    expect(allowed).toBeGreaterThan(asked / 5);
    expect(allowed).toBeLessThan((asked * 4) / 5);
    // About 2 s alone; a loaded machine (the whole suite in parallel) can take several times that.
  }, 30_000);
});
