import { handle, parseQuery } from '../../../../_http/respond';
import { bindingRef, guardMutation, writeIdentity } from '../../../../_http/guard';
import { mutationQuerySchema } from '@/lib/schemas/mutations';
import { deleteBindingChange } from '@/lib/plan/requests';
import { runChange } from '@/lib/server/mutations';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ kind: string; name: string }> };

/** Delete a binding. One the dashboard does not manage needs ?confirm=true. */
export function DELETE(req: Request, ctx: Ctx) {
  return handle(async () => {
    guardMutation(req);
    const { kind, name } = await ctx.params;
    const { dryRun, namespace, confirm } = parseQuery(req, mutationQuerySchema);
    const change = deleteBindingChange(bindingRef(kind, name, namespace), confirm);
    return Response.json(await runChange(change, { dryRun: !!dryRun, identity: writeIdentity(req) }));
  });
}
