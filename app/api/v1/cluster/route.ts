import { handle } from '../../_http/respond';
import { clusterView } from '@/lib/server/views';
import { currentActor } from '@/lib/server/identity/actor';
import { sourceOf } from '@/lib/server/sources/registry';

export const dynamic = 'force-dynamic';

export function GET(req: Request) {
  return handle(async () => Response.json({ ...(await clusterView(sourceOf(req.headers))), actor: await currentActor(req.headers) }));
}
