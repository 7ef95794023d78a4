/**
 * GET/POST /api/v1/contexts and the context a request reads: one cluster (demo) has no picker; a
 * kubeconfig of two contexts lists them by name only, selects one per browser (cookie), refuses an
 * unknown one with nothing changed, and a change prepared on one context is refused after a switch.
 * The kubeconfig's servers do not answer: nothing here reads a cluster.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSource } from '@/lib/server/sources/file';
import { openSourcesForTests, setSourceForTests, sourceOf } from '@/lib/server/sources/registry';
import { csrfToken } from '@/lib/server/csrf';
import { DEMO_PATH } from '@/lib/testing/demo';
import { GET as contexts, POST as select } from './contexts/route';
import { GET as cluster } from './cluster/route';
import { POST as attach } from './attach/route';

const HOST = '127.0.0.1:3000';
const SECRET = 'sekret-token-do-not-leak';

function call(handler: unknown, method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}) {
  const h: Record<string, string> = { host: HOST, 'content-type': 'application/json', 'x-csrf-token': csrfToken(), ...headers };
  for (const [k, v] of Object.entries(h)) if (v === '') delete h[k];
  return (handler as (req: Request, ctx: unknown) => Promise<Response>)(new Request(`http://${HOST}${urlPath}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) }), { params: Promise.resolve({}) });
}

function twoContextKubeconfig(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pspd-contexts-'));
  const file = path.join(dir, 'kubeconfig');
  writeFileSync(file, `apiVersion: v1
kind: Config
current-context: alpha
clusters:
- name: cluster-alpha
  cluster: { server: "https://127.0.0.1:1", insecure-skip-tls-verify: true }
- name: cluster-beta
  cluster: { server: "https://127.0.0.1:2", insecure-skip-tls-verify: true }
users:
- name: admin-alpha
  user: { token: ${SECRET} }
- name: admin-beta
  user: { token: ${SECRET} }
contexts:
- name: alpha
  context: { cluster: cluster-alpha, user: admin-alpha }
- name: beta team
  context: { cluster: cluster-beta, user: admin-beta, namespace: team-b }
- name: broken
  context: { cluster: nowhere, user: admin-beta }
`);
  return file;
}

describe('/api/v1/contexts with one cluster (demo)', () => {
  beforeAll(() => setSourceForTests(new FileSource(DEMO_PATH, 'demo', false), { source: { kind: 'demo', reason: 'asked' }, readOnly: false }));

  it('lists nothing to switch to, and selecting is a 400 that sets no cookie', async () => {
    expect(await (await call(contexts, 'GET', '/api/v1/contexts')).json()).toEqual({ switchable: false, contexts: [] });
    const res = await call(select, 'POST', '/api/v1/contexts', { context: 'alpha' });
    expect(res.status).toBe(400);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('a context header is ignored where there is one cluster', async () => {
    expect((await call(cluster, 'GET', '/api/v1/cluster', undefined, { 'x-pspd-context': 'nope' })).status).toBe(200);
  });
});

describe('/api/v1/contexts with a kubeconfig of two contexts', () => {
  const kubeconfig = twoContextKubeconfig();
  beforeAll(() => openSourcesForTests({ source: { kind: 'live', kubeconfig }, readOnly: false, auth: 'kubeconfig' }));
  afterAll(() => setSourceForTests(new FileSource(DEMO_PATH, 'demo', false), { source: { kind: 'demo', reason: 'asked' }, readOnly: false }));

  it('lists the contexts by name, never a server URL or credential', async () => {
    const res = await call(contexts, 'GET', '/api/v1/contexts');
    const text = await res.text();
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toContain(SECRET);
    expect(JSON.parse(text)).toEqual({
      switchable: true,
      selected: 'alpha',
      contexts: [
        // Its API server does not answer: the state (and a reason, once it has one) may be any.
        expect.objectContaining({ name: 'alpha', cluster: 'cluster-alpha', user: 'admin-alpha', current: true, start: true, selected: true, state: expect.any(String) }),
        { name: 'beta team', cluster: 'cluster-beta', user: 'admin-beta', namespace: 'team-b', current: false, start: false, selected: false, state: 'not-started' },
        { name: 'broken', cluster: 'nowhere', user: 'admin-beta', current: false, start: false, selected: false, state: 'not-started' },
      ],
    });
  });

  it('selects a context for this browser (a cookie), read-only or not: it changes no cluster', async () => {
    const res = await call(select, 'POST', '/api/v1/contexts', { context: 'beta team' });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^pspd_context_3000=beta%20team; Path=\/; Max-Age=\d+; SameSite=Strict$/);
    expect((await res.json()).selected).toBe('beta team');
    const withCookie = { cookie: cookie.split(';')[0] };
    expect((await (await call(contexts, 'GET', '/api/v1/contexts', undefined, withCookie)).json()).selected).toBe('beta team');
    expect(sourceOf(new Headers({ host: HOST, ...withCookie })).connection?.().info.context).toBe('beta team');
    expect(sourceOf(new Headers({ host: HOST })).connection?.().info.context).toBe('alpha');
  });

  it('an unknown context is a 404 that sets no cookie; a bad body a 400', async () => {
    const unknown = await call(select, 'POST', '/api/v1/contexts', { context: 'gamma' });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('set-cookie')).toBeNull();
    expect((await call(select, 'POST', '/api/v1/contexts', {})).status).toBe(400);
    expect((await call(select, 'POST', '/api/v1/contexts', { context: 'alpha', extra: 1 })).status).toBe(400);
  });

  it('is checked like every change: CSRF token, Host, Origin', async () => {
    for (const headers of <Record<string, string>[]>[{ 'x-csrf-token': '' }, { 'x-csrf-token': 'wrong' }, { host: 'evil.example:3000' }, { origin: 'http://evil.example' }]) {
      const res = await call(select, 'POST', '/api/v1/contexts', { context: 'alpha' }, headers);
      expect(res.status).toBe(403);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
  });

  it('a stale cookie falls back to the start context; a page header naming no context is a 400', async () => {
    expect(sourceOf(new Headers({ host: HOST, cookie: 'pspd_context_3000=gone' })).connection?.().info.context).toBe('alpha');
    const res = await call(cluster, 'GET', '/api/v1/cluster', undefined, { 'x-pspd-context': 'gone' });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain('no context "gone"');
  });

  it('a context that cannot be opened fails alone: a 503 that says why, and the listing says so too', async () => {
    const res = await call(cluster, 'GET', '/api/v1/cluster', undefined, { 'x-pspd-context': 'broken' });
    expect(res.status).toBe(503);
    expect((await res.json()).error.message).toMatch(/^Kubeconfig context "broken" cannot be opened: .*names no cluster/);
    const listed = (await (await call(contexts, 'GET', '/api/v1/contexts')).json()).contexts;
    expect(listed.find((c: { name: string }) => c.name === 'broken')).toMatchObject({ state: 'failed', reason: expect.stringContaining('cannot be opened') });
    expect(listed.find((c: { name: string }) => c.name === 'alpha').state).not.toBe('failed');
  });

  it('a change prepared on one context is refused (409) once another is selected, before anything is read', async () => {
    const body = { psp: 'p', subject: { kind: 'Group', name: 'g' } };
    const res = await call(attach, 'POST', '/api/v1/attach?dryRun=true', body, { 'x-pspd-context': 'alpha', cookie: 'pspd_context_3000=beta%20team' });
    expect(res.status).toBe(409);
    const { error } = await res.json();
    expect(error.message).toContain('prepared on context "alpha", but context "beta team" is selected now: nothing was changed');
    expect(error.details).toEqual({ context: 'beta team', pageContext: 'alpha' });
  });

  it('read-only: selecting is still allowed, changes are not', async () => {
    openSourcesForTests({ source: { kind: 'live', kubeconfig }, readOnly: true, auth: 'kubeconfig' });
    expect((await call(select, 'POST', '/api/v1/contexts', { context: 'beta team' })).status).toBe(200);
    expect((await call(attach, 'POST', '/api/v1/attach?dryRun=true', { psp: 'p', subject: { kind: 'Group', name: 'g' } })).status).toBe(403);
  });

  it('only as the kubeconfig\'s user: sign-in and auth-proxy modes show one cluster', async () => {
    for (const auth of ['session', 'header'] as const) {
      openSourcesForTests({ source: { kind: 'live', kubeconfig }, readOnly: false, auth });
      expect((await (await call(contexts, 'GET', '/api/v1/contexts')).json()).switchable).toBe(false);
      expect((await call(select, 'POST', '/api/v1/contexts', { context: 'alpha' })).status).toBe(400);
    }
  });
});
