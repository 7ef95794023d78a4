import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { modelFromSnapshotFiles } from '../sources/snapshot-parse';
import type { ClusterModel } from '../model/types';

export const DEMO_PATH = fileURLToPath(new URL('../demo/eks-cluster.yaml', import.meta.url));

/** The bundled demo cluster's model, for tests. */
export function demoModel(): ClusterModel {
  return modelFromSnapshotFiles([{ name: 'eks-cluster.yaml', text: readFileSync(DEMO_PATH, 'utf8') }], {
    kind: 'demo', name: 'demo', pspApiServed: true, state: 'static', readOnly: false,
  });
}
