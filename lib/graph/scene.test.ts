import { describe, expect, it } from 'vitest';
import { buildScene, DRILL_DOWN_NODES, READABLE_CHAIN_NODES } from './scene';
import { LayoutCache } from './layout-cache';
import { SceneCache } from './scene-cache';
import { layoutGraph } from './layout';
import { NODE_HEIGHT, NODE_WIDTH } from './node-size';
import { resolvePspRelations } from '../rbac/relations';
import { demoModel } from '../testing/demo';
import { largeClusterRelations } from '../testing/large-relations';

const large = largeClusterRelations();

describe('buildScene', () => {
  it('draws the demo as laid-out chains: every node placed, none overlapping', async () => {
    const scene = await buildScene(resolvePspRelations(demoModel()), {}, 'auto', new LayoutCache());
    if (scene.view !== 'chains' || 'error' in scene.layout) throw new Error(`expected laid-out chains, got ${JSON.stringify(scene).slice(0, 200)}`);
    const positions = scene.layout.positions;
    const boxes = scene.nodes.map((n) => positions[n.id]);
    expect(boxes.every(Boolean)).toBe(true);
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) expect(Math.abs(a.x - b.x) >= NODE_WIDTH || Math.abs(a.y - b.y) >= NODE_HEIGHT).toBe(true);
    }
    // Left to right: PSP, role, binding, subject.
    const x = (id: string) => positions[id].x;
    expect(x('PodSecurityPolicy//eks.privileged')).toBeLessThan(x('ClusterRole//eks:podsecuritypolicy:privileged'));
    expect(x('ClusterRole//eks:podsecuritypolicy:privileged')).toBeLessThan(x('ClusterRoleBinding//eks:podsecuritypolicy:authenticated'));
    expect(x('ClusterRoleBinding//eks:podsecuritypolicy:authenticated')).toBeLessThan(x('Group//system:authenticated'));
  });

  it('opens the large cluster as the overview, and one PSP as chains collapsed to a readable size', async () => {
    const cache = new LayoutCache();
    const first = await buildScene(large, {}, 'auto', cache);
    expect(first.view).toBe('overview');
    if (first.view !== 'overview') return;
    expect(first.cards).toHaveLength(50);
    expect(first.chainNodes).toBeGreaterThan(READABLE_CHAIN_NODES);
    const drill = await buildScene(large, { psp: 'psp-03' }, 'auto', cache);
    expect(drill.view).toBe('chains');
    if (drill.view !== 'chains') return;
    expect(drill.nodes.length).toBeLessThanOrEqual(DRILL_DOWN_NODES);
    expect(drill.nodes.some((n) => n.kind === 'Collapsed')).toBe(true);
    expect('positions' in drill.layout).toBe(true);
  });

  it('lays out the same chains once: a repeated query is served from the cache', async () => {
    const cache = new LayoutCache();
    let runs = 0;
    const counting = new LayoutCache();
    const a = await buildScene(large, { psp: 'psp-07' }, 'auto', cache);
    const b = await buildScene(large, { psp: 'psp-07' }, 'auto', cache);
    expect(cache.size).toBe(1);
    expect(b).toEqual(a);
    if (a.view !== 'chains') throw new Error('chains expected');
    const compute = () => {
      runs++;
      return layoutGraph(a.nodes, a.edges);
    };
    await counting.get(a.nodes, a.edges, compute);
    await counting.get([...a.nodes], [...a.edges], compute);
    expect(runs).toBe(1);
  });

  it('gives the chains on request, and the overview on request', async () => {
    const demo = resolvePspRelations(demoModel());
    expect((await buildScene(demo, {}, 'overview', new LayoutCache())).view).toBe('overview');
    expect((await buildScene(demo, {}, 'chains', new LayoutCache())).view).toBe('chains');
    expect((await buildScene(large, { subject: 'sa-77' }, 'overview', new LayoutCache())).view).toBe('overview');
  });
});

describe('layoutGraph', () => {
  it('says why a graph cannot be laid out instead of returning no positions', async () => {
    const layout = await layoutGraph(
      [{ id: 'a', kind: 'Group', name: 'a' }],
      [{ id: 'a>ghost', source: 'a', target: 'ghost' }],
    );
    expect('error' in layout && layout.error).toBeTruthy();
  });
});

describe('SceneCache', () => {
  it('builds a scene once per relations (one policy revision) and query', async () => {
    const cache = new SceneCache();
    const demo = resolvePspRelations(demoModel());
    let builds = 0;
    const build = (rel: typeof demo) => () => {
      builds++;
      return buildScene(rel, { psp: 'eks.privileged' }, 'auto', new LayoutCache());
    };
    const a = await cache.get(demo, { psp: 'eks.privileged' }, 'auto', build(demo));
    expect(await cache.get(demo, { psp: 'eks.privileged' }, 'auto', build(demo))).toBe(a);
    expect(builds).toBe(1);
    await cache.get(demo, { psp: 'eks.privileged' }, 'overview', build(demo));
    expect(builds).toBe(2);
    // A new revision resolves new relations: built again.
    const next = resolvePspRelations(demoModel());
    await cache.get(next, { psp: 'eks.privileged' }, 'auto', build(next));
    expect(builds).toBe(3);
  });
});
