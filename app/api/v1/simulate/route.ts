import { handle, parseBody } from '../../_http/respond';
import { readJson } from '../../_http/guard';
import { simulateBodySchema } from '@/lib/schemas/analysis';
import { simulateView } from '@/lib/server/analysis-views';

export const dynamic = 'force-dynamic';

/** Which PSP a pod (or a workload's pods) would get, the mutations, and why each PSP was or was not chosen. Changes nothing. */
export function POST(req: Request) {
  return handle(async () => Response.json(await simulateView(parseBody(await readJson(req), simulateBodySchema))));
}
