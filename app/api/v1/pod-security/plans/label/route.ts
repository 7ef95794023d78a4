import { parseBody } from '../../../../_http/respond';
import { readJson } from '../../../../_http/guard';
import { changeRoute } from '../../../../_http/change-route';
import { labelPlanBodySchema } from '@/lib/schemas/migration';
import { labelNamespaceChange } from '@/lib/plan/migration/changes';
import { podSecurityConfiguration } from '@/lib/server/pod-security-config';
import { sourceOf } from '@/lib/server/sources/registry';

export const dynamic = 'force-dynamic';

/**
 * Guide step 3: all six Pod Security labels of a namespace, audit and warn first (`phase: audit`),
 * then enforce. The preview carries lib/pss's prediction of the server's warnings and, on a live
 * cluster, the warnings its dry run really answered.
 */
export const POST = changeRoute(async (req) => labelNamespaceChange(parseBody(await readJson(req), labelPlanBodySchema), podSecurityConfiguration(sourceOf(req.headers))));
