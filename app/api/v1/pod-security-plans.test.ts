/**
 * The migration plan routes over the demo source: validated, previewed with dryRun (the prediction
 * of the server's warnings included), applied to the in-memory copy, exported as pending changes.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { FileSource } from '@/lib/server/sources/file';
import { setSourceForTests } from '@/lib/server/sources/registry';
import { csrfToken } from '@/lib/server/csrf';
import { DEMO_PATH } from '@/lib/testing/demo';
import { POST as copy } from './pod-security/plans/copy/route';
import { POST as label } from './pod-security/plans/label/route';
import { POST as bypass } from './pod-security/plans/bypass/route';
import { POST as cleanup } from './pod-security/plans/cleanup/route';
import { GET as overview } from './pod-security/plans/route';
import { GET as pending } from './pending/route';

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

function call(handler: unknown, path: string, body: unknown) {
  const req = new Request(`http://127.0.0.1:3000${path}`, {
    method: 'POST', headers: { host: '127.0.0.1:3000', 'content-type': 'application/json', 'x-csrf-token': csrfToken() }, body: JSON.stringify(body),
  });
  return (handler as Handler)(req, { params: Promise.resolve({}) });
}

describe('migration plan routes on the demo', () => {
  beforeEach(() => setSourceForTests(new FileSource(DEMO_PATH, 'demo', false), { source: { kind: 'demo', reason: 'asked' }, readOnly: false }));

  it('the overview: what the plans offer on the demo', async () => {
    const o = await (await overview(new Request('http://x/api/v1/pod-security/plans'))).json();
    expect(o).toMatchObject({ pspApiServed: true, pinnedVersion: 'v1.24', bypassPsps: ['eks.privileged'], cleanup: 0 });
    expect(o.mutating.every((m: { copy: string; psp: string }) => m.copy === `0-${m.psp}`)).toBe(true);
  });

  it('label: the preview has all six pinned labels and the prediction; applying is a pending change', async () => {
    const body = { namespace: 'shop', level: 'baseline', phase: 'audit' };
    const preview = await call(label, '/api/v1/pod-security/plans/label?dryRun=true', body);
    expect(preview.status).toBe(200);
    const plan = await preview.json();
    expect(plan.operations.map((o: { action: string; kind: string; name: string }) => `${o.action} ${o.kind} ${o.name}`)).toEqual(['update Namespace shop']);
    expect(plan.operations[0].diff).toContain('+     pod-security.kubernetes.io/audit: baseline');
    expect(plan.operations[0].diff).toContain('+     pod-security.kubernetes.io/enforce-version: v1.24');
    expect(plan.predictedServerWarnings).toEqual([]);
    expect((await call(label, '/api/v1/pod-security/plans/label', body)).status).toBe(200);
    const p = await (await pending(new Request('http://127.0.0.1:3000/api/v1/pending'))).json();
    expect(p.yaml).toContain('pod-security.kubernetes.io/warn: baseline');
    expect(p.kubectl).toContain('kind: Namespace');
  });

  it('bad input is a 400 naming the field, and nothing changes', async () => {
    for (const body of [{ namespace: 'shop', level: 'strict', phase: 'audit' }, { namespace: 'shop', level: 'baseline', phase: 'audit', version: 'v2' }, { namespace: 'Shop!', level: 'baseline', phase: 'enforce' }, { namespace: 'shop', level: 'baseline' }]) {
      const r = await call(label, '/api/v1/pod-security/plans/label', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
    expect((await call(label, '/api/v1/pod-security/plans/label', { namespace: 'nope', level: 'baseline', phase: 'audit' })).status).toBe(404);
    expect((await call(cleanup, '/api/v1/pod-security/plans/cleanup', { extra: 1 })).status).toBe(400);
    const p = await (await pending(new Request('http://127.0.0.1:3000/api/v1/pending'))).json();
    expect(p.history).toEqual([]);
  });

  it('bypass needs an enforced level (409 until acknowledged); cleanup is refused while PSP is served; copy of a PSP with nothing to drop is a no-op', async () => {
    const b = await call(bypass, '/api/v1/pod-security/plans/bypass?dryRun=true', { namespace: 'shop', psp: 'eks.privileged' });
    expect(b.status).toBe(409);
    expect((await b.json()).error.details.field).toBe('acknowledgeRisk');
    await call(label, '/api/v1/pod-security/plans/label', { namespace: 'shop', level: 'privileged', version: 'v1.24', phase: 'enforce' });
    const ok = await (await call(label, '/api/v1/pod-security/plans/label?dryRun=true', { namespace: 'analytics', level: 'baseline', phase: 'audit' })).json();
    expect(ok.summary).toMatch(/audit and warn at Pod Security baseline:v1.24 in namespace analytics/);
    expect((await call(cleanup, '/api/v1/pod-security/plans/cleanup?dryRun=true', {})).status).toBe(409);
    const c = await (await call(copy, '/api/v1/pod-security/plans/copy?dryRun=true', { psp: 'eks.privileged' })).json();
    expect(c.noop).toMatch(/no copy is needed/);
  });
});
