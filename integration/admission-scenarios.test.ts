/**
 * The admission engine against the real thing: kube-apiserver v1.24 with the PodSecurityPolicy
 * admission plugin. Every scenario pod is created with `?dryRun=All` (admission runs, PSP included,
 * nothing is stored) as an impersonated requester; the engine predicts the PSP the server writes to
 * `kubernetes.io/psp`, or the refusal. Effective access is compared with SubjectAccessReview for
 * every (identity, PSP, namespace) triple of the suite. Where the server and the engine disagree the
 * server is right.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../testenv/cluster';
import { buildModel } from '../lib/sources/to-model';
import type { ClusterModel } from '../lib/model/types';
import type { Pod } from '../lib/admission/pod';
import { PSP_ANNOTATION } from '../lib/admission/select-policy';
import { semanticEqual } from '../lib/admission/diff';
import { simulatePod, simulateWorkload, type WorkloadSimulation } from '../lib/access/simulate-workload';
import { selectPolicy } from '../lib/admission/select-policy';
import { FS_TYPE_OF_SOURCE } from '../lib/admission/volumes';
import { canUse, indexAccess, usablePspNames } from '../lib/access/can-use';
import { podServiceAccountIdentity, type Identity } from '../lib/access/identity';
import { clusterAvailable, createObjects, securityView, snapshotOf, until } from './support';
import {
  ALL_PSP_NAMES, DEFAULTING, NAMESPACES, PERMISSIVE, PHASES, RANDOM_PSPS, REQUESTERS, RESTRICTED, SECCOMP_OPTIONAL, WORKLOADS, WORKLOAD_PSPS,
  aPod, randomRbac, randomScenarios, setupObjects, workloadObject, type Scenario,
} from './admission-fixtures';

const run = clusterAvailable('1.24');
const RANDOM_SEED = Number(process.env.ADMISSION_SEED ?? 20240601);
const RANDOM_COUNT = Number(process.env.ADMISSION_RANDOM_PODS ?? 300);

interface Outcome {
  scenario: string;
  predicted: WorkloadSimulation;
  status: number;
  actualPsp?: string;
  message?: string;
  returned?: Pod;
}


function impersonation(id: Identity): Record<string, string> {
  // node:http sends an array header value as repeated headers, which is how Impersonate-Group takes several groups.
  return { 'Impersonate-User': id.user, 'Impersonate-Group': id.groups as unknown as string };
}

/** The error list inside `…: unable to admit pod: [ … ]`. */
function errorListOf(message: string): string | undefined {
  const m = /unable to (?:admit|validate) pod: \[(.*)\]$/s.exec(message);
  return m?.[1];
}

/** The same errors, in any PSP order (the plugin walks a Go map). */
function sameErrors(predicted: string[], actualList: string): boolean {
  return predicted.join(' ').length === actualList.length && predicted.every((e) => actualList.includes(e));
}

