import { describe, expect, it } from 'vitest';
import { simulateWorkload, simulateWorkloads } from '../access/simulate-workload';
import type { Binding, ClusterModel, Namespace, Psp, PspSpec, Role, ServiceAccount, Workload } from '../model/types';
import { buildModel } from '../sources/to-model';
import { aPsp, useRule } from '../testing/builders';
import { demoModel } from '../testing/demo';
import { generateLargeCluster, generateLargeClusterWorkloads, type LargeClusterSize } from '../testing/large-cluster';
import { seededRandom } from '../testing/prng';
import { buildBoard } from '../pss/board';
import { outcomesOf } from '../pss/psp-outcomes';
import { auditCluster } from './audit';
import { IncrementalAnalysis } from './incremental';
import { isTopLevel, simulateCluster } from './simulations';
import { recordEdits, type ListEdit } from '../model/list-edits';

/**
 * The incremental outcomes and audit equal a full recomputation after each of many random events
 * (pods, workloads, bindings, roles, PSPs, service accounts created, changed and deleted), on models
 * built the way the live source builds them: unchanged objects are the same objects, and the policy
 * arrays are new only when a policy object changed.
 */

const SMALL: LargeClusterSize = { psps: 8, clusterRoles: 30, roles: 40, clusterRoleBindings: 20, roleBindings: 80, serviceAccounts: 60, namespaces: 8 };

type PolicyKind = 'psps' | 'clusterRoles' | 'roles' | 'clusterRoleBindings' | 'roleBindings' | 'serviceAccounts' | 'namespaces';
const POLICY_KINDS: PolicyKind[] = ['psps', 'clusterRoles', 'roles', 'clusterRoleBindings', 'roleBindings', 'serviceAccounts', 'namespaces'];

/**
 * Workloads by key, in a Map's order (a replaced one in its place, an added one at the end), that
 * records its edits as the live cache records its patches (lib/model/list-edits), so that the
 * simulation replays them rather than walking the list.
 */
class EditedWorkloads extends Map<string, Workload> {
  private keys_: string[] = [];
  private edits: ListEdit<Workload>[] = [];
  private last?: Workload[];
  override set(key: string, w: Workload): this {
    const at = this.keys_.indexOf(key);
    if (at >= 0) this.edits.push({ index: at, removed: super.get(key), insert: w });
    else {
      this.edits.push({ index: this.keys_.length, insert: w });
      this.keys_.push(key);
    }
    return super.set(key, w);
  }
  override delete(key: string): boolean {
    const at = this.keys_.indexOf(key);
    if (at >= 0) {
      this.keys_.splice(at, 1);
      this.edits.push({ index: at, removed: super.get(key) });
    }
    return super.delete(key);
  }
  private lists = 0;
  /** The list now, with the edits since the last list recorded, but every third (as a list from elsewhere: the simulation walks it). */
  list(): Workload[] {
    const list = [...this.values()];
    if (this.last && this.lists++ % 3 !== 2) recordEdits(list, this.last, this.edits);
    this.last = list;
    this.edits = [];
    return list;
  }
}

/** A cluster's objects by kind and key, and the models a live cache would give of it. */
class Store {
  readonly policy = new Map<PolicyKind, Map<string, unknown>>(POLICY_KINDS.map((k) => [k, new Map()]));
  readonly workloads = new EditedWorkloads();
  private arrays?: Pick<ClusterModel, PolicyKind>;
  constructor(model: ClusterModel) {
    for (const k of POLICY_KINDS) for (const o of model[k] as { metadata: { namespace?: string; name: string } }[]) this.policy.get(k)!.set(keyOf(o), o);
    for (const w of model.workloads) this.workloads.set(`${w.kind}/${keyOf(w)}`, w);
  }
  setPolicy(kind: PolicyKind, o: Psp | Role | Binding | ServiceAccount | undefined, key = o ? keyOf(o) : '') {
    if (o) this.policy.get(kind)!.set(key, o);
    else this.policy.get(kind)!.delete(key);
    this.arrays = undefined;
  }
  model(): ClusterModel {
    this.arrays ??= Object.fromEntries(POLICY_KINDS.map((k) => [k, [...this.policy.get(k)!.values()]])) as Pick<ClusterModel, PolicyKind>;
    return { source: SOURCE, ...this.arrays, workloads: this.workloads.list(), warnings: [] };
  }
}

