/**
 * The migration plans (issue 10) on real API servers, v1.24.17 and v1.37.2, each started with a
 * PodSecurityConfiguration (defaults: enforce baseline, warn restricted; exemptions: a namespace, a
 * user, a runtime class) that the dashboard reads too (--pod-security-config):
 * - exemptions and defaults: pods created with server dry run as an exempt and a plain user, in an
 *   exempt, a labelled and an unlabelled namespace, with an exempt runtime class: the server's
 *   answer (allowed, the refusal, the warnings) equals lib/pss's admit() with the parsed file;
 * - the label plan's preview, planned by the route from the live cache: the warnings the API server
 *   answered to its dry run equal lib/pss's prediction (existing pods: lib/pss's hand-written cases
 *   and a few sharing a controller; the exempt namespace), then
 *   the plan is applied and the namespace carries all six labels, pinned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { TestCluster } from '../testenv/cluster';
import { csrfToken } from '../lib/server/csrf';
import { KubeConnection } from '../lib/server/kube/connection';
import type { LiveSource } from '../lib/server/sources/live';
import { admit } from '../lib/pss/labels';
import { parsePodSecurityConfiguration, type PssConfiguration } from '../lib/pss/config';
import { normalizeForServer } from '../lib/pss/normalize';
import { serverMinorOf } from '../lib/pss/version';
import type { Pod } from '../lib/admission/pod';
import type { RawObject } from '../lib/sources/to-model';
import { POST as label } from '../app/api/v1/pod-security/plans/label/route';
import { handWrittenCases } from '../lib/pss/cases';
import { clusterAvailable, until } from './support';
import { startLiveDashboard } from './live-dashboard';

const E = 'pod-security.kubernetes.io/enforce';

function pod(name: string, extra: { container?: Record<string, unknown>; spec?: Record<string, unknown>; owner?: string } = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, ...(extra.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: extra.owner, controller: true }] } : {}) },
    spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.7', ...extra.container }], ...extra.spec },
  } as Pod;
}

const PODS = {
  privileged: pod('privileged', { container: { securityContext: { privileged: true } } }),
  hostNetwork: pod('host-network', { spec: { hostNetwork: true } }),
  baselineOnly: pod('baseline-only'),
  restrictedOk: pod('restricted-ok', { container: { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } } } }),
  kata: pod('kata-privileged', { container: { securityContext: { privileged: true } }, spec: { runtimeClassName: 'kata' } }),
};

const ns = (name: string, labels: Record<string, string> = {}): RawObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const sa = (namespace: string): RawObject => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace } });

/** v1.24: a PSP that admits anything, usable by every service account, keeps PSP out of the way. */
const PERMISSIVE_PSP: RawObject[] = [
  {
    apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: { name: 'permissive', annotations: { 'seccomp.security.alpha.kubernetes.io/allowedProfileNames': '*' } },
    spec: { privileged: true, allowPrivilegeEscalation: true, allowedCapabilities: ['*'], volumes: ['*'], hostNetwork: true, hostPID: true, hostIPC: true, hostPorts: [{ min: 0, max: 65535 }], runAsUser: { rule: 'RunAsAny' }, seLinux: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' } },
  },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'use-permissive' }, rules: [{ apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['use'], resourceNames: ['permissive'] }] },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'use-permissive' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'use-permissive' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:serviceaccounts' }] },
];

function callLabel(body: unknown, dryRun: boolean) {
  const req = new Request(`http://127.0.0.1:3000/api/v1/pod-security/plans/label${dryRun ? '?dryRun=true' : ''}`, {
    method: 'POST', headers: { host: '127.0.0.1:3000', 'content-type': 'application/json', 'x-csrf-token': csrfToken() }, body: JSON.stringify(body),
  });
  return label(req, { params: Promise.resolve({}) } as never);
}

