/**
 * Local safety against the running server itself (proxy.ts and the route guards): a foreign Host
 * is refused on every path (DNS rebinding), and so are cross-origin or token-less changes.
 */
import { expect, test } from '@playwright/test';
import http from 'node:http';

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
