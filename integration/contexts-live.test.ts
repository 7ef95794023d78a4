/**
 * Switching kubeconfig context (issue 11 #17) on two real API servers: one kubeconfig whose context
 * "old" is a v1.24 cluster (PSP API) and "current" a v1.37 one. The dashboard starts on "old"; after
 * the browser selects "current" it serves the v1.37 cluster's objects while "old" keeps its warm
 * cache, writes land in the selected cluster only, as that context's user, and a change previewed
 * on "old" is refused when applied after the switch.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../testenv/cluster';
import { contextSources, openSourcesForTests, setSourceForTests, sourceOf, startSource } from '../lib/server/sources/registry';
import { FileSource } from '../lib/server/sources/file';
import { csrfToken } from '../lib/server/csrf';
import { DEMO_PATH } from '../lib/testing/demo';
import { GET as getCluster } from '../app/api/v1/cluster/route';
import { GET as getObject } from '../app/api/v1/objects/route';
import { GET as getPsps } from '../app/api/v1/psps/route';
import { GET as getContexts, POST as selectContext } from '../app/api/v1/contexts/route';
import { DELETE as deleteBinding } from '../app/api/v1/bindings/[kind]/[name]/route';
import { clusterAvailable, createObjects, kubeconfigOfClusters, until } from './support';

const run = clusterAvailable('1.24') && clusterAvailable('current');
const HOST = '127.0.0.1:3000';

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** A browser request: its page's context (header) and the picker's cookie, as lib/client/api.ts sends them. */
function call(handler: unknown, method: string, urlPath: string, browser: { page?: string; cookie?: string }, params: Record<string, string> = {}) {
  const headers: Record<string, string> = { host: HOST, 'content-type': 'application/json', 'x-csrf-token': csrfToken() };
  if (browser.page) headers['x-pspd-context'] = encodeURIComponent(browser.page);
  if (browser.cookie) headers.cookie = browser.cookie;
  return (handler as Handler)(new Request(`http://${HOST}${urlPath}`, { method, headers }), { params: Promise.resolve(params) });
}

const binding = (name: string) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
  subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'team-x' }],
});
const role = (name: string) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules: [] });

