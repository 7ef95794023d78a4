import { handle, parseBody, parseQuery } from '../../_http/respond';
import { guardMutation, readJson, writeIdentity } from '../../_http/guard';
import { detachBodySchema, mutationQuerySchema } from '@/lib/schemas/mutations';
import { detachChange } from '@/lib/plan/requests';
import { runChange } from '@/lib/server/mutations';

export const dynamic = 'force-dynamic';

/** detach PSP → subject(s): removes them from the managed binding, which stays even when empty. */
export function POST(req: Request) {
  return handle(async () => {
    guardMutation(req);
    const { dryRun } = parseQuery(req, mutationQuerySchema);
    const body = parseBody(await readJson(req), detachBodySchema);
    const change = detachChange({ psp: body.psp, namespace: body.namespace, subjects: body.subject ? [body.subject] : body.subjects! });
    return Response.json(await runChange(change, { dryRun: !!dryRun, identity: writeIdentity(req) }));
  });
}
