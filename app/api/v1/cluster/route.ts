import { handle } from '../../_http/respond';
import { clusterView } from '@/lib/server/views';

export const dynamic = 'force-dynamic';

export function GET() {
  return handle(async () => Response.json(await clusterView()));
}
