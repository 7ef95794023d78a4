/**
 * The migration board against the real PodSecurity admission of kube-apiserver v1.24.17 and v1.37.2.
 * The demo cluster's namespaces and workloads (v1.24 also its PSP and RBAC) plus a namespace of real
 * pods are created; the board is computed from what the server lists, as the live source would, and
 * its predictions are compared with the server's own answers:
 *  - per level and version (the recommended pinned version and `latest`): the pod each workload's
 *    controller would create is created with `?dryRun=All` in a namespace enforcing that level; the
 *    server refuses exactly the workloads the board lists, with the board's reasons as its message
 *    (pods, not templates: from v1.28 templates no longer get hostNetwork's hostPort default, and
 *    their warnings then differ, but their pods still do and are refused for it);
 *  - per namespace with pods: the namespace relabelled to enforce each level with `?dryRun=All`
 *    (kubectl label --dry-run=server) answers exactly the board's enforceWarnings;
 *  - labelling every namespace to enforce its recommended level (dry run) warns about no pod.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type ClusterVersion, type TestCluster } from '../testenv/cluster';
import { clusterAvailable, createObjects, demoObjects, snapshotOf } from './support';
import { buildModel } from '../lib/sources/to-model';
import { WORKLOAD_KINDS } from '../lib/model/types';
import { buildBoard, topLevelFilter, type Board, type BoardRow } from '../lib/pss/board';
import { podOfWorkload } from '../lib/access/simulate-workload';
import { pspOutcomes } from '../lib/pss/psp-outcomes';
import { serverMinorOf, type PssVersion } from '../lib/pss/version';
import type { RawObject } from '../lib/sources/to-model';
import { createPath } from './support';

const E = 'pod-security.kubernetes.io/enforce';
const EV = 'pod-security.kubernetes.io/enforce-version';
const PODS_NS = 'board-pods';

/** Pods for the relabel warnings: one per shape, two sharing a controller; and a ReplicationController. */
function pods(): RawObject[] {
  const pod = (name: string, container: Record<string, unknown>, spec: Record<string, unknown> = {}, owner?: string) => ({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: PODS_NS, ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner, uid: `0000000${owner.length}-0000-0000-0000-000000000000`, controller: true }] } : {}) },
    spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.7', ...container }], ...spec },
  });
  const restricted = { securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } } };
  return [
    pod('ok', restricted),
    pod('plain', {}),
    pod('root', { securityContext: { ...restricted.securityContext, runAsNonRoot: undefined, runAsUser: 0 } }),
    pod('host', {}, { hostNetwork: true }),
    pod('priv-a', { securityContext: { privileged: true } }, {}, 'rs'),
    pod('priv-b', { securityContext: { privileged: true } }, {}, 'rs'),
    pod('hostpath', {}, { volumes: [{ name: 'h', hostPath: { path: '/var/log' } }] }),
    // A ReplicationController (no controller manager here: no pods), whose template binds a host port.
    {
      apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'legacy', namespace: PODS_NS },
      spec: { replicas: 0, selector: { app: 'legacy' }, template: { metadata: { labels: { app: 'legacy' } }, spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.7', ports: [{ containerPort: 80, hostPort: 8080 }] }] } } },
    },
  ];
}

