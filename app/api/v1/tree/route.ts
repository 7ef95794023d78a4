import { handle, parseQuery } from '../../_http/respond';
import { treeQuerySchema } from '@/lib/schemas/query';
import { treeView } from '@/lib/server/views';
import { sourceOf } from '@/lib/server/sources/registry';

export const dynamic = 'force-dynamic';

export function GET(req: Request) {
  return handle(async () => {
    const { all } = parseQuery(req, treeQuerySchema);
    return new Response(await treeView(sourceOf(req.headers), all ?? false), { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  });
}
