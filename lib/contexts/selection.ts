/**
 * How a browser says which kubeconfig context it looks at, shared by the server and the browser:
 * - the cookie is the picker's choice, and what pages render; a tab writes its own context into it
 *   when it comes to the front and before each click or key press in it, so two tabs can show two
 *   contexts (the tab in use decides what the next page render reads);
 * - the header goes with every API request of a page (lib/client/api.ts), so a tab keeps reading
 *   the cluster it was rendered for, and a change prepared on one context is refused after a switch.
 */
export const CONTEXT_HEADER = 'x-pspd-context';

/** Named by port like the session cookie: browsers share cookies across the ports of one host. */
export function contextCookieName(host: string | null): string {
  const port = /:(\d{1,5})$/.exec(host ?? '')?.[1];
  return port ? `pspd_context_${port}` : 'pspd_context';
}

/** A year: the choice outlives the browser session, like kubectl's current-context. */
export const CONTEXT_COOKIE_MAX_AGE = 365 * 24 * 3600;

/**
 * The cookie, without HttpOnly: the page writes it on focus (a context name is no secret).
 * SameSite=Strict; Secure over HTTPS. Context names are URI-encoded (they may hold spaces, commas).
 */
export function contextCookie(host: string | null, context: string, secure: boolean): string {
  return [`${contextCookieName(host)}=${encodeURIComponent(context)}`, 'Path=/', `Max-Age=${CONTEXT_COOKIE_MAX_AGE}`, 'SameSite=Strict', ...(secure ? ['Secure'] : [])].join('; ');
}
