import { parseBody } from '../../../../_http/respond';
import { readJson } from '../../../../_http/guard';
import { changeRoute } from '../../../../_http/change-route';
import { copyPlanBodySchema } from '@/lib/schemas/migration';
import { nonMutatingCopyChange } from '@/lib/plan/migration/changes';

export const dynamic = 'force-dynamic';

/** Guide step 2: create `0-<psp>` without the fields that mutate pods, granted where `<psp>` is (`?dryRun=true` previews). */
export const POST = changeRoute(async (req) => nonMutatingCopyChange(parseBody(await readJson(req), copyPlanBodySchema).psp));
