import { handle } from '../../_http/respond';
import { csrfToken } from '@/lib/server/csrf';

export const dynamic = 'force-dynamic';

/** The token mutating requests must send in x-csrf-token. Same-origin pages can read it; others cannot. */
export function GET() {
  return handle(() => Response.json({ token: csrfToken() }));
}
