import { handle, parseQuery } from '../../_http/respond';
import { guardMutation } from '../../_http/guard';
import { z } from 'zod';
import { discardPending, pendingView, undoPending } from '@/lib/server/mutations';
import { checkContextUnchanged, sourceOf } from '@/lib/server/sources/registry';

export const dynamic = 'force-dynamic';

const querySchema = z.strictObject({ format: z.enum(['json', 'yaml', 'kubectl']).optional() });

/** Demo and snapshot: the changes made in memory, as JSON, one YAML file, or kubectl commands. */
export function GET(req: Request) {
  return handle(() => {
    const { format } = parseQuery(req, querySchema);
    const view = pendingView(sourceOf(req.headers));
    if (format === 'yaml') return new Response(view.yaml, { headers: { 'Content-Type': 'application/yaml; charset=utf-8', 'Content-Disposition': 'attachment; filename="psp-dashboard-changes.yaml"' } });
    if (format === 'kubectl') return new Response(view.kubectl, { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    return Response.json(view);
  });
}

const deleteQuerySchema = z.strictObject({ change: z.coerce.number().int().min(1).optional() });

/** Forget the pending changes (back to the files as read), or with ?change=N only the N-th (1-based). */
export function DELETE(req: Request) {
  return handle(async () => {
    guardMutation(req);
    checkContextUnchanged(req.headers);
    const { change } = parseQuery(req, deleteQuerySchema);
    const source = sourceOf(req.headers);
    if (change === undefined) discardPending(source);
    else await undoPending(source, change - 1);
    return Response.json(pendingView(source));
  });
}
