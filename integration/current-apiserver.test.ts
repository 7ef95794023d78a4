/**
 * A current kube-apiserver (v1.25+) has no PodSecurityPolicy API. The dashboard says so plainly,
 * keeps showing the RBAC side (grants of PSPs that can no longer exist), and logs no error.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestCluster } from '../testenv/cluster';
import type { LiveSource } from '../lib/server/sources/live';
import { GET as getGraph } from '../app/api/v1/graph/route';
import { GET as getCluster } from '../app/api/v1/cluster/route';
import { GET as getPsps } from '../app/api/v1/psps/route';
import { GET as getTree } from '../app/api/v1/tree/route';
import { clusterAvailable } from './support';
import { startLiveDashboard } from './live-dashboard';

const run = clusterAvailable('current');

describe.runIf(run)('live source on the current kube-apiserver (no PSP API)', () => {
  let cluster: TestCluster;
  let live: LiveSource;
  const errors = vi.spyOn(console, 'error');

  let close: () => Promise<void> = async () => {};

  beforeAll(async () => {
    // What psp-util left behind before the upgrade: a grant of a PSP that is gone now.
    ({ cluster, live, close } = await startLiveDashboard('current', 'dashboard', [
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'psp-util.restricted' },
        rules: [{ apiGroups: ['policy'], resources: ['podsecuritypolicies'], resourceNames: ['restricted'], verbs: ['use'] }] },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'psp-util.restricted' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'psp-util.restricted' },
        subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' }] },
    ]));
  });

  afterAll(() => close());

  it('reports the version and that the PSP API is not served, with a plain warning', async () => {
    const res = await getCluster(new Request('http://127.0.0.1:3000/api/v1/cluster'));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.source.pspApiServed).toBe(false);
    expect(body.source.serverVersion).toBe(cluster.serverVersion);
    expect(Number(body.source.serverVersion.split('.')[1])).toBeGreaterThanOrEqual(25);
    expect(body.warnings).toContainEqual({ code: 'no-psp-api', message: 'This cluster has no PodSecurityPolicy API; it was removed in v1.25.' });
  });

  it('keeps showing the RBAC side: the leftover grant of a PSP that no longer exists', async () => {
    const graph = await (await getGraph(new Request('http://x/api/v1/graph'))).json();
    expect(graph.pspApiServed).toBe(false);
    const ids = graph.nodes.map((n: { id: string }) => n.id);
    expect(ids).toEqual(expect.arrayContaining([
      'PodSecurityPolicy//restricted', 'ClusterRole//psp-util.restricted', 'ClusterRoleBinding//psp-util.restricted', 'Group//system:authenticated',
    ]));
    expect(graph.nodes.find((n: { id: string }) => n.id === 'PodSecurityPolicy//restricted').missing).toBe(true);
    const psps = await (await getPsps(new Request('http://x/api/v1/psps'))).json();
    expect(psps).toEqual({ pspApiServed: false, psps: [] });
    expect((await getTree(new Request('http://x/api/v1/tree'))).status).toBe(200);
  });

  it('logged no error', () => {
    expect(errors).not.toHaveBeenCalled();
  });
});