for (const version of ['1.24', 'current'] as ClusterVersion[]) {
  const run = clusterAvailable(version);
  describe.runIf(run)(`the migration board agrees with kube-apiserver ${version}`, () => {
    let cluster: TestCluster;
    let board: Board;
    let serverMinor = 0;
    let topLevel: (w: RawObject) => boolean = () => true;

    const ok = (what: string, r: { status: number; text: string }, ...codes: number[]) => {
      if (!codes.includes(r.status)) throw new Error(`${what}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
    };

    beforeAll(async () => {
      cluster = await startCluster({ version });
      serverMinor = serverMinorOf(cluster.serverVersion);
      const pspServed = version === '1.24';
      // The demo's objects (v1.37 has no PSP API); every namespace gets its default account (no controller manager).
      const demo = demoObjects().filter((o) => pspServed || o.kind !== 'PodSecurityPolicy');
      await createObjects(cluster, [...demo, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: PODS_NS } }]);
      const namespaces = demo.filter((o) => o.kind === 'Namespace').map((o) => (o.metadata as { name: string }).name);
      for (const ns of [...namespaces, PODS_NS]) {
        ok(`default account in ${ns}`, await cluster.request('admin', 'POST', `/api/v1/namespaces/${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }), 201, 409);
      }
      // Real pods, stored (no scheduler: they stay Pending). On v1.24 eks.privileged admits them.
      for (const p of pods()) ok(`pod ${(p.metadata as { name: string }).name}`, await cluster.request('admin', 'POST', createPath(p), p), 201, 409);
      const objects = (await snapshotOf(cluster)).map((object, i) => ({ object, where: `object ${i}` }));
      const model = buildModel({ objects, computeAggregation: false, source: { kind: 'live', name: 'it', serverVersion: cluster.serverVersion, pspApiServed: pspServed, state: 'live', readOnly: true } });
      board = buildBoard({ model, serverMinor, outcomes: pspOutcomes(model) });
      const filter = topLevelFilter(model.workloads);
      topLevel = (w) => filter(w as never);
    }, 240_000);

    afterAll(async () => {
      await cluster?.stop();
    });

    const row = (ns: string): BoardRow => board.namespaces.find((r) => r.namespace === ns)!;

    it('the board has the demo\'s namespaces, the pods namespace, and the recommended version is the server\'s', () => {
      expect(board.latest.now).toBe(`v1.${serverMinor}`);
      for (const ns of ['shop', 'ci', 'kube-system', 'analytics', PODS_NS]) expect(row(ns).recommended.version).toBe(`v1.${serverMinor}`);
      expect(row('ci').recommended.level).toBe('privileged');
      expect(row(PODS_NS).workloads).toBe(8);
      if (version === '1.24') expect(row('shop').psps).toEqual(['eks.privileged']);
      else expect(row('shop').psps).toEqual([]);
    });

    it('every workload\'s next pod, at each level at the pinned version and latest: the server refuses exactly the workloads the board lists, with its reasons', async () => {
      const workloads = (await snapshotOf(cluster)).filter((o) => (WORKLOAD_KINDS as readonly string[]).includes(o.kind!));
      let compared = 0;
      let refused = 0;
      for (const level of ['baseline', 'restricted'] as const) {
        for (const v of [`v1.${serverMinor}`, 'latest'] as PssVersion[]) {
          const enforceNs = `board-${level}-${v.replace('.', '-')}`;
          ok(`namespace ${enforceNs}`, await cluster.request('admin', 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: enforceNs, labels: { [E]: level, [EV]: v } } }), 201, 409);
          ok(`default account in ${enforceNs}`, await cluster.request('admin', 'POST', `/api/v1/namespaces/${enforceNs}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } }), 201, 409);
          for (const w of workloads) {
            const meta = w.metadata as { name: string; namespace: string };
            const r0 = row(meta.namespace);
            if (!r0.workloads || !topLevel(w)) continue;
            const expected = r0.levels[level].violations.find((x) => x.workload === `${w.kind}/${meta.name}`);
            // The pod its controller would create (a StatefulSet's with its claims; a bare Pod: itself), run as the default account.
            const made = podOfWorkload(w as never);
            const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: meta.name, namespace: enforceNs, annotations: made.metadata.annotations }, spec: { ...made.spec, serviceAccountName: 'default', serviceAccount: undefined, nodeName: undefined } };
            const r = await cluster.request('admin', 'POST', `/api/v1/namespaces/${enforceNs}/pods?dryRun=All`, pod);
            const label = `${meta.namespace}/${w.kind}/${meta.name} at ${level}:${v}`;
            if (expected) {
              expect(r.status, label).toBe(403);
              expect(r.body.message, label).toBe(`pods "${meta.name}" is forbidden: violates PodSecurity "${level}:${v}": ${expected.checks.map((c) => c.message).join(', ')}`);
              refused++;
            } else {
              expect(r.status, `${label}: ${r.text.slice(0, 300)}`).toBe(201);
            }
            compared++;
          }
        }
      }
      console.log(`[board-agreement] ${cluster.serverVersion}: ${compared}/${compared} workloads × (level, version) agree with the server (${refused} refusals, whole message)`);
    });

    it('kubectl label --dry-run=server: the warnings about existing pods equal the board\'s, per level; the recommended level warns about none', async () => {
      let compared = 0;
      for (const r of board.namespaces) {
        const current = (await cluster.request('admin', 'GET', `/api/v1/namespaces/${r.namespace}`)).body;
        const relabel = async (level: string, v: string) => {
          const res = await cluster.request('admin', 'PUT', `/api/v1/namespaces/${r.namespace}?dryRun=All`, { ...current, metadata: { ...current.metadata, labels: { ...current.metadata.labels, [E]: level, [EV]: v } } });
          expect(res.status, res.text.slice(0, 300)).toBe(200);
          return res.warnings;
        };
        for (const level of ['baseline', 'restricted'] as const) {
          expect(await relabel(level, r.recommended.version), `${r.namespace} enforce=${level}`).toEqual(r.enforceWarnings[level]);
          compared++;
        }
        expect(await relabel(r.recommended.level, r.recommended.version), `${r.namespace} at its recommended level`).toEqual([]);
      }
      const lines = row(PODS_NS).enforceWarnings.restricted.length;
      expect(lines).toBeGreaterThan(3);
      console.log(`[board-agreement] ${cluster.serverVersion}: ${compared}/${compared} dry-run relabels agree (${board.namespaces.length} namespaces; ${lines} warning lines for ${PODS_NS} at restricted)`);
    });
  });
}
