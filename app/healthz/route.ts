export const dynamic = 'force-dynamic';

/**
 * Liveness: the process serves requests. Answered for any Host (proxy.ts lets it through) because
 * the kubelet probes the pod's IP; it says nothing about the cluster.
 */
export function GET() {
  return new Response('ok\n', { headers: { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' } });
}
