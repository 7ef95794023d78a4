import { NextResponse, type NextRequest } from 'next/server';
import { isAllowedHost } from './lib/server/hosts';
import { methodRefusal } from './lib/validation/requests';

/** The kubelet's probes reach the pod by its IP; these two answer only "ok" or "syncing". */
const PROBES = new Set(['/healthz', '/readyz']);

/**
 * Every request, page or API: first a method no route serves (405), then a Host we do not serve
 * (DNS rebinding; 403). TRACE, TRACK and CONNECT never get here (Next.js cannot build a Request for
 * them) and two Host headers cannot be seen here: lib/validation/requests.ts answers those in Node.
 */
export function proxy(request: NextRequest) {
  const refusal = methodRefusal(request.method, request.nextUrl.pathname);
  if (refusal) {
    return NextResponse.json({ error: { code: 'method_not_allowed', message: refusal.message } }, { status: refusal.status, headers: refusal.allow ? { Allow: refusal.allow } : undefined });
  }
  if (PROBES.has(request.nextUrl.pathname)) return NextResponse.next();
  if (!isAllowedHost(request.headers.get('host'))) {
    return NextResponse.json(
      { error: { code: 'forbidden', message: 'This Host is not allowed. Open the dashboard at http://127.0.0.1, or add the name to PSPD_ALLOWED_HOSTS.' } },
      { status: 403 },
    );
  }
  return NextResponse.next();
}
