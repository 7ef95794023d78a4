import 'server-only';
import { AppError } from '@/lib/errors';
import { isValidCsrfToken } from '@/lib/server/csrf';
import { isAllowedHost, isSameOrigin } from '@/lib/server/hosts';
import { getConfig } from '@/lib/server/sources/registry';

/**
 * Checks every mutating request before it reads its body: read-only mode, the Host (DNS rebinding),
 * a browser Origin other than ours, and the CSRF token. Checked here as well as in proxy.ts, so a
 * handler is safe however it is reached.
 */
export function guardMutation(req: Request): void {
  if (getConfig().readOnly) throw new AppError('read_only', 'The dashboard runs read-only (--read-only or PSPD_READ_ONLY): changes are refused.');
  guardBrowserRequest(req);
}

/** The Host, Origin and CSRF checks alone: for a request that changes the browser's state, not the cluster's (the context picker). */
export function guardBrowserRequest(req: Request): void {
  const host = req.headers.get('host');
  if (!isAllowedHost(host)) throw new AppError('forbidden', `Host "${host ?? ''}" is not allowed.`);
  const origin = req.headers.get('origin');
  // Scheme, host and port must all be ours. Next sets the URL's scheme from the socket or from a
  // TLS-terminating proxy's X-Forwarded-Proto; "null" and garbage are foreign.
  if (origin !== null && !isSameOrigin(origin, host, requestScheme(req))) {
    throw new AppError('forbidden', `Cross-origin request refused (Origin ${origin} is not this dashboard).`);
  }
  if (!isValidCsrfToken(req.headers.get('x-csrf-token'))) {
    throw new AppError('forbidden', 'Missing or wrong CSRF token: send the token from GET /api/v1/csrf in the x-csrf-token header.');
  }
}

/** `https:` when the request arrived over TLS (at this server or at the proxy in front of it), else `http:`. */
export function requestScheme(req: Request): string {
  return req.url.startsWith('https:') || (req.headers.get('x-forwarded-proto') ?? '').split(',')[0].trim().toLowerCase() === 'https' ? 'https:' : 'http:';
}

/** Parses a JSON body; anything else is a 400. */
export async function readJson(req: Request): Promise<unknown> {
  const type = req.headers.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/json')) throw new AppError('invalid', 'Send the body as JSON (Content-Type: application/json).');
  const text = await req.text();
  if (text.length > 1_000_000) throw new AppError('invalid', 'The body is larger than 1 MB.');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AppError('invalid', `The body is not valid JSON: ${(e as Error).message}`);
  }
}

/** `/bindings/{kind}/{name}?namespace=`: which binding a route is about, or a 400. */
export function bindingRef(kind: string, name: string, namespace: string | undefined): { kind: 'ClusterRoleBinding' | 'RoleBinding'; name: string; namespace?: string } {
  if (kind !== 'ClusterRoleBinding' && kind !== 'RoleBinding') throw new AppError('invalid', `Unknown binding kind "${kind}": use ClusterRoleBinding or RoleBinding`);
  if (kind === 'RoleBinding' && !namespace) throw new AppError('invalid', 'A RoleBinding needs ?namespace=');
  return { kind, name, namespace: kind === 'RoleBinding' ? namespace : undefined };
}
