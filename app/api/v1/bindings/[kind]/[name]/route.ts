import { AppError } from '@/lib/errors';
import { handle, parseQuery } from '../../../../_http/respond';
import { guardMutation, writeIdentity } from '../../../../_http/guard';
import { bindingKindSchema, mutationQuerySchema } from '@/lib/schemas/mutations';
import { deleteBindingChange } from '@/lib/plan/requests';
import { runChange } from '@/lib/server/mutations';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ kind: string; name: string }> };

/** Delete a binding. One the dashboard does not manage needs ?confirm=true. */
export function DELETE(req: Request, ctx: Ctx) {
  return handle(async () => {
    guardMutation(req);
    const { kind: rawKind, name } = await ctx.params;
    const kind = bindingKindSchema.safeParse(rawKind);
    if (!kind.success) throw new AppError('invalid', `Unknown binding kind "${rawKind}": use ClusterRoleBinding or RoleBinding`);
    const { dryRun, namespace, confirm } = parseQuery(req, mutationQuerySchema);
    if (kind.data === 'RoleBinding' && !namespace) throw new AppError('invalid', 'A RoleBinding needs ?namespace=');
    const change = deleteBindingChange({ kind: kind.data, name, namespace: kind.data === 'RoleBinding' ? namespace : undefined }, confirm);
    return Response.json(await runChange(change, { dryRun: !!dryRun, identity: writeIdentity(req) }));
  });
}
