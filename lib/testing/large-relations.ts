import { resolvePspRelations, type PspRelations } from '../rbac/relations';
import { buildModel } from '../sources/to-model';
import { generateLargeCluster } from './large-cluster';

/** The benchmark's large generated cluster, resolved: what the graph tests draw "at scale". */
export function largeClusterRelations(): PspRelations {
  const objects = generateLargeCluster().map((object, i) => ({ object, where: `object ${i}` }));
  const source = { kind: 'snapshot' as const, name: 'large', pspApiServed: true, state: 'static' as const, readOnly: true };
  return resolvePspRelations(buildModel({ objects, source, computeAggregation: true }));
}
