/**
 * Runs once when the server starts: refuse in Node what Next.js cannot represent (TRACE, a second
 * Host header; lib/validation/requests.ts), open the cluster source so that its LIST and WATCH
 * calls are under way before the first page is asked for, and say in the terminal what it reads —
 * stopping, with the reason, when that cannot be read at all (lib/server/startup.ts). The views that
 * take seconds on a big cluster are then computed in the background (lib/server/warm-views.ts).
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const [{ default: http }, { installEarlyRefusal }] = await Promise.all([import('node:http'), import('./lib/validation/requests')]);
  installEarlyRefusal(http.Server.prototype);
  const [{ startSource, getConfig, contextSources }, { checkSourceAtStart }] = await Promise.all([import('./lib/server/sources/registry'), import('./lib/server/startup')]);
  if (!(await checkSourceAtStart(startSource(), getConfig()))) process.exit(1);
  const { keepViewsWarm } = await import('./lib/server/warm-views');
  keepViewsWarm(startSource());
  const others = contextSources()?.list().filter((c) => !c.start).map((c) => `"${c.name}"`);
  if (others?.length) console.log(`psp-dashboard: the header's picker switches to the kubeconfig's other contexts, each opened on first use: ${others.join(', ')}`);
}
