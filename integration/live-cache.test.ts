/**
 * The live cache on a real kube-apiserver v1.24: each view follows the revision of what it reads
 * (a pod moves the workloads revision, not the policy one), and a frozen API server (SIGSTOP: its
 * connections stay open and silent) is reported within a bounded time, then followed again by
 * itself once it thaws, changes made meanwhile included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../testenv/cluster';
import { KubeConnection } from '../lib/server/kube/connection';
import { LiveSource } from '../lib/server/sources/live';
import { setSourceForTests } from '../lib/server/sources/registry';
import { GET as getCluster } from '../app/api/v1/cluster/route';
import { clusterAvailable, createObjects, demoObjects, until } from './support';

const run = clusterAvailable('1.24');
const RBAC = '/apis/rbac.authorization.k8s.io/v1';

describe.runIf(run)('live cache on kube-apiserver v1.24', () => {
  let cluster: TestCluster;
  let live: LiveSource;

  beforeAll(async () => {
    cluster = await startCluster({ version: '1.24' });
    await createObjects(cluster, demoObjects());
    live = new LiveSource(KubeConnection.load({ kubeconfig: cluster.kubeconfigPath, context: 'dashboard' }), false);
    setSourceForTests(live, { source: { kind: 'live' }, readOnly: false });
    await live.start();
  });

  afterAll(async () => {
    cluster?.thawApiserver();
    live?.close();
    await cluster?.stop();
  });

  async function clusterAnswer(): Promise<{ status: number; body: any }> {
    const res = await getCluster(new Request('http://127.0.0.1:3000/api/v1/cluster'));
    return { status: res.status, body: await res.json() };
  }

  it('a pod moves the workloads revision and not the policy one; a RoleBinding moves the policy revision', async () => {
    const policy0 = live.revision('policy');
    const workloads0 = live.revision('workloads');
    const graphModel = await live.readModel();

    const pod = await cluster.request('admin', 'POST', '/api/v1/namespaces/team-a/pods', {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'revision-pod' },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    expect(pod.status).toBe(201);
    await until('the pod in the model', 5_000, async () =>
      (await live.readModel()).workloads.some((w) => w.kind === 'Pod' && w.metadata.name === 'revision-pod') ? true : undefined);
    expect(live.revision('workloads')).toBeGreaterThan(workloads0);
    expect(live.revision('policy')).toBe(policy0);
    // The model is new, its policy part is the same objects (nothing re-parsed).
    const afterPod = await live.readModel();
    expect(afterPod).not.toBe(graphModel);
    expect(afterPod.roleBindings).toBe(graphModel.roleBindings);
    expect(afterPod.serviceAccounts).toBe(graphModel.serviceAccounts);
    const answer = await clusterAnswer();
    expect(answer.body.revisions).toEqual({ policy: policy0, workloads: live.revision('workloads') });
    expect(answer.body.revision).toBe(live.revision());

    const workloads1 = live.revision('workloads');
    const rb = await cluster.request('admin', 'POST', `${RBAC}/namespaces/team-a/rolebindings`, {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'revision-binding', namespace: 'team-a' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'eks:podsecuritypolicy:privileged' },
      subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'revision-group' }],
    });
    expect(rb.status).toBe(201);
    await until('the policy revision to move', 5_000, async () => (live.revision('policy') > policy0 ? true : undefined));
    expect((await live.readModel()).roleBindings.some((b) => b.metadata.name === 'revision-binding')).toBe(true);
    expect(live.revision('workloads')).toBe(workloads1);
  });

  it('reports a frozen API server within a bounded time, and is live again by itself after it thaws, with what was written meanwhile', async () => {
    expect((await clusterAnswer()).body.source.state).toBe('live');
    cluster.freezeApiserver();
    try {
      const down = await until('/api/v1/cluster to stop saying live', 30_000, async () => {
        const a = await clusterAnswer();
        if (a.status === 200) return a.body.source.state !== 'live' ? `${a.body.source.state} (HTTP 200)` : undefined;
        return `${a.body.error.code} (HTTP ${a.status})`;
      });
      console.log(`frozen API server reported as ${down.value} after ${down.ms} ms`);
      expect(down.value).toMatch(/^(degraded|unreachable) /);
      // A write sent while it is frozen: the kernel takes it, the server handles it when it resumes.
      const write = cluster.request('admin', 'POST', `${RBAC}/clusterrolebindings`, {
        apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'written-while-frozen' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'eks:podsecuritypolicy:privileged' },
        subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'frozen-group' }],
      });
      await new Promise((r) => setTimeout(r, 500));
      cluster.thawApiserver();
      expect((await write).status).toBe(201);
    } finally {
      cluster.thawApiserver();
    }
    const back = await until('live again, with the binding written meanwhile', 60_000, async () => {
      const a = await clusterAnswer();
      if (a.status !== 200 || a.body.source.state !== 'live') return undefined;
      const model = await live.readModel();
      return model.clusterRoleBindings.some((b) => b.metadata.name === 'written-while-frozen') ? true : undefined;
    });
    console.log(`live again, binding seen, ${back.ms} ms after the thaw`);
    // And the watches work: a change after the thaw shows up.
    await cluster.request('admin', 'DELETE', `${RBAC}/clusterrolebindings/written-while-frozen`);
    await until('the deleted binding to go', 10_000, async () =>
      (await live.readModel()).clusterRoleBindings.every((b) => b.metadata.name !== 'written-while-frozen') ? true : undefined);
  });
});
