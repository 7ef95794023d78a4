import { handle } from '../../_http/respond';
import { pspTableView } from '@/lib/server/views';

export const dynamic = 'force-dynamic';

export function GET() {
  return handle(async () => Response.json(await pspTableView()));
}
