import { parseBody } from '../../../_http/respond';
import { readJson } from '../../../_http/guard';
import { changeRoute } from '../../../_http/change-route';
import { updatePspBodySchema } from '@/lib/schemas/mutations';
import { deletePspChange, updatePspChange } from '@/lib/plan/requests';
import { validatePspManifest } from '@/lib/plan/psps';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ name: string }> };

/** Replace a PSP's spec, labels and annotations with a manifest's. */
export const PUT = changeRoute(async (req, _query, ctx: Ctx) => {
  const { name } = await ctx.params;
  const { manifest } = parseBody(await readJson(req), updatePspBodySchema);
  return updatePspChange(name, validatePspManifest(manifest));
});

/** Delete a PSP; the plan warns when roles still grant it or pods were admitted with it. */
export const DELETE = changeRoute(async (_req, _query, ctx: Ctx) => deletePspChange((await ctx.params).name));
