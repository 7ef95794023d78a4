import { handle, parseBody, parseQuery } from '../../_http/respond';
import { guardMutation, readJson, writeIdentity } from '../../_http/guard';
import { createPspBodySchema, mutationQuerySchema } from '@/lib/schemas/mutations';
import { createPspChange } from '@/lib/plan/requests';
import { pspFromTemplate } from '@/lib/plan/templates';
import { validatePspManifest } from '@/lib/plan/psps';
import { runChange } from '@/lib/server/mutations';
import { pspTableView } from '@/lib/server/views';

export const dynamic = 'force-dynamic';

export function GET() {
  return handle(async () => Response.json(await pspTableView()));
}

/** Create a PSP from a template (privileged, restricted, baseline) or from a manifest. */
export function POST(req: Request) {
  return handle(async () => {
    guardMutation(req);
    const { dryRun } = parseQuery(req, mutationQuerySchema);
    const body = parseBody(await readJson(req), createPspBodySchema);
    const psp = 'template' in body ? validatePspManifest(pspFromTemplate(body.template, body.name)) : validatePspManifest(body.manifest);
    return Response.json(await runChange(createPspChange(psp), { dryRun: !!dryRun, identity: writeIdentity(req) }));
  });
}
