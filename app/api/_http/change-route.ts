import 'server-only';
import type { z } from 'zod';
import { isAppError } from '@/lib/errors';
import type { Change } from '@/lib/plan/change';
import { mutationQuerySchema } from '@/lib/schemas/mutations';
import { endSessionOf, writerIdentity } from '@/lib/server/identity/actor';
import { tokenRefused } from '@/lib/server/identity/reviews';
import { runChange } from '@/lib/server/mutations';
import { guardMutation } from './guard';
import { handle, parseQuery } from './respond';
import { checkContextUnchanged, sourceOf } from '@/lib/server/sources/registry';

export type MutationQuery = z.infer<typeof mutationQuerySchema>;

/**
 * The one shape of every change route: guard (read-only, Host, Origin, CSRF), the context the page
 * was prepared on still selected (409 otherwise: see checkContextUnchanged), the query, who acts
 * (a signed-in person where sign-in is required: 401 otherwise, before anything else is read), the
 * change the handler builds from its body, then the plan run as that person. A token that died since
 * sign-in ends the session, and the answer says to sign in again.
 */
export function changeRoute<Ctx>(build: (req: Request, query: MutationQuery, ctx: Ctx) => Promise<Change> | Change) {
  return (req: Request, ctx: Ctx) =>
    handle(async () => {
      guardMutation(req);
      checkContextUnchanged(req.headers);
      const query = parseQuery(req, mutationQuerySchema);
      const identity = await writerIdentity(req.headers);
      const change = await build(req, query, ctx);
      try {
        return Response.json(await runChange(sourceOf(req.headers), change, { dryRun: !!query.dryRun, identity }));
      } catch (e) {
        if (identity.kind === 'token' && isAppError(e) && e.code === 'unauthorized') {
          endSessionOf(req.headers);
          throw e.details?.signIn ? e : tokenRefused('a write');
        }
        throw e;
      }
    });
}
