/**
 * GET /api/v1/audit on the demo cluster (EKS as shipped), and the proof that its fixes are requests
 * the mutation API accepts: the critical finding's fix, previewed and applied, removes the grant.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { FileSource } from '@/lib/server/sources/file';
import { setSourceForTests } from '@/lib/server/sources/registry';
import { csrfToken } from '@/lib/server/csrf';
import { DEMO_PATH } from '@/lib/testing/demo';
import type { AuditReport, FixRequest } from '@/lib/audit/types';
import { GET as audit } from './audit/route';
import { DELETE as deleteBinding } from './bindings/[kind]/[name]/route';
import { POST as attach } from './attach/route';

const get = (q = '') => audit(new Request(`http://127.0.0.1:3000/api/v1/audit${q}`));

function useDemo(readOnly = false) {
  setSourceForTests(new FileSource(DEMO_PATH, 'demo', readOnly), { source: { kind: 'demo', reason: 'asked' }, readOnly });
}

/** Sends a fix request the way the change dialog does, to the route its path names. */
function sendFix(request: FixRequest, query: string) {
  const url = new URL(`http://127.0.0.1:3000${request.path}`);
  for (const [k, v] of new URLSearchParams(query)) url.searchParams.set(k, v);
  const [, , , , kind, name] = url.pathname.split('/');
  const req = new Request(url, { method: request.method, headers: { host: '127.0.0.1:3000', 'x-csrf-token': csrfToken() } });
  return deleteBinding(req, { params: Promise.resolve({ kind, name: decodeURIComponent(name) }) });
}

describe('GET /api/v1/audit on the demo cluster', () => {
  beforeEach(() => useDemo());

  it('JSON: the critical finding "eks.privileged usable by system:authenticated", its chain and its fix', async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const report: AuditReport = await res.json();
    expect(report.source.kind).toBe('demo');
    expect(Date.parse(report.generatedAt!)).not.toBeNaN();
    const [first] = report.findings;
    expect(first).toMatchObject({ severity: 'critical', rule: 'privileged-psp-broad-grant', title: 'eks.privileged usable by system:authenticated' });
    expect(first.evidence[0]).toMatchObject({
      subject: 'Group//system:authenticated', binding: 'ClusterRoleBinding//eks:podsecuritypolicy:authenticated',
      role: 'ClusterRole//eks:podsecuritypolicy:privileged', ruleIndex: 0, psp: 'PodSecurityPolicy//eks.privileged',
    });
    expect(first.fix?.request).toEqual({ method: 'DELETE', path: '/api/v1/bindings/ClusterRoleBinding/eks%3Apodsecuritypolicy%3Aauthenticated' });
    expect(first.fix?.impact?.refusedAfter).toContain('DaemonSet/kube-system/kube-proxy');
  });

  it('the fix is a request the mutation API takes: previewed, confirmed (EKS owns that binding), applied; the finding is gone', async () => {
    const fix = (await (await get()).json() as AuditReport).findings[0].fix!;
    const unconfirmed = await sendFix(fix.request, 'dryRun=true');
    expect(unconfirmed.status).toBe(409);
    expect((await unconfirmed.json()).error.details.field).toBe('confirm');
    const preview = await (await sendFix(fix.request, 'dryRun=true&confirm=true')).json();
    expect(preview.operations.map((o: { action: string; kind: string; name: string }) => `${o.action} ${o.kind} ${o.name}`)).toEqual(['delete ClusterRoleBinding eks:podsecuritypolicy:authenticated']);
    expect((await sendFix(fix.request, 'confirm=true')).status).toBe(200);
    const after: AuditReport = await (await get()).json();
    expect(after.findings.filter((f) => f.severity === 'critical')).toEqual([]);
    // As the impact said: nothing may use eks.privileged now, so every workload would be refused.
    expect(after.workloads.refused).toBe(after.workloads.simulated);
    const refused = after.findings.filter((f) => f.rule === 'workload-refused');
    expect(refused.map((f) => f.title).sort()).toEqual([
      '2 workloads in analytics would be refused', '2 workloads in ci would be refused', '3 workloads in shop would be refused', '4 workloads in kube-system would be refused',
    ]);
    // One attach per namespace gives them back eks.privileged, the only PSP there is (and the fix says it is privileged).
    const kubeSystem = refused.find((f) => f.title.includes('kube-system'))!;
    expect(kubeSystem.fix?.request.body).toMatchObject({ psp: 'eks.privileged', namespace: 'kube-system', workloads: { namespace: 'kube-system', items: expect.arrayContaining([{ kind: 'DaemonSet', name: 'aws-node' }]) } });
    expect(kubeSystem.fix?.description).toContain('is privileged');
    // That fix is an attach the route takes: applied, kube-system's workloads are admitted again.
    const { method, path, body } = kubeSystem.fix!.request;
    const res = await attach(new Request(`http://127.0.0.1:3000${path}`, { method, headers: { host: '127.0.0.1:3000', 'content-type': 'application/json', 'x-csrf-token': csrfToken() }, body: JSON.stringify(body) }), { params: Promise.resolve({}) });
    expect(res.status).toBe(200);
    const fixed: AuditReport = await (await get()).json();
    expect(fixed.findings.map((f) => f.title)).not.toContain('4 workloads in kube-system would be refused');
    expect(fixed.workloads.refused).toBe(after.workloads.refused - 4);
  });

  it('Markdown and CSV exports', async () => {
    const md = await get('?format=md');
    expect(md.headers.get('content-type')).toContain('text/markdown');
    expect(await md.text()).toContain('### eks.privileged usable by system:authenticated');
    const csv = await get('?format=csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).split('\r\n');
    expect(lines[0]).toBe('severity,rule,title,detail,evidence,fix,fix_method,fix_path,fix_body,fix_kubectl,refused_after_fix,id');
    expect(lines[1]).toMatch(/^critical,privileged-psp-broad-grant,eks\.privileged usable by system:authenticated,/);
  });

  it('controllers without their own credentials: the same grant, seen through system:kube-controller-manager', async () => {
    const report: AuditReport = await (await get('?useServiceAccountCredentials=false')).json();
    expect(report.useServiceAccountCredentials).toBe(false);
    expect(report.findings[0].title).toBe('eks.privileged usable by system:authenticated');
  });

  it.each([['?format=xml', 'format'], ['?formats=json', 'formats'], ['?format=md&format=csv', 'more than once']])('400 for %s', async (q, fragment) => {
    const res = await get(q);
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain(fragment);
  });

  it('answers in read-only mode too: the audit reads only', async () => {
    useDemo(true);
    expect((await get()).status).toBe(200);
  });
});
