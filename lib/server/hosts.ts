/**
 * Which Host headers the server answers. Bound to loopback, only loopback names: a page on another
 * domain that re-points its DNS at 127.0.0.1 (DNS rebinding) sends its own name and is refused.
 * PSPD_ALLOWED_HOSTS adds names (comma-separated), e.g. for a port-forward through a proxy.
 *
 * A Host value is parsed strictly (RFC 9110 §7.2: `uri-host [ ":" port ]`), and anything else is
 * refused rather than guessed at: `localhost:3000.evil.com`, `127.0.0.1:3000@evil.com` and
 * `[::1]evil.com` are not a loopback name followed by junk, they are not Host values at all.
 */
export function allowedHostnames(env: Record<string, string | undefined> = process.env): string[] {
  const hosts = ['127.0.0.1', 'localhost', '[::1]'];
  const bind = env.HOST;
  if (bind && !['0.0.0.0', '::', '[::]'].includes(bind)) hosts.push(allowedName(bind));
  for (const h of (env.PSPD_ALLOWED_HOSTS ?? '').split(',').map((s) => s.trim()).filter(Boolean)) hosts.push(allowedName(h));
  return hosts;
}

/** An allowed name as a parsed Host value's hostname reads: lower case, an IPv6 address bracketed and canonical. */
function allowedName(name: string): string {
  const n = name.toLowerCase();
  const bracketed = n.includes(':') && !n.startsWith('[') ? `[${n}]` : n;
  return parseHostHeader(bracketed)?.hostname ?? n;
}

export interface HostValue {
  /** Lower-cased; an IPv6 address keeps its brackets, in the URL parser's canonical form (`[::1]`). */
  hostname: string;
  /** Absent when the value names no port. */
  port?: number;
}

/** A DNS name or dotted IPv4 address: labels of letters, digits and inner hyphens, at most 63 each, 253 in all. */
const NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
/** 1–65535, digits only, no sign and no leading zero. */
const PORT = /^[1-9][0-9]{0,4}$/;

/** `host[:port]` (IPv6 only in brackets), or null for anything else. */
export function parseHostHeader(value: string | null | undefined): HostValue | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 300) return null;
  const v = value.toLowerCase();
  let hostname: string;
  let rest: string;
  if (v.startsWith('[')) {
    const close = v.indexOf(']');
    if (close < 0) return null;
    const inside = v.slice(1, close);
    if (!/^[0-9a-f:.]+$/.test(inside) || !inside.includes(':')) return null;
    try {
      // The WHATWG URL parser validates the address and writes it in canonical form.
      hostname = new URL(`http://[${inside}]/`).hostname;
    } catch {
      return null;
    }
    rest = v.slice(close + 1);
  } else {
    const colon = v.indexOf(':');
    hostname = colon < 0 ? v : v.slice(0, colon);
    rest = colon < 0 ? '' : v.slice(colon);
    if (!NAME.test(hostname)) return null;
  }
  if (rest === '') return { hostname };
  if (!rest.startsWith(':')) return null;
  const port = rest.slice(1);
  if (!PORT.test(port) || Number(port) > 65535) return null;
  return { hostname, port: Number(port) };
}

/** The hostname of a Host header value, without the port (IPv6 keeps its brackets), or null when the value is malformed. */
export function hostnameOf(hostHeader: string): string | null {
  return parseHostHeader(hostHeader)?.hostname ?? null;
}

export function isAllowedHost(hostHeader: string | null, env?: Record<string, string | undefined>): boolean {
  const parsed = parseHostHeader(hostHeader);
  return parsed !== null && allowedHostnames(env).includes(parsed.hostname);
}

const DEFAULT_PORT: Record<string, number> = { 'http:': 80, 'https:': 443 };

/**
 * Whether a browser's Origin is this dashboard's own: same scheme, hostname and port as the request
 * (`scheme` is `http:` or `https:`, as the request arrived; a Host without a port means the scheme's
 * default). `https://127.0.0.1:PORT` or `http://127.0.0.1:OTHER` is another origin, and so is
 * `null` or anything that is not a plain `scheme://host[:port]`.
 */
export function isSameOrigin(origin: string, hostHeader: string | null, scheme: string): boolean {
  const host = parseHostHeader(hostHeader);
  if (!host || !(scheme in DEFAULT_PORT)) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  // An Origin is serialised as scheme://host[:port], nothing else (RFC 6454 §6.2).
  if (url.origin !== origin.toLowerCase() || !(url.protocol in DEFAULT_PORT)) return false;
  const originPort = url.port ? Number(url.port) : DEFAULT_PORT[url.protocol];
  return url.protocol === scheme && url.hostname === host.hostname && originPort === (host.port ?? DEFAULT_PORT[scheme]);
}
