import { handle, parseBody } from '../../../_http/respond';
import { readJson } from '../../../_http/guard';
import { podSecurityCheckSchema } from '@/lib/schemas/pod-security';
import { podSecurityCheck } from '@/lib/server/pod-security-view';
import { sourceOf } from '@/lib/server/sources/registry';

export const dynamic = 'force-dynamic';

/** One pod or pod template against a Pod Security level and version, worded as the PodSecurity plugin words it. Changes nothing. */
export function POST(req: Request) {
  return handle(async () => Response.json(await podSecurityCheck(sourceOf(req.headers), parseBody(await readJson(req), podSecurityCheckSchema))));
}
