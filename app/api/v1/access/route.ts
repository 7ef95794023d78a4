import { handle, parseQuery } from '../../_http/respond';
import { accessQuerySchema } from '@/lib/schemas/analysis';
import { accessView } from '@/lib/server/analysis-views';
import { sourceOf } from '@/lib/server/sources/registry';

export const dynamic = 'force-dynamic';

/** `?psp=NAME`: who may use it, where, through which chain. `?subject=Kind/[ns/]name`: what it may use, where. */
export function GET(req: Request) {
  return handle(async () => Response.json(await accessView(sourceOf(req.headers), parseQuery(req, accessQuerySchema))));
}
