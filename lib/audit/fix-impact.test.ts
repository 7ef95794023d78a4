import { describe, expect, it } from 'vitest';
import { simulateWorkloads } from '../access/simulate-workload';
import { objectKey } from '../model/keys';
import { buildModel } from '../sources/to-model';
import { generateLargeCluster, generateLargeClusterWorkloads, type LargeClusterSize } from '../testing/large-cluster';
import { demoModel } from '../testing/demo';
import { modelWithoutGrant, simulateFixImpact } from './fix-impact';
import { simulateCluster } from './simulations';

const SMALL: LargeClusterSize = { psps: 12, clusterRoles: 60, roles: 120, clusterRoleBindings: 60, roleBindings: 300, serviceAccounts: 400, namespaces: 20 };

describe('simulateFixImpact', () => {
  it('re-simulating only the workloads that could notice gives what re-simulating all of them gives', () => {
    const raw = [...generateLargeCluster(SMALL, 3), ...generateLargeClusterWorkloads(SMALL, 400, 5)];
    const model = buildModel({ objects: raw.map((object, i) => ({ object, where: `#${i}` })), source: demoModel().source, computeAggregation: true });
    const simulation = simulateCluster(model, {});
    const before = new Map(simulation.outcomes.map((o) => [objectKey(o.kind, o.namespace, o.name), o]));
    const grants = [...model.clusterRoleBindings.slice(0, 10), ...model.roleBindings.slice(0, 15)].flatMap((b) => (b.subjects ?? []).map((s) => ({ b, s })));
    let changed = 0;
    for (const { b, s } of grants) {
      const targeted = simulateFixImpact(model, simulation, b, s, {});
      const refusedAfter: string[] = [];
      const changedPsp: string[] = [];
      for (const o of simulateWorkloads(modelWithoutGrant(model, b, s))) {
        const key = objectKey(o.kind, o.namespace, o.name);
        const was = before.get(key)!;
        if (!was.allowed) continue;
        if (!o.allowed) refusedAfter.push(key);
        else if (o.psp !== was.psp) changedPsp.push(key);
      }
      expect(targeted, `${b.kind} ${b.metadata.name} ${s.kind} ${s.name}`).toEqual({ refusedAfter, changedPsp });
      changed += refusedAfter.length + changedPsp.length;
    }
    // The check means something only if some removals change some outcomes.
    expect(changed).toBeGreaterThan(0);
    // 25 full re-simulations of a generated cluster: 4-6 s on a quiet 2-core machine, more on a busy one.
  }, 60_000);
});