for (const version of ['1.24', 'current'] as const) {
  describe.runIf(clusterAvailable(version))(`migration plans on kube-apiserver ${version}, with a PodSecurityConfiguration`, () => {
    let cluster: TestCluster;
    let live: LiveSource;
    let close: () => Promise<void>;
    let conn: KubeConnection;
    let config: PssConfiguration;
    let serverMinor = 0;

    beforeAll(async () => {
      const objects: RawObject[] = [
        ...(version === '1.24' ? PERMISSIVE_PSP : []),
        ns('labelled', { [E]: 'restricted' }), ns('exempt-ns', { [E]: 'restricted' }), ns('plain'), ns('apps', { [E]: 'privileged' }),
        sa('labelled'), sa('exempt-ns'), sa('plain'), sa('apps'),
      ];
      ({ cluster, live, close } = await startLiveDashboard(version, 'admin', objects, {
        podSecurity: {
          defaults: { enforce: 'baseline', 'enforce-version': 'latest', warn: 'restricted', 'warn-version': 'latest' },
          exemptions: { namespaces: ['exempt-ns'], usernames: ['exempt-user'], runtimeClasses: ['kata'] },
        },
      }));
      serverMinor = serverMinorOf(cluster.serverVersion);
      conn = KubeConnection.load({ kubeconfig: cluster.kubeconfigPath, context: 'admin' });
      const parsed = parsePodSecurityConfiguration(readFileSync(cluster.admissionConfigPath!, 'utf8'));
      if (!parsed.ok) throw new Error(parsed.errors.join('; '));
      config = parsed.config;
      const rc = await cluster.request('admin', 'POST', '/apis/node.k8s.io/v1/runtimeclasses', { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'kata' }, handler: 'kata' });
      expect(rc.status).toBe(201);
      // Existing pods for the relabel warnings: two share a controller, the rest stand alone.
      const existing = [PODS.privileged, PODS.hostNetwork, PODS.baselineOnly, PODS.restrictedOk,
        pod('zz-replica', { container: { securityContext: { privileged: true } }, owner: '00000000-0000-0000-0000-000000000001' }),
        pod('aa-replica', { container: { securityContext: { privileged: true } }, owner: '00000000-0000-0000-0000-000000000001' })];
      for (const p of existing) expect((await cluster.request('admin', 'POST', '/api/v1/namespaces/apps/pods', p)).status).toBe(201);
      // And every hand-written case of lib/pss this server stores (each check and its edge cases).
      let stored = existing.length;
      for (const k of handWrittenCases()) {
        const r = await cluster.request('admin', 'POST', '/api/v1/namespaces/apps/pods', { ...k.pod, metadata: { ...k.pod.metadata, name: `case-${k.pod.metadata.name}`.slice(0, 63) } });
        if (r.status === 201) stored++;
      }
      await until('the live cache to hold the pods of apps', 30_000, async () => ((await live.readModel()).workloads.filter((w) => w.kind === 'Pod' && w.metadata.namespace === 'apps').length === stored ? true : undefined));
    }, 240_000);

    afterAll(async () => {
      await close?.();
    });

    it('exemptions and defaults: the server admits, refuses and warns exactly as lib/pss with the parsed configuration', async () => {
      const cases: { user: string; namespace: string; pod: Pod }[] = [];
      for (const user of ['admin', 'exempt-user']) {
        for (const namespace of ['labelled', 'exempt-ns', 'plain']) {
          for (const p of [PODS.privileged, PODS.baselineOnly, PODS.restrictedOk, PODS.kata]) cases.push({ user, namespace, pod: p });
        }
      }
      let agree = 0;
      const outcomes = { allowed: 0, refused: 0, warned: 0, exempt: 0 };
      for (const k of cases) {
        const identity = k.user === 'admin' ? undefined : { kind: 'impersonate' as const, user: k.user, groups: ['system:masters'] };
        const r = await conn.request('POST', `/api/v1/namespaces/${k.namespace}/pods?dryRun=All`, { body: k.pod, identity });
        const labels = (await live.readModel()).namespaces.find((n) => n.metadata.name === k.namespace)?.metadata.labels ?? {};
        const predicted = admit({ object: normalizeForServer(k.pod, serverMinor) as never, namespace: k.namespace, namespaceLabels: labels, username: k.user, config }, { serverMinor });
        const server = { allowed: r.status === 201, message: r.status === 201 ? undefined : JSON.parse(r.body).message, warnings: (r.warnings ?? []).filter((w) => w.includes('PodSecurity')) };
        const engine = { allowed: predicted.allowed, message: predicted.message, warnings: predicted.warnings };
        expect(server, `${k.user} ${k.namespace} ${k.pod.metadata.name}`).toEqual(engine);
        agree++;
        if (predicted.exempt) outcomes.exempt++;
        if (predicted.allowed) outcomes.allowed++;
        else outcomes.refused++;
        if (predicted.warnings.length) outcomes.warned++;
      }
      // Every kind of outcome was seen: exempt by namespace, user and runtime class; refused by a label and by the default; warned by the default.
      expect(outcomes.exempt).toBeGreaterThanOrEqual(12);
      expect(outcomes.refused).toBeGreaterThan(0);
      expect(outcomes.warned).toBeGreaterThan(0);
      console.log(`[migration-plans] ${cluster.serverVersion} PodSecurityConfiguration exemptions/defaults: ${agree}/${cases.length} pod creations agree (${JSON.stringify(outcomes)})`);
    });

    it('the label plan: the dry run\'s warnings from the API server equal the prediction; applied, the namespace has all six labels pinned', async () => {
      const pinned = `v1.${serverMinor}`;
      const steps = [
        { namespace: 'apps', level: 'baseline', phase: 'audit' },
        { namespace: 'apps', level: 'baseline', phase: 'enforce', acknowledgeRefusals: true },
        { namespace: 'apps', level: 'restricted', phase: 'enforce', acknowledgeRefusals: true },
        { namespace: 'apps', level: 'restricted', phase: 'enforce', version: 'v1.22', acknowledgeRefusals: true },
        { namespace: 'exempt-ns', level: 'baseline', phase: 'enforce' },
        { namespace: 'plain', level: 'restricted', phase: 'audit' },
      ];
      let agree = 0;
      let lines = 0;
      for (const body of steps) {
        const res = await callLabel(body, true);
        const plan = await res.json();
        expect(res.status, JSON.stringify(plan).slice(0, 400)).toBe(200);
        expect(plan.serverDryRun).toBe(true);
        expect(plan.serverWarnings, JSON.stringify(body)).toEqual(plan.predictedServerWarnings);
        agree++;
        lines += plan.serverWarnings.length;
      }
      const enforce = await (await callLabel(steps[1], true)).json();
      expect(enforce.serverWarnings[0]).toBe(`existing pods in namespace "apps" violate the new PodSecurity enforce level "baseline:${pinned}"`);
      if (serverMinor >= 25) expect((await (await callLabel(steps[4], true)).json()).serverWarnings).toEqual([`namespace "exempt-ns" is exempt from Pod Security, and the policy (enforce=baseline:${pinned}, audit=baseline:${pinned}, warn=baseline:${pinned}) will be ignored`]);
      console.log(`[migration-plans] ${cluster.serverVersion} label plans: the dry run's warnings equal the prediction for ${agree}/${steps.length} plans (${lines} warning lines)`);

      const done = await (await callLabel(steps[1], false)).json();
      expect(done.performed).toEqual([{ action: 'update', kind: 'Namespace', name: 'apps' }]);
      const labels = (await cluster.request('admin', 'GET', '/api/v1/namespaces/apps')).body.metadata.labels;
      expect(labels).toMatchObject({
        [E]: 'baseline', [`${E}-version`]: pinned, 'pod-security.kubernetes.io/audit': 'baseline', 'pod-security.kubernetes.io/audit-version': pinned,
        'pod-security.kubernetes.io/warn': 'baseline', 'pod-security.kubernetes.io/warn-version': pinned,
      });
    });
  });
}
