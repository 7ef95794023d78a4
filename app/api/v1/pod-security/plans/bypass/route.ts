import { parseBody } from '../../../../_http/respond';
import { readJson } from '../../../../_http/guard';
import { changeRoute } from '../../../../_http/change-route';
import { bypassPlanBodySchema } from '@/lib/schemas/migration';
import { pspBypassChange } from '@/lib/plan/migration/changes';
import { podSecurityConfiguration } from '@/lib/server/pod-security-config';
import { sourceOf } from '@/lib/server/sources/registry';

export const dynamic = 'force-dynamic';

/** Guide step 3, last: RoleBinding of a privileged PSP to `system:serviceaccounts:NS` in NS; `"undo": true` removes it. */
export const POST = changeRoute(async (req) => pspBypassChange(parseBody(await readJson(req), bypassPlanBodySchema), podSecurityConfiguration(sourceOf(req.headers))));
