import { describe, expect, it } from 'vitest';
import { contextCookie, contextCookieName } from './selection';
import { cookieContext, headerContext } from '../server/sources/context-selection';

const headers = (h: Record<string, string>) => new Headers(h);

describe('the context cookie and header', () => {
  it('is named by port, like the session cookie', () => {
    expect(contextCookieName('127.0.0.1:3000')).toBe('pspd_context_3000');
    expect(contextCookieName('dash.example.com')).toBe('pspd_context');
    expect(contextCookieName(null)).toBe('pspd_context');
  });

  it('round-trips names a cookie cannot hold as they are', () => {
    const name = 'arn:aws:eks:eu-west-1:123:cluster/prod, main ü';
    const cookie = contextCookie('127.0.0.1:3000', name, false);
    expect(cookie).toMatch(/^pspd_context_3000=[^ ;,]+; Path=\/; Max-Age=\d+; SameSite=Strict$/);
    expect(cookieContext(headers({ host: '127.0.0.1:3000', cookie: `other=1; ${cookie.split(';')[0]}` }))).toBe(name);
    expect(contextCookie('127.0.0.1:3000', 'a', true)).toMatch(/; Secure$/);
  });

  it("reads only this port's cookie", () => {
    expect(cookieContext(headers({ host: '127.0.0.1:3001', cookie: 'pspd_context_3000=a' }))).toBeUndefined();
    expect(cookieContext(headers({ host: '127.0.0.1:3000', cookie: 'pspd_context_3000=a' }))).toBe('a');
  });

  it('a malformed value names nothing', () => {
    expect(cookieContext(headers({ host: 'h:1', cookie: 'pspd_context_1=%E0%A4%A' }))).toBeUndefined();
    expect(headerContext(headers({ 'x-pspd-context': '%E0%A4%A' }))).toBe('');
    expect(headerContext(headers({}))).toBeUndefined();
    expect(headerContext(headers({ 'x-pspd-context': encodeURIComponent('a b') }))).toBe('a b');
  });
});
