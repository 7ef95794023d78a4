import { parseBody } from '../../_http/respond';
import { readJson } from '../../_http/guard';
import { changeRoute } from '../../_http/change-route';
import { detachBodySchema } from '@/lib/schemas/mutations';
import { detachChange } from '@/lib/plan/requests';

export const dynamic = 'force-dynamic';

/** detach PSP → subject(s): removes them from the managed binding, which stays even when empty. */
export const POST = changeRoute(async (req) => {
  const body = parseBody(await readJson(req), detachBodySchema);
  return detachChange({ psp: body.psp, namespace: body.namespace, subjects: body.subject ? [body.subject] : body.subjects! });
});
