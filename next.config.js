// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // client-node pulls in optional native-ish deps (ws, openid-client); keep it out of the server bundle.
  serverExternalPackages: ['@kubernetes/client-node'],
  // The API is same-origin JSON; never let a stale GET be served from a cache.
  headers: async () => [
    { source: '/api/:path*', headers: [{ key: 'Cache-Control', value: 'no-store' }] },
  ],
};
export default nextConfig;
