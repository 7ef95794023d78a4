import 'server-only';
import { accessTables, type AccessTables } from '../access/access-tables';
import type { ClusterModel } from '../model/types';
import type { ClusterSource } from './sources/source';

/** The access tables of the current model, made once per model (models are replaced on change). */
const cache = new WeakMap<ClusterModel, AccessTables>();

export async function accessTablesView(source: ClusterSource): Promise<AccessTables> {
  const model = await source.readModel();
  let tables = cache.get(model);
  if (!tables) cache.set(model, (tables = accessTables(model)));
  return tables;
}
