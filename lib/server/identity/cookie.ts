/**
 * The session cookie: an opaque id, HttpOnly (no script reads it), SameSite=Strict (no other site
 * sends it), Secure when served over HTTPS. Its name carries the port, because browsers share
 * cookies across the ports of one host: two dashboards port-forwarded to 3000 and 3001 must not
 * sign each other out.
 */
export function sessionCookieName(hostHeader: string | null): string {
  const port = /:(\d{1,5})$/.exec(hostHeader ?? '')?.[1];
  return port ? `pspd_session_${port}` : 'pspd_session';
}

export function readCookie(cookieHeader: string | null, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

export function sessionCookie(name: string, value: string, opts: { maxAgeSeconds: number; secure: boolean }): string {
  return [`${name}=${value}`, 'Path=/', `Max-Age=${Math.max(0, Math.floor(opts.maxAgeSeconds))}`, 'HttpOnly', 'SameSite=Strict', ...(opts.secure ? ['Secure'] : [])].join('; ');
}

export function clearedCookie(name: string, secure: boolean): string {
  return sessionCookie(name, '', { maxAgeSeconds: 0, secure });
}
