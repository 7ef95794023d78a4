/**
 * The live path against a real kube-apiserver v1.24: the same objects give the same views as a
 * snapshot; the watch cache follows changes; an API server that goes away is reported and the
 * dashboard recovers by itself; a forbidden list is explained.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCluster } from '../testenv/cluster';
import { KubeConnection } from '../lib/server/kube/connection';
import { LiveSource } from '../lib/server/sources/live';
import { setSourceForTests } from '../lib/server/sources/registry';
import { buildGraph } from '../lib/graph/build-graph';
import { pspRow } from '../lib/psp/privileged-settings';
import { renderTree } from '../lib/tree/render-tree';
import { buildModel } from '../lib/sources/to-model';
import { demoModel } from '../lib/testing/demo';
import { AppError } from '../lib/errors';
import type { ClusterModel } from '../lib/model/types';
import { GET as getGraph } from '../app/api/v1/graph/route';
import { GET as getCluster } from '../app/api/v1/cluster/route';
import { GET as getTree } from '../app/api/v1/tree/route';
import { clusterAvailable, demoObjects, snapshotOf, until } from './support';
import { startLiveDashboard } from './live-dashboard';

const run = clusterAvailable('1.24');

function views(model: ClusterModel) {
  return {
    graph: buildGraph(model),
    graphNoWildcard: buildGraph(model, { includeWildcard: false }),
    table: [...model.psps].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1)).map(pspRow),
    tree: renderTree(model),
    treeAll: renderTree(model, { all: true }),
  };
}

describe.runIf(run)('live source on kube-apiserver v1.24', () => {
  let cluster: TestCluster;
  let live: LiveSource;

  let close: () => Promise<void> = async () => {};

  beforeAll(async () => {
    ({ cluster, live, close } = await startLiveDashboard('1.24', 'dashboard', demoObjects()));
  });

  afterAll(() => close());

  it('reports the server version and that the PSP API is served', async () => {
    const res = await getCluster(new Request('http://127.0.0.1:3000/api/v1/cluster'));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.source).toMatchObject({ kind: 'live', name: 'dashboard', pspApiServed: true, state: 'live' });
    expect(body.source.serverVersion).toMatch(/^v1\.24\./);
    expect(body.counts.podSecurityPolicies).toBe(1);
  });

  it('gives exactly the views of a snapshot of the same objects', async () => {
    const model = await live.readModel();
    const snapshot = buildModel({
      objects: (await snapshotOf(cluster)).map((object, i) => ({ object, where: `item ${i}` })),
      source: { kind: 'snapshot', name: 'same objects', pspApiServed: true, state: 'static', readOnly: true },
      computeAggregation: true,
    });
    expect(views(model)).toEqual(views(snapshot));
  });

  it('shows the demo cluster loaded into it as the demo shows it (bootstrap RBAC adds no PSP grant)', async () => {
    const model = await live.readModel();
    const demo = demoModel();
    expect(renderTree(model)).toBe(renderTree(demo));
    expect(renderTree(model, { all: true })).toBe(renderTree(demo, { all: true }));
    expect(buildGraph(model).nodes).toEqual(buildGraph(demo).nodes);
    const treeRes = await getTree(new Request('http://x/api/v1/tree'));
    expect(await treeRes.text()).toBe(renderTree(demo));
  });

  it('follows a binding created by another client within 2 seconds, from the watch cache', async () => {
    const created = await cluster.request('admin', 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'late-binding' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'eks:podsecuritypolicy:privileged' },
      subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'late-group' }],
    });
    expect(created.status).toBe(201);
    const seen = await until('the new binding in /api/v1/graph', 2_000, async () => {
      const body = await (await getGraph(new Request('http://x/api/v1/graph'))).json();
      return body.nodes.some((n: { id: string }) => n.id === 'Group//late-group') ? body : undefined;
    });
    console.log(`binding visible in /api/v1/graph after ${seen.ms} ms`);
    expect(seen.value.edges).toContainEqual(expect.objectContaining({ source: 'ClusterRoleBinding//late-binding', target: 'Group//late-group' }));
  });

  it('says the cluster is unreachable when the API server stops, and recovers by itself when it is back', async () => {
    await cluster.stopApiserver();
    const down = await until('a 503 unreachable answer', 20_000, async () => {
      const res = await getGraph(new Request('http://x/api/v1/graph'));
      return res.status === 503 ? res.json() : undefined;
    });
    expect(down.value.error.code).toBe('unreachable');
    expect(down.value.error.message).toContain('unreachable');
    const clusterRes = await getCluster(new Request('http://127.0.0.1:3000/api/v1/cluster'));
    expect(clusterRes.status).toBe(503);

    await cluster.startApiserver();
    const back = await until('the graph again', 30_000, async () => {
      const res = await getGraph(new Request('http://x/api/v1/graph'));
      return res.status === 200 ? res.json() : undefined;
    });
    console.log(`recovered ${back.ms} ms after the API server was ready again`);
    expect(back.value.nodes.map((n: { id: string }) => n.id)).toContain('Group//late-group');

    // And the watch works again: a change made after the restart shows up.
    await cluster.request('admin', 'DELETE', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/late-binding');
    await until('the deleted binding to disappear', 5_000, async () => {
      const body = await (await getGraph(new Request('http://x/api/v1/graph'))).json();
      return body.nodes?.every((n: { id: string }) => n.id !== 'Group//late-group') ? true : undefined;
    });
  });

  it('explains a forbidden list: which verb on which resource is missing', async () => {
    const viewer = new LiveSource(KubeConnection.load({ kubeconfig: cluster.kubeconfigPath, context: 'viewer' }), true);
    try {
      const err = await viewer.readModel().then(() => undefined, (e) => e);
      expect(err).toBeInstanceOf(AppError);
      if (err.code !== 'forbidden') console.error(err);
      expect(err.code).toBe('forbidden');
      expect(err.details.missing).toEqual([{ verb: 'list', group: 'policy', resource: 'podsecuritypolicies' }]);
      expect(err.message).toContain('list podsecuritypolicies.policy');
      setSourceForTests(viewer, { source: { kind: 'live' }, readOnly: true });
      const res = await getGraph(new Request('http://x/api/v1/graph'));
      expect(res.status).toBe(403);
      const body = await res.json();
      expect(body.error.code).toBe('forbidden');
      expect(body.error.details.missing[0]).toEqual({ verb: 'list', group: 'policy', resource: 'podsecuritypolicies' });
      expect(JSON.stringify(body)).not.toMatch(/Bearer|token/i);
    } finally {
      viewer.close();
      setSourceForTests(live, { source: { kind: 'live' }, readOnly: false });
    }
  });
});
