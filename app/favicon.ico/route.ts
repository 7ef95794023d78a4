/**
 * Browsers use the <link rel="icon"> Next.js writes for app/icon.svg, but bookmarks, feed readers and
 * `curl` still ask for /favicon.ico: it points them at the same icon instead of a 404.
 */
export function GET() {
  return new Response(null, { status: 308, headers: { Location: '/icon.svg', 'Cache-Control': 'public, max-age=86400' } });
}
