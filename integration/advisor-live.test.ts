/**
 * The advisor's proposals on a real kube-apiserver v1.24 with kube-controller-manager: for the demo's
 * kube-system, shop and ci and for generated namespaces, the proposal and its grant (psp-util's
 * ClusterRole, a RoleBinding to the workloads' service accounts) are created — and no other PSP, so
 * nothing else can be chosen — then the workloads. Every pod a controller creates (Deployment,
 * ReplicaSet, StatefulSet, Job) and every bare Pod is admitted with `kubernetes.io/psp` = the proposal
 * and its security fields as written; DaemonSet and CronJob pods (no nodes, no schedule here) are
 * checked by a server dry run as their controller. Minimality on the server: copies of a proposal
 * without one allowance each, alone and granted in a namespace of their own, refuse at least one pod.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../testenv/cluster';
import type { ClusterModel, Psp, Workload } from '../lib/model/types';
import type { Pod } from '../lib/admission/pod';
import { PSP_ANNOTATION } from '../lib/admission/select-policy';
import { applySeccompVersionSkew } from '../lib/admission/storage';
import { controllerIdentity, type Identity } from '../lib/access/identity';
import { advise, controllerPod, grantsFor, serviceAccountOf, topLevelWorkloads, workloadLabel, type Advice } from '../lib/advisor/advise';
import { tightenings } from '../lib/advisor/minimality';
import { generateWorkloads } from '../lib/advisor/testing';
import type { RawObject } from '../lib/sources/to-model';
import { demoModel } from '../lib/testing/demo';
import { clusterAvailable, createObjects, createPath, demoObjects, securityView, until } from './support';

const run = clusterAvailable('1.24');

/** The user bare Pods (and the minimality dry runs) are created as: may create pods, may use no PSP. */
const CREATOR: Identity = { user: 'advisor-pod-creator', groups: ['system:authenticated'] };

const impersonation = (id: Identity): Record<string, string> => ({ 'Impersonate-User': id.user, 'Impersonate-Group': id.groups as unknown as string });


/** Keys sorted, empty lists dropped (the server omits them): equal views compare equal as text. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort()
      .filter((k) => !(Array.isArray((v as Record<string, unknown>)[k]) && ((v as Record<string, unknown>)[k] as unknown[]).length === 0))
      .map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  }
  return v;
}

const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/** The workload as the API server takes it (apiVersion and kind for the path). */
function rawOf(w: Workload): RawObject {
  return { ...w, apiVersion: w.apiVersion ?? (w.kind === 'Pod' ? 'v1' : ['Job', 'CronJob'].includes(w.kind) ? 'batch/v1' : 'apps/v1') } as unknown as RawObject;
}

interface Case {
  namespace: string;
  model: ClusterModel;
  workloads: Workload[];
  advice: Advice;
}

function podOwnedBy(p: Pod & { metadata: { ownerReferences?: { kind: string; name: string }[] } }, w: Workload): boolean {
  const o = p.metadata.ownerReferences?.[0];
  if (!o) return w.kind === 'Pod' && p.metadata.name === w.metadata.name;
  if (o.kind === w.kind && o.name === w.metadata.name) return true;
  return w.kind === 'Deployment' && o.kind === 'ReplicaSet' && o.name.startsWith(`${w.metadata.name}-`);
}

