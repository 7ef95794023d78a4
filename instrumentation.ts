/**
 * Runs once when the server starts: open the cluster source so that its LIST and WATCH calls are
 * under way before the first page is asked for.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { getSource } = await import('./lib/server/sources/registry');
  getSource();
}
