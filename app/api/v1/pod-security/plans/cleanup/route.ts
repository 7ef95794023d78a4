import { parseBody } from '../../../../_http/respond';
import { readJson } from '../../../../_http/guard';
import { changeRoute } from '../../../../_http/change-route';
import { cleanupPlanBodySchema } from '@/lib/schemas/migration';
import { pspCleanupChange } from '@/lib/plan/migration/changes';

export const dynamic = 'force-dynamic';

/** v1.25+: remove `use` rules on podsecuritypolicies, psp-util roles and their bindings (each shown in the preview). */
export const POST = changeRoute(async (req) => {
  parseBody(await readJson(req), cleanupPlanBodySchema);
  return pspCleanupChange();
});
