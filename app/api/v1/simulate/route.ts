import { handle, parseBody, parseQuery } from '../../_http/respond';
import { readJson } from '../../_http/guard';
import { simulateBodySchema, workloadOutcomesQuerySchema } from '@/lib/schemas/analysis';
import { simulateView, workloadOutcomesView } from '@/lib/server/analysis-views';
import { sourceOf } from '@/lib/server/sources/registry';

export const dynamic = 'force-dynamic';

/** Which PSP a pod (or a workload's pods) would get, the mutations, and why each PSP was or was not chosen. Changes nothing. */
export function POST(req: Request) {
  return handle(async () => Response.json(await simulateView(sourceOf(req.headers), parseBody(await readJson(req), simulateBodySchema))));
}

/** Every top-level workload (or one namespace's) with the PSP its pods get now, or the refusal. */
export function GET(req: Request) {
  return handle(async () => Response.json(await workloadOutcomesView(sourceOf(req.headers), parseQuery(req, workloadOutcomesQuerySchema))));
}
