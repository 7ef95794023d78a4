/**
 * Runs once when the server starts: refuse in Node what Next.js cannot represent (TRACE, a second
 * Host header; lib/validation/requests.ts), and open the cluster source so that its LIST and WATCH
 * calls are under way before the first page is asked for.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const [{ default: http }, { installEarlyRefusal }] = await Promise.all([import('node:http'), import('./lib/validation/requests')]);
  installEarlyRefusal(http.Server.prototype);
  const { getSource } = await import('./lib/server/sources/registry');
  getSource();
}
