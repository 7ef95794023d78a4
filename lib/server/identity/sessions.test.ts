import { describe, expect, it } from 'vitest';
import { SessionStore } from './sessions';
import { clearedCookie, readCookie, sessionCookie, sessionCookieName } from './cookie';
import { signInBodySchema } from '../../schemas/session';

const alice = { user: 'alice', groups: ['team-a', 'system:authenticated'] };

describe('SessionStore', () => {
  it('knows only the ids it made: another store (another server) does not accept them', () => {
    const a = new SessionStore();
    const b = new SessionStore();
    const s = a.create('tok-a', alice);
    expect(s.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.get(s.id)?.person).toEqual(alice);
    expect(b.get(s.id)).toBeUndefined();
    expect(a.get(undefined)).toBeUndefined();
    expect(a.get('')).toBeUndefined();
  });

  it('ends a session after the idle time and after the absolute time, used or not', () => {
    let now = 0;
    const store = new SessionStore({ absoluteMs: 10_000, idleMs: 3_000, max: 10 }, () => now);
    const s = store.create('t', alice);
    now = 2_999;
    expect(store.get(s.id)).toBeDefined();
    now = 5_998; // 2,999 after the last use
    expect(store.get(s.id)).toBeDefined();
    now = 8_998; // 3,000 idle
    expect(store.get(s.id)).toBeUndefined();
    const t = store.create('t2', alice);
    for (now = 9_000; now < 19_000; now += 2_000) expect(store.get(t.id), `at ${now}`).toBeDefined();
    now = 19_000; // 10,000 after sign-in
    expect(store.get(t.id)).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('sign-out ends it; at most max sessions, the least recently used goes first', () => {
    let now = 0;
    const store = new SessionStore({ absoluteMs: 1e9, idleMs: 1e9, max: 2 }, () => now);
    const s1 = store.create('1', alice);
    now = 1;
    const s2 = store.create('2', alice);
    now = 2;
    store.get(s1.id);
    now = 3;
    const s3 = store.create('3', alice);
    expect(store.get(s2.id)).toBeUndefined();
    expect(store.get(s1.id)?.token).toBe('1');
    expect(store.delete(s3.id)).toBe(true);
    expect(store.get(s3.id)).toBeUndefined();
    expect(store.delete(s3.id)).toBe(false);
  });
});

describe('the session cookie', () => {
  it('is HttpOnly, SameSite=Strict, Secure only over HTTPS, and named by port', () => {
    expect(sessionCookieName('127.0.0.1:3000')).toBe('pspd_session_3000');
    expect(sessionCookieName('localhost')).toBe('pspd_session');
    const c = sessionCookie('pspd_session_3000', 'abc', { maxAgeSeconds: 60, secure: false });
    expect(c).toBe('pspd_session_3000=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Strict');
    expect(sessionCookie('n', 'v', { maxAgeSeconds: 1, secure: true })).toMatch(/; Secure$/);
    expect(clearedCookie('n', false)).toContain('Max-Age=0');
  });

  it('is read by exact name from a Cookie header', () => {
    expect(readCookie('a=1; pspd_session_3000=xyz; pspd_session_30001=no', 'pspd_session_3000')).toBe('xyz');
    expect(readCookie('pspd_session_30001=no', 'pspd_session_3000')).toBeUndefined();
    expect(readCookie(null, 'x')).toBeUndefined();
    expect(readCookie('x=', 'x')).toBeUndefined();
  });
});

describe('the sign-in body', () => {
  it('takes a pasted token, trimmed and without a "Bearer " prefix', () => {
    expect(signInBodySchema.parse({ token: '  Bearer abc.def-ghi_\n' })).toEqual({ token: 'abc.def-ghi_' });
  });

  it('refuses what no bearer token is, without repeating the value', () => {
    for (const bad of [{}, { token: 5 }, { token: '' }, { token: '   ' }, { token: 's3cr3t t0ken' }, { token: 's3cr3tä' }, { token: 'x'.repeat(16_385) }, { token: 'ok', extra: 1 }]) {
      const r = signInBodySchema.safeParse(bad);
      expect(r.success, JSON.stringify(bad).slice(0, 40)).toBe(false);
      if (!r.success && typeof bad.token === 'string' && bad.token.trim()) expect(JSON.stringify(r.error.issues)).not.toContain(bad.token.trim().slice(0, 20));
    }
  });
});