describe.runIf(run)('advisor proposals on kube-apiserver v1.24 with kube-controller-manager', () => {
  let cluster: TestCluster;
  const cases: Case[] = [];
  const figures = { workloads: 0, podsCreated: 0, dryRuns: 0, tighterCopies: 0, refusedByCopies: 0 };

  beforeAll(async () => {
    cluster = await startCluster({ version: '1.24', controllerManager: true });
    // The demo's namespaces and service accounts only: no PSP but the proposals, no other grant.
    await createObjects(cluster, demoObjects().filter((o) => o.kind === 'Namespace' || o.kind === 'ServiceAccount'));
    await createObjects(cluster, [
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'advisor-pod-creator' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }] } as RawObject,
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'advisor-pod-creator' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'advisor-pod-creator' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: CREATOR.user }] } as RawObject,
    ]);
    for (const name of ['gvisor', 'kata']) {
      const res = await cluster.request('admin', 'POST', '/apis/node.k8s.io/v1/runtimeclasses', { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name }, handler: name });
      expect([201, 409]).toContain(res.status);
    }
    const demo = demoModel();
    const bare: ClusterModel = { ...demo, psps: [], clusterRoles: [], clusterRoleBindings: [], roles: [], roleBindings: [] };
    for (const ns of ['kube-system', 'shop', 'ci']) {
      const workloads = topLevelWorkloads(demo, ns);
      cases.push({ namespace: ns, model: bare, workloads, advice: advise(bare, workloads, { name: `advised-${ns}` }) });
    }
    for (const [seed, count] of [[7, 9], [23, 9], [33, 8]] as const) {
      const ns = `gen-${seed}`;
      const workloads = generateWorkloads(seed, count, ns);
      const model: ClusterModel = { ...bare, workloads, serviceAccounts: [{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } }] };
      cases.push({ namespace: ns, model, workloads, advice: advise(model, workloads, { name: `advised-${ns}` }) });
      await createObjects(cluster, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } as RawObject]);
      await until(`the default service account of ${ns}`, 60_000, async () => ((await cluster.request('admin', 'GET', `/api/v1/namespaces/${ns}/serviceaccounts/default`)).status === 200 ? true : undefined));
    }
  });

  afterAll(async () => {
    if (cases.length) console.log(`[advisor-live] ${JSON.stringify(figures)}`);
    await cluster?.stop();
  });

  it('every proposal is proven in the engine first (admitted unchanged, each allowance needed)', () => {
    for (const c of cases) {
      for (const a of c.advice.admits) expect(a, `${c.namespace}: ${a.workload}`).toMatchObject({ allowed: true, psp: `advised-${c.namespace}`, mutated: false });
      expect(c.advice.minimality.filter((m) => !m.ok), c.namespace).toEqual([]);
    }
  });

  it('the proposals and their grants are accepted by the server, then every pod gets its proposal unchanged', async () => {
    for (const c of cases) {
      await createObjects(cluster, [c.advice.psp as unknown as RawObject, ...(c.advice.grants as unknown as RawObject[])]);
      const stored = await cluster.request('admin', 'GET', `/apis/policy/v1beta1/podsecuritypolicies/advised-${c.namespace}`);
      expect(stored.status).toBe(200);
    }
    const failures: string[] = [];
    for (const c of cases) {
      const name = `advised-${c.namespace}`;
      // The admission plugin sees a new PSP and RoleBinding through informers: wait for a first dry run to pass.
      const probe = c.workloads.find((w) => w.kind !== 'Pod') ?? c.workloads[0];
      await until(`${name} in the admission plugin's cache`, 60_000, async () => {
        const res = await dryRun(c.namespace, probe);
        return res.status === 201 ? true : undefined;
      });
      for (const w of c.workloads) {
        figures.workloads++;
        const want = expected(w);
        if (w.kind === 'DaemonSet' || w.kind === 'CronJob') {
          figures.dryRuns++;
          const res = await dryRun(c.namespace, w);
          if (res.status !== 201) failures.push(`${workloadLabel(w)}: dry run as its controller: ${res.status} ${res.body?.message ?? res.text}`);
          else {
            if (res.body.metadata.annotations?.[PSP_ANNOTATION] !== name) failures.push(`${workloadLabel(w)}: got ${res.body.metadata.annotations?.[PSP_ANNOTATION]}`);
            const got = securityView(res.body);
            if (!same(got, want)) failures.push(`${workloadLabel(w)}: security fields changed\n  written: ${JSON.stringify(want)}\n  admitted: ${JSON.stringify(got)}`);
          }
          continue;
        }
        const res = w.kind === 'Pod'
          ? await cluster.request('admin', 'POST', createPath(rawOf(w)), rawOf(w), impersonation(CREATOR))
          : await cluster.request('admin', 'POST', createPath(rawOf(w)), rawOf(w));
        if (res.status !== 201) {
          failures.push(`${workloadLabel(w)}: create: ${res.status} ${res.body?.message ?? res.text}`);
          continue;
        }
      }
      // The controllers' pods (or their FailedCreate events).
      for (const w of c.workloads.filter((x) => x.kind !== 'DaemonSet' && x.kind !== 'CronJob')) {
        const seen = await until(`a pod or a FailedCreate event of ${workloadLabel(w)}`, 90_000, async () => {
          const pods = await cluster.request('admin', 'GET', `/api/v1/namespaces/${c.namespace}/pods`);
          const pod = (pods.body.items as Pod[] | undefined)?.find((p) => podOwnedBy(p as never, w));
          if (pod) return { pod };
          const events = await cluster.request('admin', 'GET', `/api/v1/namespaces/${c.namespace}/events?fieldSelector=reason%3DFailedCreate`);
          const event = events.body.items?.find((e: { involvedObject: { name: string }; message: string }) => e.involvedObject.name.startsWith(w.metadata.name));
          return event ? { message: event.message as string } : undefined;
        });
        if (!seen.value.pod) {
          failures.push(`${workloadLabel(w)}: ${seen.value.message}`);
          continue;
        }
        figures.podsCreated++;
        const pod = seen.value.pod;
        if (pod.metadata.annotations?.[PSP_ANNOTATION] !== name) failures.push(`${workloadLabel(w)}: kubernetes.io/psp = ${pod.metadata.annotations?.[PSP_ANNOTATION]}`);
        const got = securityView(pod);
        if (!same(got, expected(w))) failures.push(`${workloadLabel(w)}: security fields changed\n  written: ${JSON.stringify(expected(w))}\n  stored:  ${JSON.stringify(got)}`);
      }
    }
    expect(failures, failures.join('\n')).toEqual([]);
    expect(figures.podsCreated + figures.dryRuns).toBe(figures.workloads);
  });

  it('minimality on the server: each tighter copy of a sample of proposals, alone and granted, refuses at least one pod', async () => {
    const sample = cases.filter((c) => ['kube-system', 'shop', 'gen-7'].includes(c.namespace));
    const failures: string[] = [];
    let n = 0;
    for (const c of sample) {
      const copies = tightenings(c.advice.psp).filter((t) => t.kind === 'allowance');
      for (const t of copies) {
        n++;
        figures.tighterCopies++;
        const ns = `min-${n}`;
        const psp: Psp = { ...t.psp, metadata: { ...t.psp.metadata, name: `tight-${n}` } };
        // Every service account of the sample's workloads, in a namespace where only the copy is granted.
        const sas = [...new Set(c.workloads.map(serviceAccountOf))];
        const workloads = c.workloads.map((w) => ({ ...w, metadata: { ...w.metadata, namespace: ns } }));
        await createObjects(cluster, [
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } as RawObject,
          ...sas.filter((s) => s !== 'default').map((s) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: s, namespace: ns } }) as RawObject),
          psp as unknown as RawObject,
          ...(grantsFor(psp.metadata.name, workloads) as unknown as RawObject[]),
        ]);
        await until(`the default service account of ${ns}`, 60_000, async () => ((await cluster.request('admin', 'GET', `/api/v1/namespaces/${ns}/serviceaccounts/default`)).status === 200 ? true : undefined));
        // Refused with the copy's own errors (an empty list would mean the copy is not seen yet).
        let refusal: string;
        try {
          refusal = (await until(`a refusal by ${t.label}`, 60_000, async () => {
          for (const w of workloads) {
            const res = await dryRun(ns, w);
            if (res.status === 403 && !/unable to admit pod: \[\]$/.test(res.body?.message ?? '')) return `${workloadLabel(w)}: ${res.body.message}`;
            if (res.status !== 201 && res.status !== 403) return `unexpected ${res.status}: ${res.text}`;
          }
          return undefined;
          })).value;
        } catch (e) {
          refusal = `timed out: ${(e as Error).message}`;
        }
        if (refusal.startsWith('timed out') || refusal.startsWith('unexpected')) failures.push(`${c.namespace} without ${t.label}: ${refusal}`);
        else figures.refusedByCopies++;
      }
    }
    expect(failures, failures.join('\n')).toEqual([]);
    expect(figures.refusedByCopies).toBe(figures.tighterCopies);
    expect(figures.tighterCopies).toBeGreaterThan(10);
  });

  /** The pod a workload's controller would submit, created with ?dryRun=All as that controller (a bare Pod: as CREATOR). */
  async function dryRun(namespace: string, w: Workload) {
    const pod = controllerPod(w);
    const body = { ...pod, metadata: { ...pod.metadata, namespace, ...(w.kind === 'Pod' ? { name: w.metadata.name } : {}) } };
    const requester = w.kind === 'Pod' ? CREATOR : controllerIdentity(w.kind)!;
    return cluster.request('admin', 'POST', `/api/v1/namespaces/${namespace}/pods?dryRun=All`, body, impersonation(requester));
  }

  /** The security fields the stored pod must have: the template's, with the seccomp pair in step. */
  function expected(w: Workload) {
    return securityView(applySeccompVersionSkew(controllerPod(w)));
  }
});
