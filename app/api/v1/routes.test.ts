/**
 * The read routes, called as Next calls them (a Request in, a Response out), over the demo and
 * snapshot sources: status codes, validation errors, and the error body shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileSource } from '@/lib/server/sources/file';
import { setSourceForTests } from '@/lib/server/sources/registry';
import { DEMO_PATH } from '@/lib/testing/demo';
import { GET as getGraph } from './graph/route';
import { GET as getCluster } from './cluster/route';
import { GET as getPsps } from './psps/route';
import { GET as getTree } from './tree/route';
import { GET as getObject } from './objects/route';

const req = (p: string) => new Request(`http://127.0.0.1:3000${p}`);

describe('read routes on the demo cluster', () => {
  beforeAll(() => setSourceForTests(new FileSource(DEMO_PATH, 'demo', false), { source: { kind: 'demo', reason: 'asked' }, readOnly: false }));

  it('GET /api/v1/cluster: source, counts', async () => {
    const body = await (await getCluster(new Request('http://127.0.0.1:3000/api/v1/cluster'))).json();
    expect(body.source).toMatchObject({ kind: 'demo', name: 'demo', pspApiServed: true });
    expect(body.counts).toMatchObject({ podSecurityPolicies: 1, clusterRoles: 2, clusterRoleBindings: 2 });
    expect(body.namespaces).toContain('kube-system');
  });

  it('GET /api/v1/psps: the table row of eks.privileged', async () => {
    const body = await (await getPsps(new Request('http://x/api/v1/psps'))).json();
    expect(body.psps[0]).toMatchObject({ name: 'eks.privileged', priv: true, caps: '*', selinux: 'RunAsAny', volumes: '*', isPrivileged: true });
  });

  it('GET /api/v1/graph with filters', async () => {
    const body = await (await getGraph(req('/api/v1/graph?wildcard=false&psp=eks.privileged'))).json();
    expect(body.nodes.map((n: { id: string }) => n.id)).toEqual([
      'PodSecurityPolicy//eks.privileged', 'ClusterRole//eks:podsecuritypolicy:privileged',
      'ClusterRoleBinding//eks:podsecuritypolicy:authenticated', 'Group//system:authenticated',
    ]);
  });

  it.each([
    ['/api/v1/graph?wildcard=maybe', 'wildcard'],
    ['/api/v1/graph?limit=3', 'limit'],
    ['/api/v1/graph?bogus=1', 'bogus'],
    ['/api/v1/graph?q=a&q=b', '"q" is given more than once'],
    ['/api/v1/tree?all=yes', 'all'],
    ['/api/v1/objects', 'id'],
  ])('GET %s is a 400 naming the problem', async (url, fragment) => {
    const route = url.startsWith('/api/v1/tree') ? getTree : url.startsWith('/api/v1/objects') ? getObject : getGraph;
    const res = await route(req(url));
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe('invalid');
    expect(body.error.message).toContain(fragment);
  });

  it('GET /api/v1/tree is text/plain', async () => {
    const res = await getTree(req('/api/v1/tree?all=true'));
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toContain('(wildcard)');
  });

  it('GET /api/v1/objects: details and YAML; 404 for unknown ids', async () => {
    const body = await (await getObject(req(`/api/v1/objects?id=${encodeURIComponent('ClusterRoleBinding//eks:podsecuritypolicy:authenticated')}`))).json();
    expect(body.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' }]);
    expect(body.yaml).toContain('kind: ClusterRoleBinding');
    const missing = await getObject(req('/api/v1/objects?id=Role/nowhere/nothing'));
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('not_found');
  });
});

describe('read routes on a malformed snapshot', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pspd-snap-'));
    writeFileSync(path.join(dir, 'a.yaml'), 'kind: Namespace\nmetadata: {name: ok}\n');
    writeFileSync(path.join(dir, 'b.yaml'), 'kind: Namespace\nmetadata: {name: ok2}\n---\nkind: ClusterRoleBinding\nmetadata: {name: x}\n');
    setSourceForTests(new FileSource(dir, 'snapshot', true), { source: { kind: 'snapshot', path: dir }, readOnly: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers with an error naming the file and the document, not a stack trace', async () => {
    const res = await getGraph(req('/api/v1/graph'));
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body.error.code).toBe('source_error');
    expect(body.error.message).toMatch(/b\.yaml, document 2: ClusterRoleBinding is invalid: roleRef/);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
  });
});
