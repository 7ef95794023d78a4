import { handle, parseBody, parseQuery } from '../../_http/respond';
import { guardMutation, readJson, writeIdentity } from '../../_http/guard';
import { cleanBodySchema, mutationQuerySchema } from '@/lib/schemas/mutations';
import { cleanChange } from '@/lib/plan/requests';
import { runChange } from '@/lib/server/mutations';

export const dynamic = 'force-dynamic';

/** clean PSP: deletes the psp-util bindings and ClusterRole, never the PSP. */
export function POST(req: Request) {
  return handle(async () => {
    guardMutation(req);
    const { dryRun } = parseQuery(req, mutationQuerySchema);
    const { psp } = parseBody(await readJson(req), cleanBodySchema);
    return Response.json(await runChange(cleanChange(psp), { dryRun: !!dryRun, identity: writeIdentity(req) }));
  });
}
