import { handle, parseQuery } from '../../_http/respond';
import { auditQuerySchema } from '@/lib/schemas/audit';
import { AUDIT_CONTENT_TYPES, exportAudit } from '@/lib/audit/export';
import { auditView } from '@/lib/server/audit-view';
import { sourceOf } from '@/lib/server/sources/registry';

export const dynamic = 'force-dynamic';

/** The audit: findings with evidence and fixes, as JSON (default), Markdown or CSV. Read-only. */
export function GET(req: Request) {
  return handle(async () => {
    const { format = 'json', useServiceAccountCredentials } = parseQuery(req, auditQuerySchema);
    const report = await auditView(sourceOf(req.headers), { useServiceAccountCredentials });
    return new Response(exportAudit(report, format), { headers: { 'content-type': AUDIT_CONTENT_TYPES[format], 'cache-control': 'no-store' } });
  });
}
