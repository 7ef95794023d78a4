import { handle, parseBody, parseQuery } from '../../../_http/respond';
import { guardMutation, readJson, writeIdentity } from '../../../_http/guard';
import { mutationQuerySchema, updatePspBodySchema } from '@/lib/schemas/mutations';
import { deletePspChange, updatePspChange } from '@/lib/plan/requests';
import { validatePspManifest } from '@/lib/plan/psps';
import { runChange } from '@/lib/server/mutations';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ name: string }> };

/** Replace a PSP's spec, labels and annotations with a manifest's. */
export function PUT(req: Request, ctx: Ctx) {
  return handle(async () => {
    guardMutation(req);
    const { name } = await ctx.params;
    const { dryRun } = parseQuery(req, mutationQuerySchema);
    const { manifest } = parseBody(await readJson(req), updatePspBodySchema);
    return Response.json(await runChange(updatePspChange(name, validatePspManifest(manifest)), { dryRun: !!dryRun, identity: writeIdentity(req) }));
  });
}

/** Delete a PSP; the plan warns when roles still grant it or pods were admitted with it. */
export function DELETE(req: Request, ctx: Ctx) {
  return handle(async () => {
    guardMutation(req);
    const { name } = await ctx.params;
    const { dryRun } = parseQuery(req, mutationQuerySchema);
    return Response.json(await runChange(deletePspChange(name), { dryRun: !!dryRun, identity: writeIdentity(req) }));
  });
}
