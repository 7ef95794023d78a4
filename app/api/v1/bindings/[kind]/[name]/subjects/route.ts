import { parseBody } from '../../../../../_http/respond';
import { bindingRef, readJson } from '../../../../../_http/guard';
import { changeRoute } from '../../../../../_http/change-route';
import { removeSubjectBodySchema } from '@/lib/schemas/mutations';
import { removeSubjectChange } from '@/lib/plan/requests';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ kind: string; name: string }> };

/** Remove one subject from any binding (DELETE with the subject in the body). */
export const DELETE = changeRoute(async (req, { namespace }, ctx: Ctx) => {
  const { kind, name } = await ctx.params;
  const ref = bindingRef(kind, name, namespace);
  const { subject, confirm } = parseBody(await readJson(req), removeSubjectBodySchema);
  return removeSubjectChange(ref, subject, confirm);
});
