import { parseBody } from '../../../_http/respond';
import { readJson } from '../../../_http/guard';
import { changeRoute } from '../../../_http/change-route';
import { adviseApplyBodySchema } from '@/lib/schemas/advise';
import { adviseApplyChange } from '../apply-change';

export const dynamic = 'force-dynamic';

/** Create the advised PSP and grant it to the workloads' service accounts, as one plan (`?dryRun=true` previews it). */
export const POST = changeRoute(async (req) => adviseApplyChange(parseBody(await readJson(req), adviseApplyBodySchema)));
