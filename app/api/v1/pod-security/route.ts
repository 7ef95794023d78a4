import { handle, parseQuery } from '../../_http/respond';
import { boardQuerySchema } from '@/lib/schemas/pod-security';
import { podSecurityExport, podSecurityView } from '@/lib/server/pod-security-view';
import { sourceOf } from '@/lib/server/sources/registry';

export const dynamic = 'force-dynamic';

const FILE_TYPES = { markdown: 'text/markdown; charset=utf-8', csv: 'text/csv; charset=utf-8' } as const;

/** The migration board: one row per namespace (?namespace= for one); ?format=markdown|csv for the export. */
export function GET(req: Request) {
  return handle(async () => {
    const q = parseQuery(req, boardQuerySchema);
    const source = sourceOf(req.headers);
    if (q.format === 'markdown' || q.format === 'csv') {
      if (q.namespace) await podSecurityView(source, q); // 404 for an unknown namespace
      const name = `pod-security-board${q.namespace ? `-${q.namespace}` : ''}.${q.format === 'csv' ? 'csv' : 'md'}`;
      return new Response(await podSecurityExport(source, q.format, q.namespace), {
        headers: { 'Content-Type': FILE_TYPES[q.format], 'Content-Disposition': `attachment; filename="${name}"` },
      });
    }
    return Response.json(await podSecurityView(source, q));
  });
}
