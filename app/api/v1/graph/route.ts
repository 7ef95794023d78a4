import { handle, parseQuery } from '../../_http/respond';
import { graphQuerySchema } from '@/lib/schemas/query';
import { graphView } from '@/lib/server/views';
import { sourceOf } from '@/lib/server/sources/registry';

export const dynamic = 'force-dynamic';

export function GET(req: Request) {
  return handle(async () => {
    const q = parseQuery(req, graphQuerySchema);
    const graph = await graphView(sourceOf(req.headers), {
      psp: q.psp, namespace: q.namespace, subject: q.subject, q: q.q, focus: q.focus,
      includeWildcard: q.wildcard ?? true, maxNodes: q.limit, groupLimit: q.group, expand: q.expand,
    }, q.view);
    return Response.json(graph);
  });
}
