import { parseBody } from '../../_http/respond';
import { readJson } from '../../_http/guard';
import { changeRoute } from '../../_http/change-route';
import { cleanBodySchema } from '@/lib/schemas/mutations';
import { cleanChange } from '@/lib/plan/requests';

export const dynamic = 'force-dynamic';

/** clean PSP: deletes the psp-util bindings and ClusterRole, never the PSP. */
export const POST = changeRoute(async (req) => cleanChange(parseBody(await readJson(req), cleanBodySchema).psp));
