import 'server-only';
import { plansOverview } from '../plan/migration/overview';
import type { ClusterSource } from './sources/source';

/** GET /api/v1/pod-security/plans: what the migration plans offer on this cluster. */
export async function migrationPlansView(source: ClusterSource) {
  return plansOverview(await source.readModel());
}
