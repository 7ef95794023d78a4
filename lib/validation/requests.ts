/**
 * Requests refused by method or by a repeated Host header, before any route sees them.
 *
 * Two layers, because Next.js cannot see everything:
 * - `methodRefusal` is asked by proxy.ts for every request it gets: a method the dashboard serves
 *   nowhere (PROPFIND, SEARCH, …) is a 405 everywhere, and pages serve only GET and HEAD (Next.js
 *   would render a page for a POST or a PROPFIND; API routes answer 405 for the standard methods
 *   they do not export, and a 400 for the others).
 * - `earlyRefusal` runs in Node's HTTP server, before Next.js: a TRACE never reaches proxy.ts,
 *   because Next.js builds a WHATWG `Request` for it first and `new Request(url, {method: 'TRACE'})`
 *   throws ("'TRACE' HTTP method is unsupported": TRACE, TRACK and CONNECT are forbidden methods in
 *   the Fetch standard), which Next.js answers with a 500. And Node keeps only the first of two Host
 *   headers in `req.headers` (the rest are in `rawHeaders` only), so a request whose Host a proxy
 *   in front reads one way and Next.js another is invisible after Node: RFC 9112 §3.2 says a server
 *   MUST answer 400 to more than one Host.
 * Node's own parser already answers 400 to a method token it does not know (TRACK, FOO), and closes
 * the connection of a CONNECT, since nothing listens for it: neither reaches this code.
 */

/** Every method some route of the dashboard serves. */
export const SERVED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
/** Pages, static files and the probes: read only. */
const PAGE_METHODS = ['GET', 'HEAD'];
/** Methods the Fetch standard forbids in a `Request`; Next.js cannot even represent them. */
export const FORBIDDEN_METHODS = ['TRACE', 'TRACK', 'CONNECT'];

export interface Refusal {
  status: 400 | 405;
  message: string;
  /** The `Allow` header of a 405. */
  allow?: string;
}

function isApiPath(pathname: string): boolean {
  return pathname === '/api' || pathname.startsWith('/api/');
}

/** Why proxy.ts refuses this method on this path, or null when the route decides. */
export function methodRefusal(method: string, pathname: string): Refusal | null {
  const m = method.toUpperCase();
  if (isApiPath(pathname)) {
    if ((SERVED_METHODS as readonly string[]).includes(m)) return null;
    return { status: 405, allow: SERVED_METHODS.join(', '), message: `The dashboard does not serve the ${m} method.` };
  }
  // The probes are route handlers that serve GET; Next.js answers their other standard methods itself.
  if (PAGE_METHODS.includes(m) || ((pathname === '/healthz' || pathname === '/readyz') && (SERVED_METHODS as readonly string[]).includes(m))) return null;
  return { status: 405, allow: PAGE_METHODS.join(', '), message: `Pages are read with GET; ${m} is not allowed here.` };
}

/** What Node's HTTP server must answer itself, before Next.js: a forbidden method, or more than one Host header. */
export function earlyRefusal(method: string | undefined, rawHeaders: readonly string[]): Refusal | null {
  const m = (method ?? '').toUpperCase();
  if (FORBIDDEN_METHODS.includes(m)) {
    return { status: 405, allow: SERVED_METHODS.join(', '), message: `The dashboard does not serve the ${m} method.` };
  }
  let hosts = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i].toLowerCase() === 'host') hosts++;
  if (hosts > 1) return { status: 400, message: 'More than one Host header: send exactly one.' };
  return null;
}

/** The headers of an answer given before Next.js (which adds the security headers of next.config.js to its own). */
export function refusalHeaders(r: Refusal): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    ...(r.allow ? { Allow: r.allow } : {}),
  };
}

export function refusalBody(r: Refusal): string {
  return JSON.stringify({ error: { code: r.status === 405 ? 'method_not_allowed' : 'invalid', message: r.message } });
}

interface RequestLike {
  method?: string;
  rawHeaders: string[];
  resume(): unknown;
}
interface ResponseLike {
  headersSent: boolean;
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body?: string): unknown;
  shouldKeepAlive?: boolean;
}
interface ServerPrototype {
  emit(event: string | symbol, ...args: unknown[]): boolean;
}

const INSTALLED = Symbol.for('psp-dashboard.early-refusal');

/**
 * Answers `earlyRefusal`s in every HTTP server of this process (Next.js creates its server itself
 * and offers no hook before it builds the `Request`): wraps the prototype's `emit` for 'request'
 * events. Idempotent. Called from instrumentation.ts, at server start.
 */
export function installEarlyRefusal(prototype: ServerPrototype): void {
  const p = prototype as ServerPrototype & { [INSTALLED]?: boolean };
  if (p[INSTALLED]) return;
  p[INSTALLED] = true;
  const emit = p.emit;
  p.emit = function (this: unknown, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'request') {
      const [req, res] = args as [RequestLike, ResponseLike];
      const refusal = earlyRefusal(req.method, req.rawHeaders);
      if (refusal) {
        const body = refusalBody(refusal);
        // A refused request's connection is not reused: its body (if any) is not read as the next request.
        res.writeHead(refusal.status, { ...refusalHeaders(refusal), 'Content-Length': String(new TextEncoder().encode(body).length), Connection: 'close' });
        res.end(body);
        req.resume();
        return true;
      }
    }
    return emit.call(this, event, ...args);
  };
}