describe.runIf(run)('kubeconfig contexts on two real API servers (v1.24 and v1.37)', () => {
  let old: TestCluster;
  let current: TestCluster;

  beforeAll(async () => {
    [old, current] = await Promise.all([startCluster({ version: '1.24' }), startCluster({ version: 'current' })]);
    await Promise.all([
      createObjects(old, [role('only-in-old'), binding('in-both'), binding('previewed')]),
      createObjects(current, [role('only-in-current'), binding('in-both'), binding('previewed')]),
    ]);
    // Started on "old" (--context old) although the kubeconfig's current-context is "current".
    openSourcesForTests({ source: { kind: 'live', kubeconfig: kubeconfigOfClusters({ old, current }, 'current'), context: 'old' }, readOnly: false, auth: 'kubeconfig' });
    await startSource().readModel();
  });

  afterAll(async () => {
    setSourceForTests(new FileSource(DEMO_PATH, 'demo', false), { source: { kind: 'demo', reason: 'asked' }, readOnly: false });
    await Promise.all([old?.stop(), current?.stop()]);
  });

  let cookie = '';

  it('starts on "old" only: "current" is listed, not opened', async () => {
    const view = await (await call(getContexts, 'GET', '/api/v1/contexts', {})).json();
    expect(view.selected).toBe('old');
    expect(view.contexts.map((c: { name: string; start: boolean; current: boolean; state: string }) => [c.name, c.start, c.current, c.state])).toEqual([
      ['old', true, false, 'live'],
      ['current', false, true, 'not-started'],
    ]);
    const cluster = await (await call(getCluster, 'GET', '/api/v1/cluster', {})).json();
    expect(cluster.source.serverVersion).toBe(old.serverVersion);
    expect(cluster.source.name).toBe('old');
  });

  it('after selecting "current" it serves the v1.37 cluster\'s objects', async () => {
    const selected = await selectContext(new Request(`http://${HOST}/api/v1/contexts`, {
      method: 'POST', headers: { host: HOST, 'content-type': 'application/json', 'x-csrf-token': csrfToken() }, body: JSON.stringify({ context: 'current' }),
    }));
    expect(selected.status).toBe(200);
    cookie = selected.headers.get('set-cookie')!.split(';')[0];
    const browser = { cookie };
    const { value: cluster } = await until('the v1.37 cluster read', 60_000, async () => {
      const body = await (await call(getCluster, 'GET', '/api/v1/cluster', browser)).json();
      return body.source?.state === 'live' ? body : undefined;
    });
    expect(cluster.source.serverVersion).toBe(current.serverVersion);
    expect(cluster.source.pspApiServed).toBe(false);
    expect((await call(getObject, 'GET', `/api/v1/objects?id=${encodeURIComponent('ClusterRole//only-in-current')}`, browser)).status).toBe(200);
    expect((await call(getObject, 'GET', `/api/v1/objects?id=${encodeURIComponent('ClusterRole//only-in-old')}`, browser)).status).toBe(404);
    expect(await (await call(getPsps, 'GET', '/api/v1/psps', browser)).json()).toEqual({ pspApiServed: false, psps: [] });
  });

  it('"old" keeps its cache warm: the same source, live, and a tab still showing "old" reads it', async () => {
    const oldSource = sourceOf(new Headers({ host: HOST }));
    expect(oldSource).toBe(startSource());
    expect(contextSources()!.stateOf('old')).toBe('live');
    const revision = oldSource.revision();
    const body = await (await call(getCluster, 'GET', '/api/v1/cluster', { page: 'old', cookie })).json();
    expect(body.source.serverVersion).toBe(old.serverVersion);
    expect(oldSource.revision()).toBe(revision);
    expect((await call(getObject, 'GET', `/api/v1/objects?id=${encodeURIComponent('ClusterRole//only-in-old')}`, { page: 'old', cookie })).status).toBe(200);
    expect(contextSources()!.list().map((c) => c.state)).toEqual(['live', 'live']);
  });

  it('a write lands in the selected cluster only, as that context\'s user', async () => {
    const res = await call(deleteBinding, 'DELETE', '/api/v1/bindings/ClusterRoleBinding/in-both?confirm=true', { page: 'current', cookie }, { kind: 'ClusterRoleBinding', name: 'in-both' });
    expect(res.status).toBe(200);
    expect((await res.json()).performed).toEqual([{ action: 'delete', kind: 'ClusterRoleBinding', name: 'in-both' }]);
    expect((await current.request('admin', 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/in-both')).status).toBe(404);
    expect((await old.request('admin', 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/in-both')).status).toBe(200);
    const deletes = (cluster: TestCluster) => readFileSync(cluster.auditLogPath, 'utf8').split('\n').filter(Boolean)
      .map((l) => JSON.parse(l) as { verb: string; user: { username: string }; objectRef?: { resource?: string; name?: string } })
      .filter((e) => e.verb === 'delete' && e.objectRef?.resource === 'clusterrolebindings' && e.objectRef.name === 'in-both');
    expect(deletes(current).map((e) => e.user.username)).toContain('admin');
    expect(deletes(old)).toEqual([]);
  });

  it('a change previewed on "old" and applied after switching to "current" is refused, and nothing changes', async () => {
    const params = { kind: 'ClusterRoleBinding', name: 'previewed' };
    const url = '/api/v1/bindings/ClusterRoleBinding/previewed?confirm=true';
    const oldCookie = `${cookie.split('=')[0]}=old`;
    const preview = await call(deleteBinding, 'DELETE', `${url}&dryRun=true`, { page: 'old', cookie: oldCookie }, params);
    expect(preview.status).toBe(200);
    expect((await preview.json()).dryRun).toBe(true);
    // Another tab selects "current"; the dialog on "old" confirms.
    const apply = await call(deleteBinding, 'DELETE', url, { page: 'old', cookie }, params);
    expect(apply.status).toBe(409);
    expect((await apply.json()).error.message).toContain('prepared on context "old", but context "current" is selected now');
    for (const cluster of [old, current]) {
      expect((await cluster.request('admin', 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/previewed')).status).toBe(200);
    }
  });
});
