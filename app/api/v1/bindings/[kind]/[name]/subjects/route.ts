import { AppError } from '@/lib/errors';
import { handle, parseBody, parseQuery } from '../../../../../_http/respond';
import { guardMutation, readJson, writeIdentity } from '../../../../../_http/guard';
import { bindingKindSchema, mutationQuerySchema, removeSubjectBodySchema } from '@/lib/schemas/mutations';
import { removeSubjectChange } from '@/lib/plan/requests';
import { runChange } from '@/lib/server/mutations';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ kind: string; name: string }> };

/** Remove one subject from any binding (DELETE with the subject in the body). */
export function DELETE(req: Request, ctx: Ctx) {
  return handle(async () => {
    guardMutation(req);
    const { kind: rawKind, name } = await ctx.params;
    const kind = bindingKindSchema.safeParse(rawKind);
    if (!kind.success) throw new AppError('invalid', `Unknown binding kind "${rawKind}": use ClusterRoleBinding or RoleBinding`);
    const { dryRun, namespace } = parseQuery(req, mutationQuerySchema);
    if (kind.data === 'RoleBinding' && !namespace) throw new AppError('invalid', 'A RoleBinding needs ?namespace=');
    const { subject, confirm } = parseBody(await readJson(req), removeSubjectBodySchema);
    const change = removeSubjectChange({ kind: kind.data, name, namespace: kind.data === 'RoleBinding' ? namespace : undefined }, subject, confirm);
    return Response.json(await runChange(change, { dryRun: !!dryRun, identity: writeIdentity(req) }));
  });
}
