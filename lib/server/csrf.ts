import 'server-only';
import { randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * One random token per server process. A page of ours reads it with a same-origin GET; a page of
 * another origin cannot (no CORS), so a forged cross-site POST cannot carry it.
 */
const holder = globalThis as unknown as { __pspdCsrf?: string };

export function csrfToken(): string {
  holder.__pspdCsrf ??= randomBytes(32).toString('base64url');
  return holder.__pspdCsrf;
}

export function isValidCsrfToken(candidate: string | null): boolean {
  if (!candidate) return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(csrfToken());
  return a.length === b.length && timingSafeEqual(a, b);
}
