import { handle, parseBody } from '../../_http/respond';
import { readJson } from '../../_http/guard';
import { adviseBodySchema } from '@/lib/schemas/advise';
import { adviseView } from './advise-view';
import { sourceOf } from '@/lib/server/sources/registry';

export const dynamic = 'force-dynamic';

/**
 * The least permissive PSP that admits the given workloads' pods unchanged, why each field is what it
 * is, whether an existing PSP already does, and the admission simulation with the proposal in the
 * cluster (the proof). Changes nothing.
 */
export function POST(req: Request) {
  return handle(async () => Response.json(await adviseView(sourceOf(req.headers), parseBody(await readJson(req), adviseBodySchema))));
}
