import { NextResponse, type NextRequest } from 'next/server';
import { isAllowedHost } from './lib/server/hosts';

/** The kubelet's probes reach the pod by its IP; these two answer only "ok" or "syncing". */
const PROBES = new Set(['/healthz', '/readyz']);

/** Every request, page or API: refuse Host names we do not serve (DNS rebinding). */
export function proxy(request: NextRequest) {
  if (PROBES.has(request.nextUrl.pathname)) return NextResponse.next();
  if (!isAllowedHost(request.headers.get('host'))) {
    return NextResponse.json(
      { error: { code: 'forbidden', message: 'This Host is not allowed. Open the dashboard at http://127.0.0.1, or add the name to PSPD_ALLOWED_HOSTS.' } },
      { status: 403 },
    );
  }
  return NextResponse.next();
}