describe.runIf(run)('PSP admission scenarios on kube-apiserver v1.24', () => {
  let cluster: TestCluster;
  const outcomes: Outcome[] = [];
  const stats = { pods: 0, pspAgree: 0, rejectionsPredicted: 0, rejectionsReal: 0, errorListsCompared: 0, errorListsAgree: 0, mutationsCompared: 0, mutationsAgree: 0, workloads: 0, random: 0 };

  async function readModel(): Promise<ClusterModel> {
    return buildModel({
      objects: (await snapshotOf(cluster)).map((object, i) => ({ object, where: `item ${i}` })),
      source: { kind: 'snapshot', name: 'scenario cluster', pspApiServed: true, state: 'static', readOnly: true },
      computeAggregation: false,
    });
  }

  async function replacePsps(psps: object[]): Promise<void> {
    const list = await cluster.request('admin', 'GET', '/apis/policy/v1beta1/podsecuritypolicies');
    for (const p of list.body.items) {
      const res = await cluster.request('admin', 'DELETE', `/apis/policy/v1beta1/podsecuritypolicies/${p.metadata.name}`);
      expect(res.status).toBe(200);
    }
    for (const p of psps) {
      const res = await cluster.request('admin', 'POST', '/apis/policy/v1beta1/podsecuritypolicies', p);
      expect(res.status, res.text).toBe(201);
    }
  }

  async function dryRunCreate(namespace: string, pod: Pod, id: Identity) {
    return cluster.request('admin', 'POST', `/api/v1/namespaces/${namespace}/pods?dryRun=All`, pod, impersonation(id));
  }

  /**
   * The plugin lists PSPs from its own informer; a probe PSP sorting first and admitting only a pod
   * with its own seccomp profile tells when the informer has caught up with this phase.
   */
  function probePsp(tag: string) {
    return {
      apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy',
      metadata: { name: `0-probe-${tag}`, annotations: { 'seccomp.security.alpha.kubernetes.io/allowedProfileNames': `localhost/probe-${tag}` } },
      spec: { privileged: true, allowedCapabilities: ['*'], volumes: ['*'], hostNetwork: true, hostIPC: true, hostPID: true, hostPorts: [{ min: 0, max: 65535 }], runAsUser: { rule: 'RunAsAny' }, seLinux: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' } },
    };
  }

  async function waitForProbe(tag: string): Promise<void> {
    const probe = aPod(`probe-${tag}`, { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': `localhost/probe-${tag}` } });
    await until(`the PSP informer to see phase ${tag}`, 15_000, async () => {
      const res = await dryRunCreate('default', probe, { user: 'admin', groups: ['system:masters'] });
      return res.body?.metadata?.annotations?.[PSP_ANNOTATION] === `0-probe-${tag}` ? true : undefined;
    });
  }

  async function runScenario(model: ClusterModel, sc: Scenario): Promise<Outcome> {
    const requester = REQUESTERS[sc.by];
    const pod = { ...sc.pod, metadata: { ...sc.pod.metadata, namespace: sc.namespace } };
    const predicted = simulatePod(model, pod, requester);
    const res = await dryRunCreate(sc.namespace, pod, requester);
    return {
      scenario: sc.name, predicted, status: res.status,
      actualPsp: res.status === 201 ? res.body?.metadata?.annotations?.[PSP_ANNOTATION] : undefined,
      message: res.status === 201 ? undefined : res.body?.message ?? res.text,
      returned: res.status === 201 ? res.body : undefined,
    };
  }

  /** Compares one server outcome with the engine's prediction; counts it; collects disagreements. */
  function judge(o: Outcome, sc: Scenario, failures: string[]): void {
    outcomes.push(o);
    stats.pods++;
    const p = o.predicted;
    const predictedInvalid = !!p.refusedAfterPsp || !!p.refusedBeforePsp;
    if (!p.allowed || predictedInvalid) stats.rejectionsPredicted++;
    if (o.status !== 201) stats.rejectionsReal++;
    const pspAgrees = p.refusedBeforePsp ? o.status === 403 && o.message === p.refusedBeforePsp
      : p.allowed && p.refusedAfterPsp ? o.status === 422 && p.refusedAfterPsp.every((d) => (o.message ?? '').includes(d.slice(d.indexOf('cannot set'))))
      : p.allowed ? o.status === 201 && o.actualPsp === p.psp
      : o.status === 403 && /PodSecurityPolicy/.test(o.message ?? '');
    if (pspAgrees) stats.pspAgree++;
    else failures.push(`${sc.name}: predicted ${p.allowed ? p.psp : `refusal ${p.message}`}${p.refusedAfterPsp ? ` then 422 ${p.refusedAfterPsp.join('; ')}` : ''}; server ${o.status === 201 ? `admitted with ${o.actualPsp}` : `${o.status} ${o.message}`}\n  pod: ${JSON.stringify(sc.pod)}`);
    if (!p.allowed && o.status === 403) {
      stats.errorListsCompared++;
      const list = errorListOf(o.message ?? '');
      if (list !== undefined && sameErrors(p.errors, list)) stats.errorListsAgree++;
      else failures.push(`${sc.name}: error list differs\n  predicted: ${p.message}\n  server:    ${o.message}`);
    }
    if (p.allowed && o.returned && o.actualPsp === p.psp) {
      stats.mutationsCompared++;
      const want = securityView(p.pod!);
      const got = securityView(o.returned);
      if (semanticEqual(want, got)) stats.mutationsAgree++;
      else failures.push(`${sc.name}: mutated pod differs\n  predicted: ${JSON.stringify(want)}\n  server:    ${JSON.stringify(got)}`);
    }
    if (sc.expect?.psp) expect(o.actualPsp, `${sc.name}: the server's choice`).toBe(sc.expect.psp);
    if (sc.expect?.rejected) expect(o.status, `${sc.name}: the server refuses it`).toBe(403);
    if (sc.expect?.admitted) expect(o.status, `${sc.name}: the server admits it`).toBe(201);
    if (sc.expect?.messageIncludes) expect(o.message, sc.name).toContain(sc.expect.messageIncludes);
    if (process.env.SCENARIO_VERBOSE) console.log(`${sc.name}: ${o.status === 201 ? o.actualPsp : o.message}`);
  }

  beforeAll(async () => {
    cluster = await startCluster({ version: '1.24', controllerManager: true });
    const objects = setupObjects();
    await createObjects(cluster, objects.filter((o) => o.kind !== 'RuntimeClass'));
    for (const rc of objects.filter((o) => o.kind === 'RuntimeClass')) {
      const res = await cluster.request('admin', 'POST', '/apis/node.k8s.io/v1/runtimeclasses', rc);
      expect([201, 409]).toContain(res.status);
    }
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  PHASES.forEach((phase, index) => {
    it(`phase ${index + 1}: ${phase.name}`, async () => {
      const tag = String(index + 1);
      await replacePsps([probePsp(tag), ...phase.psps]);
      await waitForProbe(tag);
      const model = await readModel();
      const results = await Promise.all(phase.scenarios.map((sc) => runScenario(model, sc)));
      const failures: string[] = [];
      results.forEach((o, i) => judge(o, phase.scenarios[i], failures));
      expect(failures, failures.join('\n')).toEqual([]);
    });
  });

  it(`${RANDOM_COUNT} random pods (seed ${RANDOM_SEED}) against all ${RANDOM_PSPS.length} PSPs of the suite at once`, async () => {
    await replacePsps([probePsp('r'), ...RANDOM_PSPS]);
    await waitForProbe('r');
    const model = await readModel();
    const scenarios = randomScenarios(RANDOM_COUNT, RANDOM_SEED);
    const failures: string[] = [];
    const before = stats.pspAgree;
    const admitted = new Map<string, number>();
    for (let i = 0; i < scenarios.length; i += 25) {
      const batch = scenarios.slice(i, i + 25);
      const results = await Promise.all(batch.map((sc) => runScenario(model, sc)));
      results.forEach((o, j) => {
        judge(o, batch[j], failures);
        const key = o.actualPsp ?? String(o.status);
        admitted.set(key, (admitted.get(key) ?? 0) + 1);
      });
    }
    stats.random = scenarios.length;
    console.log(`[admission-scenarios] random pods: ${stats.pspAgree - before}/${scenarios.length} agree; outcomes ${JSON.stringify(Object.fromEntries([...admitted].sort()))}`);
    expect(failures, failures.slice(0, 5).join('\n')).toEqual([]);
  });

  it('workloads created for real: the controllers\' pods get the predicted PSP, or the predicted FailedCreate', async () => {
    await replacePsps([probePsp('w'), ...WORKLOAD_PSPS]);
    await waitForProbe('w');
    for (const w of WORKLOADS) {
      const { path, object } = workloadObject(w);
      const res = await cluster.request('admin', 'POST', path, object);
      expect(res.status, res.text).toBe(201);
    }
    const model = await readModel();
    const failures: string[] = [];
    await Promise.all(WORKLOADS.map(async (w) => {
      const workload = model.workloads.find((x) => x.kind === w.kind && x.metadata.namespace === w.namespace && x.metadata.name === w.name)
        ?? { ...workloadObject(w).object, kind: w.kind } as never;
      const predicted = simulateWorkload(model, workload);
      // The pod, or the controller's FailedCreate event, whichever comes first.
      const seen = await until(`a pod or a FailedCreate event of ${w.kind} ${w.name}`, 60_000, async () => {
        const pods = await cluster.request('admin', 'GET', `/api/v1/namespaces/${w.namespace}/pods?labelSelector=scn-workload%3D${w.name}`);
        if (pods.body.items?.length) return { psp: pods.body.items[0].metadata.annotations?.[PSP_ANNOTATION] as string };
        const events = await cluster.request('admin', 'GET', `/api/v1/namespaces/${w.namespace}/events?fieldSelector=reason%3DFailedCreate`);
        const event = events.body.items?.find((e: { involvedObject: { name: string }; message: string }) => e.involvedObject.name.startsWith(w.name) && e.message.includes('PodSecurityPolicy'));
        return event ? { message: event.message as string } : undefined;
      });
      stats.pods++;
      stats.workloads++;
      if (!predicted.allowed) stats.rejectionsPredicted++;
      if (seen.value.message) stats.rejectionsReal++;
      const agrees = predicted.allowed ? seen.value.psp === predicted.psp : !!seen.value.message;
      if (agrees) stats.pspAgree++;
      else failures.push(`${w.kind} ${w.namespace}/${w.name}: predicted ${predicted.allowed ? predicted.psp : predicted.message}; server ${seen.value.psp ?? seen.value.message}`);
      if (!predicted.allowed && seen.value.message) {
        stats.errorListsCompared++;
        const list = errorListOf(seen.value.message);
        if (list !== undefined && sameErrors(predicted.errors, list)) stats.errorListsAgree++;
        else failures.push(`${w.name}: error list differs\n  predicted: ${predicted.message}\n  server:    ${seen.value.message}`);
      }
      if (w.expect?.psp) expect(seen.value.psp, w.name).toBe(w.expect.psp);
      if (w.expect?.rejected) expect(seen.value.message, w.name).toContain('PodSecurityPolicy');
      if (process.env.SCENARIO_VERBOSE) console.log(`${w.kind} ${w.name}: ${seen.value.psp ?? seen.value.message}`);
    }));
    expect(failures, failures.join('\n')).toEqual([]);
  });

  it('UPDATE runs only Validate: a PSP that would have to mutate is skipped silently, and kubernetes.io/psp is not rewritten', async () => {
    await replacePsps([probePsp('u1'), RESTRICTED]);
    await waitForProbe('u1');
    const created = await cluster.request('admin', 'POST', '/api/v1/namespaces/team-c/pods',
      aPod('stored', { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' }, securityContext: { runAsUser: 1000 } }),
      impersonation(REQUESTERS.dave));
    expect(created.status, created.text).toBe(201);
    expect(created.body.metadata.annotations[PSP_ANNOTATION]).toBe('restricted');
    const stored: Pod = created.body;
    const patch = { metadata: { labels: { touched: 'yes' } } };
    const patched: Pod = { ...stored, metadata: { ...stored.metadata, labels: { ...(stored.metadata.labels ?? {}), touched: 'yes' } } };
    const admin: Identity = { user: 'admin', groups: ['system:masters'] };

    // Left: a PSP that admits the stored pod once it sets runAsGroup, which an update may not do.
    const groupDefaulting = {
      apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy',
      metadata: { name: 'group-defaulting', annotations: { 'seccomp.security.alpha.kubernetes.io/allowedProfileNames': '*' } },
      spec: { volumes: ['*'], runAsUser: { rule: 'RunAsAny' }, seLinux: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' }, runAsGroup: { rule: 'MustRunAs', ranges: [{ min: 3000, max: 3000 }] } },
    };
    await replacePsps([probePsp('u2'), groupDefaulting, DEFAULTING]);
    await waitForProbe('u2');
    let model = await readModel();
    const refused = await cluster.request('admin', 'PATCH', '/api/v1/namespaces/team-c/pods/stored', patch);
    const predictedRefusal = selectPolicy({ pod: patched, namespace: 'team-c', psps: model.psps, isAuthorized: () => true, mutationAllowed: false });
    expect(refused.status).toBe(403);
    expect(predictedRefusal.allowed).toBe(false);
    expect(predictedRefusal.evaluations.find((e) => e.psp === 'group-defaulting')?.verdict).toBe('mutation-not-allowed');
    expect(refused.body.message).toMatch(/^pods "stored" is forbidden: PodSecurityPolicy: unable to validate pod: \[/);
    expect(sameErrors(predictedRefusal.errors, errorListOf(refused.body.message) ?? '')).toBe(true);

    // With a PSP that admits the pod as it is the update passes, and the annotation keeps the name Admit wrote.
    await replacePsps([probePsp('u3'), groupDefaulting, PERMISSIVE]);
    await waitForProbe('u3');
    model = await readModel();
    const accepted = await cluster.request('admin', 'PATCH', '/api/v1/namespaces/team-c/pods/stored', patch);
    const predictedAccept = selectPolicy({ pod: patched, namespace: 'team-c', psps: model.psps, isAuthorized: (n) => canUse(model, admin, n, 'team-c').allowed, mutationAllowed: false });
    expect(accepted.status, accepted.text).toBe(200);
    expect(predictedAccept.psp).toBe('permissive');
    expect(accepted.body.metadata.annotations[PSP_ANNOTATION]).toBe('restricted');
    stats.pods += 2;
    stats.pspAgree += 2;
  });

  it('open point: a trailing comma in the seccomp allowedProfileNames annotation is refused by PSP validation', async () => {
    const res = await cluster.request('admin', 'POST', '/apis/policy/v1beta1/podsecuritypolicies?dryRun=All', SECCOMP_OPTIONAL);
    expect(res.status).toBe(422);
    expect(res.body.message).toContain('metadata.annotations[seccomp.security.alpha.kubernetes.io/allowedProfileNames]: Invalid value: "": must be a valid seccomp profile');
  });

  it('the FSType names the engine maps volume sources to are the ones the PSP API accepts (cephFS, vsphereVolume)', async () => {
    const names = [...new Set(Object.values(FS_TYPE_OF_SOURCE))];
    const create = (volumes: string[]) => cluster.request('admin', 'POST', '/apis/policy/v1beta1/podsecuritypolicies?dryRun=All', {
      apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: { name: 'fstypes' },
      spec: { volumes, runAsUser: { rule: 'RunAsAny' }, seLinux: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' } },
    });
    const all = await create(names);
    expect(all.status, all.text).toBe(201);
    for (const wrong of ['vsphere', 'cephfs']) {
      const res = await create([wrong]);
      expect(res.status, `${wrong} is not an FSType`).toBe(422);
    }
  });

  it('open point 5: Pod Security Admission refuses a namespace with an invalid level label, and evaluates a valid one after PSP', async () => {
    const bogus = await cluster.request('admin', 'POST', '/api/v1/namespaces?dryRun=All', {
      apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'psa-bogus', labels: { 'pod-security.kubernetes.io/enforce': 'bogus' } },
    });
    console.log(`[admission-scenarios] open point 5, namespace with enforce=bogus: HTTP ${bogus.status} ${bogus.body?.message ?? ''}`);
    expect(bogus.status).toBe(422);
    expect(bogus.body.message).toContain('pod-security.kubernetes.io/enforce');
    // A valid label: PSP admits (permissive), then PSA's validating check refuses what PSP allowed.
    const ns = await cluster.request('admin', 'POST', '/api/v1/namespaces', {
      apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'psa-restricted', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
    });
    expect(ns.status).toBe(201);
    const res = await dryRunCreate('psa-restricted', aPod('psa', { container: { securityContext: { privileged: true } } }), { user: 'admin', groups: ['system:masters'] });
    expect(res.status).toBe(403);
    expect(res.body.message).toContain('violates PodSecurity "restricted:latest"');
  });

  it('a pod whose service account does not exist is refused before PSP, as the simulator says', async () => {
    const model = await readModel();
    const pod = aPod('ghost', { sa: 'ghost' });
    const predicted = simulatePod(model, { ...pod, metadata: { ...pod.metadata, namespace: 'team-a' } }, REQUESTERS.bob);
    const res = await dryRunCreate('team-a', pod, REQUESTERS.bob);
    expect(res.status).toBe(403);
    expect(predicted.refusedBeforePsp).toBe(res.body.message);
  });

  it('a PSP default can make the pod invalid: allowPrivilegeEscalation false on a privileged container', async () => {
    const apeFalse = {
      apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: { name: 'ape-false-privileged' },
      spec: { privileged: true, allowPrivilegeEscalation: false, allowedCapabilities: ['*'], volumes: ['*'], runAsUser: { rule: 'RunAsAny' }, seLinux: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' } },
    };
    await replacePsps([probePsp('ape'), apeFalse]);
    await waitForProbe('ape');
    const model = await readModel();
    const cases: [string, Record<string, unknown>, string | undefined][] = [
      ['ape-privileged', { privileged: true }, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'],
      ['ape-cap-sys-admin', { capabilities: { add: ['CAP_SYS_ADMIN'] } }, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'],
      // The API's check compares the literal CAP_SYS_ADMIN: the usual spelling passes.
      ['ape-sys-admin', { capabilities: { add: ['SYS_ADMIN'] } }, undefined],
    ];
    for (const [name, securityContext, detail] of cases) {
      const pod = aPod(name, { container: { securityContext } });
      const predicted = simulatePod(model, { ...pod, metadata: { ...pod.metadata, namespace: 'team-b' } }, REQUESTERS.dave);
      const res = await dryRunCreate('team-b', pod, REQUESTERS.dave);
      expect(predicted.psp).toBe('ape-false-privileged');
      if (detail) {
        expect(res.status, res.text).toBe(422);
        expect(res.body.message).toContain(detail);
        expect(predicted.refusedAfterPsp).toEqual([expect.stringContaining(detail)]);
      } else {
        expect(res.status, res.text).toBe(201);
        expect(predicted.refusedAfterPsp).toBeUndefined();
      }
    }
  });

  it('with no PSP at all every pod is refused: "no providers available"', async () => {
    await replacePsps([]);
    const pod = aPod('no-providers');
    const res = await until('the informer to see no PSPs', 15_000, async () => {
      const r = await dryRunCreate('default', pod, { user: 'admin', groups: ['system:masters'] });
      return r.status === 403 ? r : undefined;
    });
    const model = await readModel();
    const predicted = simulatePod(model, { ...pod, metadata: { ...pod.metadata, namespace: 'default' } }, { user: 'admin', groups: ['system:masters'] });
    expect(predicted.allowed).toBe(false);
    expect(res.value.body.message).toBe(predicted.message);
    expect(res.value.body.message).toBe('pods "no-providers" is forbidden: PodSecurityPolicy: no providers available to validate pod request');
    stats.pods++;
    stats.pspAgree++;
    stats.rejectionsPredicted++;
    stats.rejectionsReal++;
  });

  it('effective access agrees with SubjectAccessReview for every (identity, PSP, namespace) triple', async () => {
    const model = await readModel();
    const index = indexAccess(model);
    const identities = new Map<string, Identity>();
    for (const id of Object.values(REQUESTERS)) identities.set(id.user, id);
    for (const phase of PHASES) {
      for (const sc of phase.scenarios) {
        const sa = sc.pod.spec.serviceAccountName || 'default';
        const id = podServiceAccountIdentity(sc.namespace, sa);
        identities.set(id.user, id);
      }
    }
    const names = [...ALL_PSP_NAMES, 'does-not-exist'];
    const triples = [...identities.values()].flatMap((id) => names.flatMap((psp) => NAMESPACES.map((ns) => ({ id, psp, ns }))));
    const sar = async (id: Identity, psp: string, ns: string, group: string): Promise<boolean> => {
      const res = await cluster.request('admin', 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
        apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview',
        spec: { user: id.user, groups: id.groups, resourceAttributes: { group, verb: 'use', resource: 'podsecuritypolicies', name: psp, namespace: ns } },
      });
      expect(res.status).toBe(201);
      return res.body.status.allowed === true;
    };
    let agree = 0;
    let allowedCount = 0;
    let viaExtensionsOnly = 0;
    const disagreements: string[] = [];
    for (let i = 0; i < triples.length; i += 24) {
      const batch = triples.slice(i, i + 24);
      const answers = await Promise.all(batch.map(async ({ id, psp, ns }) => {
        // The plugin asks for group policy, then extensions; either allows.
        const [policy, extensions] = await Promise.all([sar(id, psp, ns, 'policy'), sar(id, psp, ns, 'extensions')]);
        return { policy, extensions };
      }));
      batch.forEach(({ id, psp, ns }, j) => {
        const server = answers[j].policy || answers[j].extensions;
        if (answers[j].extensions && !answers[j].policy) viaExtensionsOnly++;
        const engine = canUse(index, id, psp, ns).allowed;
        const usable = usablePspNames(index, id, ns);
        // The one-pass resolver the simulator uses must say the same.
        if ((usable.all || usable.names.has(psp)) !== engine) disagreements.push(`usablePspNames and canUse differ on ${id.user} ${psp} ${ns}`);
        if (server) allowedCount++;
        if (server === engine) agree++;
        else disagreements.push(`${id.user} ${JSON.stringify(id.groups)} use ${psp} in ${ns}: server ${server}, engine ${engine}`);
      });
    }
    console.log(`[admission-scenarios] SubjectAccessReview: ${agree}/${triples.length} triples agree (${((100 * agree) / triples.length).toFixed(1)}%), ${allowedCount} allowed, ${viaExtensionsOnly} allowed only through the extensions group; ${identities.size} identities x ${names.length} PSP names x ${NAMESPACES.length} namespaces`);
    expect(disagreements, disagreements.join('\n')).toEqual([]);
    expect(viaExtensionsOnly).toBeGreaterThan(0);
  });

  it('effective access agrees with SubjectAccessReview on random RBAC (wildcards, look-alike rules, defaulted namespaces)', async () => {
    const { objects, identities, pspNames } = randomRbac(RANDOM_SEED, 120);
    await createObjects(cluster, objects);
    const model = await readModel();
    const index = indexAccess(model);
    const triples = identities.flatMap((id) => pspNames.flatMap((psp) => NAMESPACES.map((ns) => ({ id, psp, ns }))));
    // The authorizer reads RBAC from its own informers: give them a moment after the creates.
    await new Promise((r) => setTimeout(r, 1000));
    let agree = 0;
    let allowed = 0;
    const disagreements: string[] = [];
    for (let i = 0; i < triples.length; i += 24) {
      const batch = triples.slice(i, i + 24);
      const answers = await Promise.all(batch.map(async ({ id, psp, ns }) => {
        const ask = async (group: string) => (await cluster.request('admin', 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
          apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview',
          spec: { user: id.user, groups: id.groups, resourceAttributes: { group, verb: 'use', resource: 'podsecuritypolicies', name: psp, namespace: ns } },
        })).body.status.allowed === true;
        const [p, e] = await Promise.all([ask('policy'), ask('extensions')]);
        return p || e;
      }));
      batch.forEach(({ id, psp, ns }, j) => {
        const engine = canUse(index, id, psp, ns).allowed;
        const usable = usablePspNames(index, id, ns);
        if (answers[j]) allowed++;
        if (engine === answers[j] && (usable.all || usable.names.has(psp)) === engine) agree++;
        else disagreements.push(`${id.user} ${JSON.stringify(id.groups)} use ${psp} in ${ns}: server ${answers[j]}, canUse ${engine}, usablePspNames ${usable.all || usable.names.has(psp)}`);
      });
    }
    console.log(`[admission-scenarios] SubjectAccessReview on random RBAC (${objects.length} objects, seed ${RANDOM_SEED}): ${agree}/${triples.length} triples agree, ${allowed} allowed`);
    expect(disagreements, disagreements.slice(0, 10).join('\n')).toEqual([]);
    expect(allowed).toBeGreaterThan(0);
  });

  it('prints the agreement figures', () => {
    const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : 'n/a');
    console.log(
      `[admission-scenarios] ${stats.pods} pods (${stats.random} random, ${stats.workloads} from real controllers, 2 updates): PSP/refusal agreement ${stats.pspAgree}/${stats.pods} (${pct(stats.pspAgree, stats.pods)}); ` +
        `refusals predicted ${stats.rejectionsPredicted}, real ${stats.rejectionsReal}; ` +
        `error lists identical (in any PSP order) ${stats.errorListsAgree}/${stats.errorListsCompared} (${pct(stats.errorListsAgree, stats.errorListsCompared)}); ` +
        `mutated security fields identical ${stats.mutationsAgree}/${stats.mutationsCompared} (${pct(stats.mutationsAgree, stats.mutationsCompared)})`,
    );
    expect(stats.pods).toBeGreaterThanOrEqual(60);
    expect(stats.pspAgree).toBe(stats.pods);
  });
});
