/**
 * Local safety against the running server itself (proxy.ts and the route guards): a foreign Host
 * is refused on every path (DNS rebinding), and so are cross-origin or token-less changes.
 */
import { expect, test } from '@playwright/test';
import http from 'node:http';
import net from 'node:net';

function rawRequest(port: number, path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let data = '';
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

test('a foreign Host is refused on pages and API routes; loopback names are served', async ({ baseURL }) => {
  const port = Number(new URL(baseURL!).port);
  for (const path of ['/', '/api/v1/cluster', '/api/v1/csrf', '/tree']) {
    const evil = await rawRequest(port, path, { Host: `rebind.attacker.example:${port}` });
    expect(evil.status, path).toBe(403);
    expect(evil.body).not.toContain('eks.privileged');
  }
  expect((await rawRequest(port, '/api/v1/cluster', { Host: `localhost:${port}` })).status).toBe(200);
  expect((await rawRequest(port, '/api/v1/cluster', { Host: `127.0.0.1:${port}` })).status).toBe(200);
});

test('changes without the CSRF token, or from another origin, are refused by the running server', async ({ baseURL }) => {
  const port = Number(new URL(baseURL!).port);
  const host = `127.0.0.1:${port}`;
  const body = JSON.stringify({ psp: 'eks.privileged', subject: { kind: 'Group', name: 'csrf-victim' } });
  const noToken = await rawRequest(port, '/api/v1/attach', { Host: host, 'Content-Type': 'application/json' }, 'POST', body);
  expect(noToken.status).toBe(403);
  expect(noToken.body).toContain('CSRF');
  const { token } = JSON.parse((await rawRequest(port, '/api/v1/csrf', { Host: host })).body);
  const crossOrigin = await rawRequest(port, '/api/v1/attach?dryRun=true', { Host: host, Origin: 'http://attacker.example', 'Content-Type': 'application/json', 'x-csrf-token': token }, 'POST', body);
  expect(crossOrigin.status).toBe(403);
  const sameOrigin = await rawRequest(port, '/api/v1/attach?dryRun=true', { Host: host, Origin: `http://${host}`, 'Content-Type': 'application/json', 'x-csrf-token': token }, 'POST', body);
  expect(sameOrigin.status).toBe(200);
  expect(JSON.parse(sameOrigin.body).dryRun).toBe(true);
});

/** One request written byte for byte on a socket: headers exactly as given (two Host lines, odd methods). */
function rawSocket(port: number, text: string): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let data = '';
    socket.setTimeout(30_000, () => socket.destroy(new Error('no answer')));
    socket.on('data', (c) => (data += c));
    socket.on('end', () => {
      const [head, ...rest] = data.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body: rest.join('\r\n\r\n') });
    });
    socket.on('error', (e) => (data ? resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0), head: data, body: '' }) : reject(e)));
  });
}

