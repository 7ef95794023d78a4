import 'server-only';
import { plansOverview } from '../plan/migration/overview';
import { getSource } from './sources/registry';

/** GET /api/v1/pod-security/plans: what the migration plans offer on this cluster. */
export async function migrationPlansView() {
  return plansOverview(await getSource().readModel());
}
