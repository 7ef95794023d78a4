import { z } from 'zod';
import { handle, parseQuery } from '../../_http/respond';
import { workloadsView } from '@/lib/server/views';
import { sourceOf } from '@/lib/server/sources/registry';

export const dynamic = 'force-dynamic';

const querySchema = z.strictObject({ namespace: z.string().min(1).max(63).optional() });

/** The pod-creating workloads, with the service account their pods run as. */
export function GET(req: Request) {
  return handle(async () => Response.json(await workloadsView(sourceOf(req.headers), parseQuery(req, querySchema).namespace)));
}