const SOURCE = demoModel().source;
const keyOf = (o: { metadata: { namespace?: string; name: string } }) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

const SECURITY_CONTEXTS = [{}, { privileged: true }, { runAsUser: 0 }, { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } }, { capabilities: { add: ['NET_ADMIN'] } }];
const PSP_SPECS: PspSpec[] = [
  { privileged: true, volumes: ['*'], allowedCapabilities: ['*'], runAsUser: { rule: 'RunAsAny' }, seLinux: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' } },
  { volumes: ['configMap', 'secret', 'emptyDir', 'projected'], runAsUser: { rule: 'MustRunAsNonRoot' }, seLinux: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' }, requiredDropCapabilities: ['ALL'], allowPrivilegeEscalation: false },
  { volumes: ['*'], runAsUser: { rule: 'MustRunAs', ranges: [{ min: 1000, max: 2000 }] }, seLinux: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' } },
];

function withoutPods<T extends { pod?: unknown; submittedPod?: unknown }>(s: T): Omit<T, 'pod' | 'submittedPod'> {
  const { pod: _p, submittedPod: _s, ...rest } = s;
  return rest;
}

function randomEvents(seed: number, steps: number) {
  const rnd = seededRandom(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const raw = [...generateLargeCluster(SMALL, seed), ...generateLargeClusterWorkloads(SMALL, 60, seed + 1)];
  const store = new Store(buildModel({ objects: raw.map((object, i) => ({ object, where: `#${i}` })), source: SOURCE, computeAggregation: true }));
  const namespaces = () => [...store.policy.get('namespaces')!.values()].map((n) => (n as Namespace).metadata.name);
  const accountsIn = (ns: string) => [...store.policy.get('serviceAccounts')!.values()].map((s) => s as ServiceAccount).filter((s) => s.metadata.namespace === ns).map((s) => s.metadata.name);
  const pspNames = () => [...store.policy.get('psps')!.values()].map((p) => (p as Psp).metadata.name);
  const podSpec = (ns: string) => ({
    serviceAccountName: rnd() < 0.1 ? 'missing' : pick([...accountsIn(ns), 'default']),
    containers: [{ name: 'app', image: `img-${Math.floor(rnd() * 5)}`, securityContext: pick(SECURITY_CONTEXTS) }],
    ...(rnd() < 0.2 ? { volumes: [{ name: 'h', hostPath: { path: '/var' } }] } : {}),
  });
  let n = 0;
  const events: Record<string, () => void> = {
    createPod: () => {
      // Bare, owned by a ReplicaSet the model does not list, or by a ReplicationController it lists (in its namespace).
      const rcs = [...store.workloads.values()].filter((w) => w.kind === 'ReplicationController');
      const rc = rcs.length ? pick(rcs) : undefined;
      const owner = pick([undefined, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs' }, rc && { apiVersion: 'v1', kind: 'ReplicationController', name: rc.metadata.name }]);
      const ns = owner?.kind === 'ReplicationController' ? rc!.metadata.namespace! : pick(namespaces());
      const pod: Workload = {
        apiVersion: 'v1', kind: 'Pod', spec: podSpec(ns),
        metadata: { name: `pod-${n++}`, namespace: ns, ...(owner ? { ownerReferences: [{ ...owner, controller: true }] } : {}) },
      };
      store.workloads.set(`Pod/${keyOf(pod)}`, pod);
    },
    changeWorkload: () => {
      const [key, w] = pick([...store.workloads.entries()]);
      const ns = w.metadata.namespace ?? 'default';
      const spec = w.kind === 'Pod' ? podSpec(ns) : w.kind === 'CronJob' ? { ...w.spec, jobTemplate: { spec: { template: { spec: podSpec(ns) } } } } : { ...w.spec, template: { ...w.spec.template, spec: podSpec(ns) } };
      store.workloads.set(key, { ...w, spec });
    },
    deleteWorkload: () => void store.workloads.delete(pick([...store.workloads.keys()])),
    createDeployment: () => {
      const ns = pick(namespaces());
      const d: Workload = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `deploy-${n++}`, namespace: ns }, spec: { template: { metadata: { labels: { a: 'b' } }, spec: podSpec(ns) } } };
      store.workloads.set(`Deployment/${keyOf(d)}`, d);
    },
    createReplicationController: () => {
      const ns = pick(namespaces());
      const rc: Workload = { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: `rc-${n++}`, namespace: ns }, spec: { replicas: 1, template: { metadata: { labels: { a: 'b' } }, spec: podSpec(ns) } } };
      store.workloads.set(`ReplicationController/${keyOf(rc)}`, rc);
    },
    changeRoleBinding: () => {
      const b = pick([...store.policy.get('roleBindings')!.values()]) as Binding;
      const ns = b.metadata.namespace!;
      const subject = rnd() < 0.5 ? { kind: 'ServiceAccount', name: pick([...accountsIn(ns), 'default']), namespace: ns } : { kind: 'Group', name: `system:serviceaccounts:${ns}`, apiGroup: 'rbac.authorization.k8s.io' };
      store.setPolicy('roleBindings', { ...b, subjects: rnd() < 0.3 ? [] : [...b.subjects, subject] });
    },
    deleteBinding: () => {
      const kind = pick(['roleBindings', 'clusterRoleBindings'] as const);
      const b = pick([...store.policy.get(kind)!.values()]) as Binding;
      store.setPolicy(kind, undefined, keyOf(b));
    },
    createClusterRoleBinding: () => {
      const ns = pick(namespaces());
      const role = pick([...store.policy.get('clusterRoles')!.values()]) as Role;
      store.setPolicy('clusterRoleBindings', {
        apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: `crb-new-${n++}` },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name },
        subjects: [{ kind: 'Group', name: pick([`system:serviceaccounts:${ns}`, 'system:serviceaccounts', 'system:authenticated']), apiGroup: 'rbac.authorization.k8s.io' }],
      } as Binding);
    },
    changeRole: () => {
      const kind = pick(['roles', 'clusterRoles'] as const);
      const r = pick([...store.policy.get(kind)!.values()]) as Role;
      store.setPolicy(kind, { ...r, rules: rnd() < 0.3 ? [] : [useRule(pick(pspNames()))] });
    },
    createPsp: () => store.setPolicy('psps', aPsp(`psp-new-${n++}`, pick(PSP_SPECS))),
    changePsp: () => {
      const p = pick([...store.policy.get('psps')!.values()]) as Psp;
      store.setPolicy('psps', { ...p, spec: pick(PSP_SPECS) });
    },
    deletePsp: () => {
      const p = pick([...store.policy.get('psps')!.values()]) as Psp;
      if (store.policy.get('psps')!.size > 1) store.setPolicy('psps', undefined, keyOf(p));
    },
    createServiceAccount: () => {
      const ns = pick(namespaces());
      store.setPolicy('serviceAccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'missing', namespace: ns } });
    },
  };
  events.createReplicationController(); // one from the start, so that pods of an RC the model lists come up in every run
  // Pod and workload events are most of a real cluster's events.
  const weighted = ['createPod', 'createPod', 'createPod', 'changeWorkload', 'changeWorkload', 'deleteWorkload', 'deleteWorkload', 'createDeployment', 'createReplicationController', ...Object.keys(events)];
  return { store, steps: Array.from({ length: steps }, () => pick(weighted)).map((name) => ({ name, run: events[name] })) };
}

describe('IncrementalAnalysis', () => {
  it.each([1, 2, 3])('equals a full recomputation after each of many random events (seed %i)', (seed) => {
    const { store, steps } = randomEvents(seed, 30);
    const analysis = new IncrementalAnalysis();
    let model = store.model();
    const check = (label: string) => {
      expect(analysis.outcomes(model), label).toEqual(simulateWorkloads(model));
      const ns = model.namespaces[0].metadata.name;
      expect(analysis.outcomes(model, ns), label).toEqual(simulateWorkloads(model, { namespace: ns }));
      expect(analysis.audit(model), label).toEqual(auditCluster(model));
    };
    check('initial');
    let rcWithPod = false;
    for (const [i, step] of steps.entries()) {
      step.run();
      model = store.model();
      check(`after event ${i}: ${step.name}`);
      const rcs = new Set(model.workloads.filter((w) => w.kind === 'ReplicationController').map((w) => `${w.metadata.namespace}/${w.metadata.name}`));
      rcWithPod ||= model.workloads.some((w) => w.metadata.ownerReferences?.some((o) => o.kind === 'ReplicationController' && rcs.has(`${w.metadata.namespace}/${o.name}`)));
    }
    // The events reach the ReplicationController path: a listed RC stands for the pods it owns.
    expect(rcWithPod).toBe(true);
  }, 120_000);

  it.each([6, 7])('equals a full recomputation along a run of workload events only, where every kept answer is reused (seed %i)', (seed) => {
    // Policy events start the analysis over; a long run of pod and workload events is what walks the
    // kept groupings (refused per namespace, shadowed pairs, fix impacts, the sorted report).
    const { store, steps } = randomEvents(seed, 120);
    const workloadSteps = steps.filter((s) => ['createPod', 'changeWorkload', 'deleteWorkload', 'createDeployment', 'createReplicationController'].includes(s.name)).slice(0, 40);
    const analysis = new IncrementalAnalysis();
    let model = store.model();
    expect(analysis.audit(model)).toEqual(auditCluster(model));
    for (const [i, step] of workloadSteps.entries()) {
      step.run();
      model = store.model();
      const label = `after event ${i}: ${step.name}`;
      expect(analysis.outcomes(model), label).toEqual(simulateWorkloads(model));
      expect(analysis.audit(model), label).toEqual(auditCluster(model));
      if (i % 10 === 9) expect(analysis.audit(model, { maxEvidence: 2 }), `${label}, maxEvidence 2`).toEqual(auditCluster(model, { maxEvidence: 2 }));
    }
    expect(workloadSteps.length).toBe(40);
  }, 120_000);

  it('simulates each workload as simulateWorkload does, each distinct case once', () => {
    const { store, steps } = randomEvents(9, 30);
    for (const step of steps) step.run();
    const model = store.model();
    const analysis = new IncrementalAnalysis({ useServiceAccountCredentials: false });
    const { results } = analysis.simulate(model);
    for (const { workload, sim } of results) {
      expect(sim).toEqual(withoutPods(simulateWorkload(model, workload, { useServiceAccountCredentials: false, diffEveryPolicy: false })));
    }
    expect(results.length).toBe(model.workloads.filter(isTopLevel).length);
    expect(analysis.caseCount).toBeLessThan(results.length);
  });

  it('keeps what a pod event does not touch: the same report when only a controller-owned pod changed, the same results for other workloads', () => {
    const { store } = randomEvents(4, 0);
    const analysis = new IncrementalAnalysis();
    const before = analysis.audit(store.model());
    const simBefore = analysis.simulate(store.model());
    const owned: Workload = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'owned', namespace: 'ns-000', ownerReferences: [{ kind: 'ReplicaSet', name: 'rs', controller: true }] }, spec: { containers: [{ name: 'c' }] } };
    store.workloads.set('Pod/ns-000/owned', owned);
    expect(analysis.audit(store.model())).toBe(before);
    const bare: Workload = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bare', namespace: 'ns-000' }, spec: { containers: [{ name: 'c', securityContext: { privileged: true } }] } };
    store.workloads.set('Pod/ns-000/bare', bare);
    const after = analysis.simulate(store.model());
    expect(after.results.length).toBe(simBefore.results.length + 1);
    for (const r of simBefore.results) expect(after.results.find((x) => x.workload === r.workload)).toBe(r);
  });

  it('counts stored pods that differ only in their token volume\'s random name as one case (no growth under churn)', () => {
    const { store } = randomEvents(5, 0);
    const storedPod = (name: string, suffix: string): Workload => ({
      apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns-000' },
      spec: {
        serviceAccountName: 'default',
        containers: [{ name: 'c', image: 'x', volumeMounts: [{ name: `kube-api-access-${suffix}`, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] }],
        volumes: [{ name: `kube-api-access-${suffix}`, projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }],
      },
    });
    const model = { ...store.model(), workloads: [storedPod('a', 'abcde'), storedPod('b', 'fghij'), storedPod('c', 'klmno')] };
    const analysis = new IncrementalAnalysis();
    const { results } = analysis.simulate(model);
    expect(analysis.caseCount).toBe(1);
    for (const { workload, sim } of results) expect(sim).toEqual(withoutPods(simulateWorkload(model, workload, { diffEveryPolicy: false })));
  });

  it.each([11, 12])('keeps the migration board per namespace: equal to a board from scratch after each random event and relabel (seed %i)', (seed) => {
    const { store, steps } = randomEvents(seed, 40);
    const analysis = new IncrementalAnalysis();
    const LEVELS = ['privileged', 'baseline', 'restricted', 'bogus'];
    let n = 0;
    const relabel = () => {
      const ns = [...store.policy.get('namespaces')!.values()][n++ % store.policy.get('namespaces')!.size] as Namespace;
      store.setPolicy('namespaces', { ...ns, metadata: { ...ns.metadata, labels: { ...ns.metadata.labels, 'pod-security.kubernetes.io/enforce': LEVELS[n % LEVELS.length] } } } as never);
    };
    // Who may relabel a namespace changes with bindings alone (no PSP outcome changes with them).
    store.setPolicy('clusterRoles', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'ns-labeller' }, rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['patch'] }] } as Role);
    const grantRelabel = () => store.setPolicy('roleBindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: `labeller-${n++}`, namespace: [...store.policy.get('namespaces')!.values()].map((x) => (x as Namespace).metadata.name)[n % SMALL.namespaces] },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'ns-labeller' }, subjects: [{ kind: 'User', name: `user-${n}`, apiGroup: 'rbac.authorization.k8s.io' }],
    } as Binding);
    const WORKLOAD_EVENTS = ['createPod', 'changeWorkload', 'deleteWorkload', 'createDeployment', 'createReplicationController'];
    let reused = 0;
    let workloadEvents = 0;
    let previous: ReturnType<typeof buildBoard> | undefined;
    for (const [i, step] of [{ name: 'initial', run: () => {} }, ...steps].entries()) {
      step.run();
      if (i % 7 === 6) relabel();
      if (i % 5 === 4) grantRelabel();
      const model = store.model();
      // The kept board (rows per namespace object, outcomes from the incremental simulation) against
      // one built from copies of every object, so that nothing kept applies.
      const kept = buildBoard({ model, serverMinor: 24, outcomes: outcomesOf(analysis.simulate(model)) });
      const copy = structuredClone(model);
      const fresh = buildBoard({ model: copy, serverMinor: 24, outcomes: outcomesOf(simulateCluster(copy, {})) });
      expect(kept, `after event ${i}: ${step.name}`).toEqual(fresh);
      // A pod or workload event touches one namespace: the other rows are the same objects as before.
      if (previous && WORKLOAD_EVENTS.includes(step.name) && i % 5 !== 4 && i % 7 !== 6) {
        workloadEvents++;
        reused += kept.namespaces.filter((r, j) => r === previous!.namespaces[j]).length;
      }
      previous = kept;
    }
    expect(workloadEvents).toBeGreaterThan(10);
    expect(reused).toBeGreaterThanOrEqual(workloadEvents * (SMALL.namespaces - 1));
  }, 120_000);
});
