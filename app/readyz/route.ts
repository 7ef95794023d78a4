import { startSource } from '@/lib/server/sources/registry';

export const dynamic = 'force-dynamic';

/**
 * Readiness: the first read of the cluster is over (whatever its outcome: an unreachable cluster or
 * a missing permission is shown to the person as an error page, so the pod must stay reachable).
 * Answered for any Host, like /healthz, and with nothing but the state.
 */
export function GET() {
  const state = startSource().info().state;
  const ready = state !== 'syncing';
  return new Response(`${ready ? 'ok' : 'syncing'}\n`, { status: ready ? 200 : 503, headers: { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' } });
}
