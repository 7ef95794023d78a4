import { handle, parseQuery } from '../../_http/respond';
import { objectQuerySchema } from '@/lib/schemas/query';
import { objectView } from '@/lib/server/views';
import { sourceOf } from '@/lib/server/sources/registry';

export const dynamic = 'force-dynamic';

/** One node's details and YAML, by its id (`Kind/namespace/name`). */
export function GET(req: Request) {
  return handle(async () => Response.json(await objectView(sourceOf(req.headers), parseQuery(req, objectQuerySchema).id)));
}
