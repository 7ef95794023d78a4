import { NextResponse, type NextRequest } from 'next/server';
import { isAllowedHost } from './lib/server/hosts';

/** Every request, page or API: refuse Host names we do not serve (DNS rebinding). */
export function proxy(request: NextRequest) {
  if (!isAllowedHost(request.headers.get('host'))) {
    return NextResponse.json(
      { error: { code: 'forbidden', message: 'This Host is not allowed. Open the dashboard at http://127.0.0.1, or add the name to PSPD_ALLOWED_HOSTS.' } },
      { status: 403 },
    );
  }
  return NextResponse.next();
}
