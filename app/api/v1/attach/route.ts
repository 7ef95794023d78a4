import { parseBody } from '../../_http/respond';
import { readJson } from '../../_http/guard';
import { changeRoute } from '../../_http/change-route';
import { attachBodySchema } from '@/lib/schemas/mutations';
import { attachChange } from '@/lib/plan/requests';

export const dynamic = 'force-dynamic';

/** attach PSP → subject(s), or → the service accounts of workloads; cluster-wide unless `namespace`. */
export const POST = changeRoute(async (req) => {
  const body = parseBody(await readJson(req), attachBodySchema);
  return attachChange({ ...body, subjects: body.subject ? [body.subject] : body.subjects });
});
