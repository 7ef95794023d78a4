import { handle, parseBody, parseQuery } from '../../../../../_http/respond';
import { bindingRef, guardMutation, readJson, writeIdentity } from '../../../../../_http/guard';
import { mutationQuerySchema, removeSubjectBodySchema } from '@/lib/schemas/mutations';
import { removeSubjectChange } from '@/lib/plan/requests';
import { runChange } from '@/lib/server/mutations';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ kind: string; name: string }> };

/** Remove one subject from any binding (DELETE with the subject in the body). */
export function DELETE(req: Request, ctx: Ctx) {
  return handle(async () => {
    guardMutation(req);
    const { kind, name } = await ctx.params;
    const { dryRun, namespace } = parseQuery(req, mutationQuerySchema);
    const ref = bindingRef(kind, name, namespace);
    const { subject, confirm } = parseBody(await readJson(req), removeSubjectBodySchema);
    return Response.json(await runChange(removeSubjectChange(ref, subject, confirm), { dryRun: !!dryRun, identity: writeIdentity(req) }));
  });
}
