/**
 * Smoke test of the test environment itself: real control planes start, PSP admission is real on
 * 1.24, and the PSP API is gone on the current apiserver.
 *
 * Binaries come from testenv/build.sh. With CI=true a missing binary fails the run; elsewhere the
 * tests are skipped with a message naming what is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binariesAvailable, startCluster, type ClusterVersion, type TestCluster } from './cluster';

const log = process.env.TESTENV_VERBOSE ? (s: string) => console.log(s) : undefined;

function availability(version: ClusterVersion): boolean {
  const a = binariesAvailable(version);
  if (a.ok) return true;
  const msg = `testenv ${version}: binaries missing: ${a.missing.join('; ')} (run: bash testenv/build.sh)`;
  if (process.env.CI) throw new Error(msg);
  console.warn(`\n*** SKIPPING ${msg} ***\n`);
  return false;
}

const has124 = availability('1.24');
const hasCurrent = availability('current');

const POD_SA_PRIV = 'smoke-priv';

function pod(name: string, opts: { privileged: boolean; serviceAccountName?: string }) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { smoke: 'true' } },
    spec: {
      ...(opts.serviceAccountName ? { serviceAccountName: opts.serviceAccountName } : {}),
      containers: [
        {
          name: 'c',
          image: 'registry.invalid/pause:3',
          securityContext: opts.privileged
            ? { privileged: true }
            : { runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  };
}

const restrictedPsp = {
  apiVersion: 'policy/v1beta1',
  kind: 'PodSecurityPolicy',
  metadata: { name: 'smoke-restricted' },
  spec: {
    privileged: false,
    allowPrivilegeEscalation: false,
    requiredDropCapabilities: ['ALL'],
    volumes: ['configMap', 'emptyDir', 'projected', 'secret', 'downwardAPI'],
    hostNetwork: false,
    hostIPC: false,
    hostPID: false,
    runAsUser: { rule: 'MustRunAsNonRoot' },
    seLinux: { rule: 'RunAsAny' },
    supplementalGroups: { rule: 'MustRunAs', ranges: [{ min: 1, max: 65535 }] },
    fsGroup: { rule: 'MustRunAs', ranges: [{ min: 1, max: 65535 }] },
  },
};

const privilegedPsp = {
  apiVersion: 'policy/v1beta1',
  kind: 'PodSecurityPolicy',
  metadata: { name: 'smoke-privileged' },
  spec: {
    privileged: true,
    allowPrivilegeEscalation: true,
    allowedCapabilities: ['*'],
    volumes: ['*'],
    hostNetwork: true,
    hostIPC: true,
    hostPID: true,
    hostPorts: [{ min: 0, max: 65535 }],
    runAsUser: { rule: 'RunAsAny' },
    seLinux: { rule: 'RunAsAny' },
    supplementalGroups: { rule: 'RunAsAny' },
    fsGroup: { rule: 'RunAsAny' },
  },
};

function useRole(name: string, psp: string) {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name },
    rules: [{ apiGroups: ['policy'], resources: ['podsecuritypolicies'], resourceNames: [psp], verbs: ['use'] }],
  };
}

function roleBinding(name: string, role: string, subject: object) {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name, namespace: 'team-a' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [subject],
  };
}

async function eventually<T>(fn: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.skipIf(!has124)('testenv: kube-apiserver 1.24 with PSP admission', () => {
  let c: TestCluster;

  beforeAll(async () => {
    const t = Date.now();
    c = await startCluster({ version: '1.24', controllerManager: true, log });
    console.log(`testenv smoke: 1.24 cluster with controller manager started in ${Date.now() - t} ms`);
  }, 180_000);

  afterAll(async () => {
    await c?.stop();
  }, 60_000);

  it('serves v1.24 and the PSP API', async () => {
    const v = await c.request('admin', 'GET', '/version');
    expect(v.status).toBe(200);
    expect(v.body.gitVersion).toMatch(/^v1\.24\./);
    expect(c.serverVersion).toBe(v.body.gitVersion);

    const list = await c.request('admin', 'GET', '/apis/policy/v1beta1/podsecuritypolicies');
    expect(list.status).toBe(200);
    expect(list.body.kind).toBe('PodSecurityPolicyList');
  });

  it('has the identities with their rights', async () => {
    const viewer = await c.request('viewer', 'GET', '/apis/policy/v1beta1/podsecuritypolicies');
    expect(viewer.status).toBe(403);
    expect(viewer.body.message).toContain('cannot list resource "podsecuritypolicies"');
    expect((await c.request('viewer', 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles')).status).toBe(200);
    expect((await c.request('dashboard', 'GET', '/apis/policy/v1beta1/podsecuritypolicies')).status).toBe(200);
    const ssar = await c.request('dashboard', 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { group: 'policy', resource: 'podsecuritypolicies', verb: 'use' } },
    });
    expect(ssar.status).toBe(201);
    expect(ssar.body.status.allowed).toBe(false); // read-only: no `use`
    expect((await c.request('restricted-user', 'GET', '/api/v1/namespaces/default/pods')).status).toBe(403);
    expect((await c.request('restricted-user', 'GET', '/api/v1/namespaces/team-a/pods')).status).toBe(200);
    const esc = await c.request('rbac-manager', 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', useRole('smoke:grant-use', 'smoke-privileged'));
    expect(esc.status).toBe(403);
    expect(esc.body.message).toContain('attempting to grant RBAC permissions not currently held');
  });

  it('enforces PodSecurityPolicy admission for real', async () => {
    const admin = (m: string, p: string, b?: unknown) => c.request('admin', m, p, b);
    for (const psp of [restrictedPsp, privilegedPsp]) expect((await admin('POST', '/apis/policy/v1beta1/podsecuritypolicies', psp)).status).toBe(201);
    const crs = '/apis/rbac.authorization.k8s.io/v1/clusterroles';
    expect((await admin('POST', crs, useRole('smoke:psp-restricted', 'smoke-restricted'))).status).toBe(201);
    expect((await admin('POST', crs, useRole('smoke:psp-privileged', 'smoke-privileged'))).status).toBe(201);
    const rbs = '/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/rolebindings';
    expect(
      (await admin('POST', rbs, roleBinding('smoke:restricted-user', 'smoke:psp-restricted', { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'restricted-user' })))
        .status,
    ).toBe(201);
    expect((await admin('POST', '/api/v1/namespaces/team-a/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: POD_SA_PRIV } })).status).toBe(201);
    expect(
      (await admin('POST', rbs, roleBinding('smoke:priv-sa', 'smoke:psp-privileged', { kind: 'ServiceAccount', name: POD_SA_PRIV, namespace: 'team-a' }))).status,
    ).toBe(201);

    const pods = '/api/v1/namespaces/team-a/pods';
    // privileged pod as restricted-user with only the restricted PSP usable: rejected by PSP admission
    const denied = await c.request('restricted-user', 'POST', pods, pod('smoke-denied', { privileged: true }));
    expect(denied.status).toBe(403);
    expect(denied.body.message).toContain('PodSecurityPolicy');
    expect(denied.body.message).toMatch(/[Pp]rivileged/);

    // an unprivileged pod passes the restricted PSP
    const ok = await c.request('restricted-user', 'POST', pods, pod('smoke-ok', { privileged: false }));
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body.metadata.annotations['kubernetes.io/psp']).toBe('smoke-restricted');

    // the same privileged pod, run as a ServiceAccount that may use the privileged PSP: admitted
    const priv = await c.request('restricted-user', 'POST', pods, pod('smoke-priv', { privileged: true, serviceAccountName: POD_SA_PRIV }));
    expect(priv.status, priv.text).toBe(201);
    expect(priv.body.metadata.annotations['kubernetes.io/psp']).toBe('smoke-privileged');
  });

  it('runs the controller manager: a Deployment gets pods created by replicaset-controller', async () => {
    const dep = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'smoke-dep' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'smoke-dep' } },
        template: {
          metadata: { labels: { app: 'smoke-dep' } },
          spec: pod('x', { privileged: true, serviceAccountName: POD_SA_PRIV }).spec,
        },
      },
    };
    const created = await c.request('restricted-user', 'POST', '/apis/apps/v1/namespaces/team-a/deployments', dep);
    expect(created.status, created.text).toBe(201);
    const p = await eventually(
      async () => {
        const r = await c.request('admin', 'GET', '/api/v1/namespaces/team-a/pods?labelSelector=app%3Dsmoke-dep');
        return r.body.items?.[0];
      },
      30_000,
      'a pod of the Deployment',
    );
    expect(p.metadata.ownerReferences[0].kind).toBe('ReplicaSet');
    expect(p.metadata.annotations['kubernetes.io/psp']).toBe('smoke-privileged');
    expect(p.metadata.managedFields[0].manager).toBe('kube-controller-manager');
  });

  it("checks PSP against the pod creator replicaset-controller, not the Deployment's author", async () => {
    // restricted-user may use smoke-restricted in team-a, and this pod would pass it; but the
    // ReplicaSet's pods are created by replicaset-controller, and neither it nor the pod's
    // `default` ServiceAccount may use any PSP: the ReplicaSet reports the PSP rejection.
    const dep = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'smoke-unprivileged' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'smoke-unprivileged' } },
        template: { metadata: { labels: { app: 'smoke-unprivileged' } }, spec: pod('x', { privileged: false }).spec },
      },
    };
    const created = await c.request('restricted-user', 'POST', '/apis/apps/v1/namespaces/team-a/deployments', dep);
    expect(created.status, created.text).toBe(201);
    const cond = await eventually(
      async () => {
        const r = await c.request('admin', 'GET', '/apis/apps/v1/namespaces/team-a/replicasets?labelSelector=app%3Dsmoke-unprivileged');
        const conds: any[] = r.body.items?.[0]?.status?.conditions ?? [];
        return conds.find((x) => x.type === 'ReplicaFailure');
      },
      30_000,
      'the ReplicaSet to report ReplicaFailure',
    );
    expect(cond.message).toContain('PodSecurityPolicy');
    const pods = await c.request('admin', 'GET', '/api/v1/namespaces/team-a/pods?labelSelector=app%3Dsmoke-unprivileged');
    expect(pods.body.items).toHaveLength(0);
  });

  it('survives an apiserver restart on the same port', async () => {
    await c.stopApiserver();
    await expect(c.request('admin', 'GET', '/version')).rejects.toThrow(/ECONNREFUSED/);
    const t = Date.now();
    await c.startApiserver();
    console.log(`testenv smoke: 1.24 apiserver restarted in ${Date.now() - t} ms`);
    const r = await c.request('admin', 'GET', '/apis/policy/v1beta1/podsecuritypolicies/smoke-privileged');
    expect(r.status).toBe(200);
  }, 120_000);
});

describe.skipIf(!hasCurrent)('testenv: current kube-apiserver without PSP', () => {
  let c: TestCluster;

  beforeAll(async () => {
    const t = Date.now();
    c = await startCluster({ version: 'current', log });
    console.log(`testenv smoke: current cluster started in ${Date.now() - t} ms`);
  }, 180_000);

  afterAll(async () => {
    await c?.stop();
  }, 60_000);

  it('is a v1.3x apiserver with no policy/v1beta1', async () => {
    const v = await c.request('admin', 'GET', '/version');
    expect(v.body.gitVersion).toMatch(/^v1\.3\d\./);
    const psp = await c.request('admin', 'GET', '/apis/policy/v1beta1/podsecuritypolicies');
    expect(psp.status).toBe(404);
    expect((await c.request('dashboard', 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings')).status).toBe(200);
    expect((await c.request('viewer', 'GET', '/api/v1/namespaces')).status).toBe(200);
  });
});