test('malformed Host values that begin with a loopback name are refused, on pages and API routes', async ({ baseURL }) => {
  const port = Number(new URL(baseURL!).port);
  for (const host of [`localhost:${port}.evil.com`, `127.0.0.1:${port}@evil.com`, `[::1]evil.com`, `[::1]:${port}evil`, `127.0.0.1:${port}, evil.com`, `localhost:0${port}`, `127.0.0.1:`, 'localhost:99999']) {
    for (const path of ['/', '/api/v1/cluster']) {
      const res = await rawSocket(port, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      expect(res.status, `${host} ${path}`).toBe(403);
      expect(res.body).not.toContain('eks.privileged');
    }
  }
  // The probes answer any Host (the kubelet sends the pod IP), but only with their state.
  expect((await rawSocket(port, `GET /healthz HTTP/1.1\r\nHost: localhost:${port}.evil.com\r\nConnection: close\r\n\r\n`)).status).toBe(200);
});

test('an Origin with our host but another scheme or port is foreign', async ({ baseURL }) => {
  const port = Number(new URL(baseURL!).port);
  const host = `127.0.0.1:${port}`;
  const { token } = JSON.parse((await rawRequest(port, '/api/v1/csrf', { Host: host })).body);
  const body = JSON.stringify({ psp: 'eks.privileged', subject: { kind: 'Group', name: 'origin-victim' } });
  for (const origin of [`https://${host}`, `http://127.0.0.1:${port + 1}`, 'http://127.0.0.1', `http://${host}.evil.com`]) {
    const res = await rawRequest(port, '/api/v1/attach?dryRun=true', { Host: host, Origin: origin, 'Content-Type': 'application/json', 'x-csrf-token': token }, 'POST', body);
    expect(res.status, origin).toBe(403);
    expect(res.body).toContain('Cross-origin');
  }
});

test('methods no route serves answer 405, never 500', async ({ baseURL }) => {
  const port = Number(new URL(baseURL!).port);
  const host = `127.0.0.1:${port}`;
  for (const [method, path] of [['PROPFIND', '/api/v1/simulate'], ['SEARCH', '/api/v1/cluster'], ['POST', '/'], ['PUT', '/tree'], ['PROPFIND', '/'], ['DELETE', '/audit']]) {
    const res = await rawSocket(port, `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    expect(res.status, `${method} ${path}`).toBe(405);
    expect(res.head).toMatch(/\r\nallow: /i);
  }
  // Standard methods a route does not export: Next.js's own 405.
  expect((await rawSocket(port, `PATCH /api/v1/cluster HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)).status).toBe(405);
});

// TRACE never reaches proxy.ts (Next.js cannot build a Request for it and answers 500), and a second
// Host header is dropped by Node before Next.js sees it: both are answered in Node by
// installEarlyRefusal (lib/validation/requests.ts), which instrumentation.ts must install.
test('TRACE answers 405 and two Host headers 400, before Next.js', async ({ baseURL }) => {
  const port = Number(new URL(baseURL!).port);
  const host = `127.0.0.1:${port}`;
  for (const path of ['/', '/api/v1/cluster', '/healthz', '/nowhere']) {
    const res = await rawSocket(port, `TRACE ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    expect(res.status, `TRACE ${path}`).toBe(405);
  }
  for (const [a, b] of [['rebind.attacker.example', host], [host, 'rebind.attacker.example'], [host, host]]) {
    const res = await rawSocket(port, `GET /api/v1/cluster HTTP/1.1\r\nHost: ${a}\r\nHost: ${b}\r\nConnection: close\r\n\r\n`);
    expect(res.status, `${a} + ${b}`).toBe(400);
    expect(res.body).not.toContain('eks.privileged');
  }
});

test('malformed pods sent to the simulator are 400s naming the field, never 500s', async ({ baseURL }) => {
  const port = Number(new URL(baseURL!).port);
  const host = `127.0.0.1:${port}`;
  const C = { name: 'a', image: 'x' };
  const specs: [unknown, string][] = [
    [{ containers: [null] }, 'spec.containers[0]: expected an object'],
    [{ containers: [C], volumes: 'x' }, 'spec.volumes: expected a list'],
    [{ containers: [{ ...C, ports: [null] }] }, 'spec.containers[0].ports[0]: expected an object'],
    [{ containers: [{ ...C, securityContext: { capabilities: { drop: 5 } } }] }, 'spec.containers[0].securityContext.capabilities.drop: expected a list'],
  ];
  for (const [spec, error] of specs) {
    const res = await rawRequest(port, '/api/v1/simulate', { Host: host, 'Content-Type': 'application/json' }, 'POST', JSON.stringify({ manifest: { kind: 'Pod', metadata: { name: 'p' }, spec } }));
    expect(res.status, error).toBe(400);
    expect(JSON.parse(res.body).error.message).toContain(error);
  }
  const deep = `{"manifest": {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "a", "securityContext": ${'{"x":'.repeat(10_000)}{}${'}'.repeat(10_000)}}]}}}`;
  const res = await rawRequest(port, '/api/v1/simulate', { Host: host, 'Content-Type': 'application/json' }, 'POST', deep);
  expect(res.status).toBe(400);
  expect(JSON.parse(res.body).error.message).toContain('nested deeper than 64 levels');
});
