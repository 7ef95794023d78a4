// @ts-check

/**
 * Sent with every page, API answer and static file, in every mode. The UI must not be framed (two
 * clicks inside a transparent frame once applied a real change), nor load anything from elsewhere.
 * Next.js inlines its bootstrap scripts and React Flow positions nodes with inline styles, hence
 * 'unsafe-inline' for scripts and styles; everything else is 'self' only.
 */
const SECURITY_HEADERS = [
  {
    key: 'Content-Security-Policy',
    value: [
      "default-src 'self'",
      "script-src 'self' 'unsafe-inline'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self' data:",
      "connect-src 'self'",
      "worker-src 'self' blob:",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
  },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'no-referrer' },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `npm run image` (scripts/image/build.mjs) sets PSPD_IMAGE_BUILD=1 to build the standalone server it packs; `next build` / `npm start` are unchanged.
  output: process.env.PSPD_IMAGE_BUILD === '1' ? 'standalone' : undefined,
  // client-node pulls in optional native-ish deps (ws, openid-client); keep it out of the server bundle.
  serverExternalPackages: ['@kubernetes/client-node'],
  headers: async () => [
    { source: '/:path*', headers: SECURITY_HEADERS },
    // The API is same-origin JSON; never let a stale GET be served from a cache.
    { source: '/api/:path*', headers: [{ key: 'Cache-Control', value: 'no-store' }] },
  ],
};
export default nextConfig;
