import { handle, parseBody } from '../../_http/respond';
import { guardBrowserRequest, readJson, requestScheme } from '../../_http/guard';
import { contextCookie } from '@/lib/contexts/selection';
import { selectContextBodySchema } from '@/lib/schemas/contexts';
import { checkSelectable, contextsView } from '@/lib/server/sources/registry';

export const dynamic = 'force-dynamic';

/** The kubeconfig's contexts by name (never a server URL or credential), which one this browser shows, and each one's state. */
export function GET(req: Request) {
  return handle(() => Response.json(contextsView(req.headers)));
}

/**
 * Selects the context this browser shows (a cookie; its source opens on first use). Changes no
 * cluster, so it is allowed read-only, but checked like every change (Host, Origin, CSRF). An
 * unknown context is a 404 and changes nothing.
 */
export function POST(req: Request) {
  return handle(async () => {
    guardBrowserRequest(req);
    const { context } = parseBody(await readJson(req), selectContextBodySchema);
    checkSelectable(context);
    const host = req.headers.get('host');
    const cookie = contextCookie(host, context, requestScheme(req) === 'https:');
    const selected = new Headers(req.headers);
    selected.set('cookie', cookie.split(';')[0]);
    return Response.json(contextsView(selected), { headers: { 'Set-Cookie': cookie } });
  });
}
