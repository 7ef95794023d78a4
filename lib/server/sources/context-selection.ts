import 'server-only';
import { CONTEXT_HEADER, contextCookieName } from '../../contexts/selection';
import { readCookie } from '../identity/cookie';

/** The headers of a request (a Request's, or next/headers' in a page). */
export interface RequestHeaders {
  get(name: string): string | null;
}

/** Names are sent URI-encoded; a value that does not decode names nothing. */
function decoded(value: string): string | undefined {
  try {
    return decodeURIComponent(value) || undefined;
  } catch {
    return undefined;
  }
}

/** The context the picker selected for this browser (its cookie), if any. */
export function cookieContext(headers: RequestHeaders): string | undefined {
  const raw = readCookie(headers.get('cookie'), contextCookieName(headers.get('host')));
  return raw === undefined ? undefined : decoded(raw);
}

/** The context the page that sent this request shows (its header), if any; '' when malformed. */
export function headerContext(headers: RequestHeaders): string | undefined {
  const raw = headers.get(CONTEXT_HEADER);
  return raw === null ? undefined : decoded(raw) ?? '';
}
