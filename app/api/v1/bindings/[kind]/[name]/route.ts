import { bindingRef } from '../../../../_http/guard';
import { changeRoute } from '../../../../_http/change-route';
import { deleteBindingChange } from '@/lib/plan/requests';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ kind: string; name: string }> };

/** Delete a binding. One the dashboard does not manage needs ?confirm=true. */
export const DELETE = changeRoute(async (_req, { namespace, confirm }, ctx: Ctx) => {
  const { kind, name } = await ctx.params;
  return deleteBindingChange(bindingRef(kind, name, namespace), confirm);
});
