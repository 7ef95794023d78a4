/**
 * Which Host headers the server answers. Bound to loopback, only loopback names: a page on another
 * domain that re-points its DNS at 127.0.0.1 (DNS rebinding) sends its own name and is refused.
 * PSPD_ALLOWED_HOSTS adds names (comma-separated), e.g. for a port-forward through a proxy.
 */
export function allowedHostnames(env: Record<string, string | undefined> = process.env): string[] {
  const hosts = ['127.0.0.1', 'localhost', '[::1]', '::1'];
  const bind = env.HOST;
  if (bind && !['0.0.0.0', '::', '[::]'].includes(bind)) hosts.push(bind);
  for (const h of (env.PSPD_ALLOWED_HOSTS ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)) hosts.push(h);
  return hosts;
}

/** The hostname of a Host header value, without the port; IPv6 keeps its brackets. */
export function hostnameOf(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

export function isAllowedHost(hostHeader: string | null, env?: Record<string, string | undefined>): boolean {
  if (!hostHeader) return false;
  return allowedHostnames(env).includes(hostnameOf(hostHeader));
}
