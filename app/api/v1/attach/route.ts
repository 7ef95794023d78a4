import { handle, parseBody, parseQuery } from '../../_http/respond';
import { guardMutation, readJson, writeIdentity } from '../../_http/guard';
import { attachBodySchema, mutationQuerySchema } from '@/lib/schemas/mutations';
import { attachChange } from '@/lib/plan/requests';
import { runChange } from '@/lib/server/mutations';

export const dynamic = 'force-dynamic';

/** attach PSP → subject(s), or → the service accounts of workloads; cluster-wide unless `namespace`. */
export function POST(req: Request) {
  return handle(async () => {
    guardMutation(req);
    const { dryRun } = parseQuery(req, mutationQuerySchema);
    const body = parseBody(await readJson(req), attachBodySchema);
    const change = attachChange({ ...body, subjects: body.subject ? [body.subject] : body.subjects });
    return Response.json(await runChange(change, { dryRun: !!dryRun, identity: writeIdentity(req) }));
  });
}
