import { contextCookie } from '../contexts/selection';

/**
 * The kubeconfig context this page was rendered for, from the layout's
 * `<meta name="pspd-context">` (absent when the dashboard shows one cluster). Read at each request,
 * so nothing in the browser holds it apart from the page itself.
 */
export function pageContext(): string | undefined {
  if (typeof document === 'undefined') return undefined;
  return document.querySelector<HTMLMetaElement>('meta[name="pspd-context"]')?.content || undefined;
}

/**
 * Makes this tab's context the browser's selection again (when the tab is used), so that the next
 * page this tab renders reads its own context even if another tab switched meanwhile.
 */
export function pinPageContext(): void {
  const context = pageContext();
  if (!context) return;
  document.cookie = contextCookie(location.host, context, location.protocol === 'https:');
}
