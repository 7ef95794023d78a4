/**
 * The API server's `Warning:` response headers (RFC 7234 form, as k8s.io/apiserver writes them:
 * `299 - "text"`, the text quoted with `\"` and `\\` escaped), one text per header, in order.
 * Node joins repeated headers with ", ", so they are read from the raw header list.
 */
export function warningTexts(rawHeaders: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i].toLowerCase() !== 'warning') continue;
    const m = /^\d{3} \S+ "((?:[^"\\]|\\.)*)"/.exec(rawHeaders[i + 1]);
    if (m) out.push(m[1].replace(/\\(.)/g, '$1'));
  }
  return out;
}
