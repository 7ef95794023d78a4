import { handle, parseBody } from '../../_http/respond';
import { readJson } from '../../_http/guard';
import { changeRoute } from '../../_http/change-route';
import { createPspBodySchema } from '@/lib/schemas/mutations';
import { createPspChange } from '@/lib/plan/requests';
import { pspFromTemplate } from '@/lib/plan/templates';
import { validatePspManifest } from '@/lib/plan/psps';
import { pspTableView } from '@/lib/server/views';
import { sourceOf } from '@/lib/server/sources/registry';

export const dynamic = 'force-dynamic';

export function GET(req: Request) {
  return handle(async () => Response.json(await pspTableView(sourceOf(req.headers))));
}

/** Create a PSP from a template (privileged, restricted, baseline) or from a manifest. */
export const POST = changeRoute(async (req) => {
  const body = parseBody(await readJson(req), createPspBodySchema);
  return createPspChange('template' in body ? validatePspManifest(pspFromTemplate(body.template, body.name)) : validatePspManifest(body.manifest));
});
