import { handle } from '../../../_http/respond';
import { migrationPlansView } from '@/lib/server/migration-plans-view';
import { sourceOf } from '@/lib/server/sources/registry';

export const dynamic = 'force-dynamic';

/** What the migration plans offer here: mutating PSPs (step 2), PSPs for the bypass (step 3), the v1.25+ cleanup's size. */
export function GET(req: Request) {
  return handle(async () => Response.json(await migrationPlansView(sourceOf(req.headers))));
}
