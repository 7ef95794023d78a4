import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { earlyRefusal, installEarlyRefusal, methodRefusal } from './requests';

describe('methodRefusal (proxy.ts)', () => {
  it('lets API routes decide the standard methods, and refuses the rest with 405', () => {
    for (const m of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'post']) expect(methodRefusal(m, '/api/v1/attach'), m).toBeNull();
    for (const m of ['PROPFIND', 'MKCOL', 'SEARCH', 'PURGE', 'QUERY', 'M-SEARCH', 'TRACE']) {
      expect(methodRefusal(m, '/api/v1/simulate'), m).toMatchObject({ status: 405, allow: 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS' });
    }
  });

  it('pages are GET and HEAD only; the probes keep their route\'s own answers', () => {
    expect(methodRefusal('GET', '/')).toBeNull();
    expect(methodRefusal('HEAD', '/tree')).toBeNull();
    for (const [m, p] of [['POST', '/'], ['PUT', '/psps'], ['DELETE', '/audit'], ['OPTIONS', '/'], ['PROPFIND', '/'], ['POST', '/_next/static/x.js']]) {
      expect(methodRefusal(m, p), `${m} ${p}`).toMatchObject({ status: 405, allow: 'GET, HEAD' });
    }
    expect(methodRefusal('POST', '/healthz')).toBeNull();
    expect(methodRefusal('PROPFIND', '/readyz')).toMatchObject({ status: 405 });
  });
});

describe('earlyRefusal (Node, before Next.js)', () => {
  it('refuses the methods the Fetch standard forbids, and a second Host header', () => {
    for (const m of ['TRACE', 'trace', 'TRACK', 'CONNECT']) expect(earlyRefusal(m, ['Host', 'localhost']), m).toMatchObject({ status: 405 });
    expect(earlyRefusal('GET', ['Host', 'evil.com', 'host', '127.0.0.1:3000'])).toMatchObject({ status: 400, message: expect.stringContaining('More than one Host') });
    expect(earlyRefusal('GET', ['Host', '127.0.0.1:3000', 'X-Host', 'a'])).toBeNull();
    expect(earlyRefusal('POST', [])).toBeNull();
  });
});

describe('installEarlyRefusal on a real HTTP server', () => {
  class GuardedServer extends http.Server {}
  let server: GuardedServer;
  let port = 0;
  const seen: string[] = [];

  beforeAll(async () => {
    installEarlyRefusal(GuardedServer.prototype);
    installEarlyRefusal(GuardedServer.prototype); // idempotent
    server = new GuardedServer((req, res) => {
      seen.push(`${req.method} ${req.headers.host}`);
      res.end('served');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function raw(text: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => s.write(text));
      let out = '';
      s.on('data', (d) => (out += d));
      s.on('end', () => resolve(out));
      s.on('error', reject);
    });
  }

  it('answers TRACE with 405 and never calls the handler', async () => {
    const out = await raw(`TRACE /api/v1/cluster HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    expect(out).toMatch(/^HTTP\/1\.1 405 /);
    expect(out).toMatch(/\r\nAllow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS\r\n/i);
    expect(out).toMatch(/\r\nX-Frame-Options: DENY\r\n/i);
    expect(out).toContain('"method_not_allowed"');
    expect(seen).toEqual([]);
  });

  it('answers two Host headers with 400, in either order', async () => {
    for (const [a, b] of [['evil.com', `127.0.0.1:${port}`], [`127.0.0.1:${port}`, 'evil.com']]) {
      const out = await raw(`GET / HTTP/1.1\r\nHost: ${a}\r\nHost: ${b}\r\nConnection: close\r\n\r\n`);
      expect(out).toMatch(/^HTTP\/1\.1 400 /);
      expect(out).toContain('More than one Host header');
    }
    expect(seen).toEqual([]);
  });

  it('passes every other request through', async () => {
    const out = await raw(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    expect(out).toMatch(/^HTTP\/1\.1 200 /);
    expect(out).toContain('served');
    expect(seen).toEqual([`GET 127.0.0.1:${port}`]);
  });
});
