/**
 * The audit on a real kube-apiserver v1.24 read through the live source: the demo's findings, a fix
 * applied through the mutation route, and the kubectl JSON patch of a fix accepted by the server
 * (and refused once the subject list no longer matches, instead of removing someone else).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestCluster } from '../testenv/cluster';
import { csrfToken } from '../lib/server/csrf';
import type { AuditReport } from '../lib/audit/types';
import type { RawObject } from '../lib/sources/to-model';
import { GET as audit } from '../app/api/v1/audit/route';
import { DELETE as deleteBinding } from '../app/api/v1/bindings/[kind]/[name]/route';
import { clusterAvailable, demoObjects, until } from './support';
import { startLiveDashboard } from './live-dashboard';

const run = clusterAvailable('1.24');

/** A second grant of eks.privileged, to a user and to every service account. */
const PRIVILEGED_FOR_TWO: RawObject = {
  apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'privileged-for-two' },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'eks:podsecuritypolicy:privileged' },
  subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:serviceaccounts' }],
};

async function report(): Promise<AuditReport> {
  return (await audit(new Request('http://127.0.0.1:3000/api/v1/audit'))).json();
}

/** The argument of `-p '…'` in a kubectl patch command. */
function patchOf(kubectl: string): unknown {
  const m = kubectl.match(/ -p '(.*)'$/);
  if (!m) throw new Error(`no patch in ${kubectl}`);
  return JSON.parse(m[1]);
}

describe.runIf(run)('the audit on kube-apiserver v1.24', () => {
  let cluster: TestCluster;
  let close: () => Promise<void> = async () => {};

  beforeAll(async () => {
    ({ cluster, close } = await startLiveDashboard('1.24', 'admin', [...demoObjects(), PRIVILEGED_FOR_TWO]));
  });
  afterAll(() => close());

  it('finds both broad grants of eks.privileged, critical, with their chains', async () => {
    const critical = (await report()).findings.filter((f) => f.severity === 'critical');
    expect(critical.map((f) => f.title).sort()).toEqual(['eks.privileged usable by system:authenticated', 'eks.privileged usable by system:serviceaccounts']);
    expect(critical.find((f) => f.title.endsWith('system:serviceaccounts'))!.evidence[0]).toMatchObject({
      subject: 'Group//system:serviceaccounts', binding: 'ClusterRoleBinding//privileged-for-two', role: 'ClusterRole//eks:podsecuritypolicy:privileged',
    });
  });

  it("a fix's kubectl patch is accepted by the server, and refused when replayed on a changed subject list", async () => {
    const fix = (await report()).findings.find((f) => f.title === 'eks.privileged usable by system:serviceaccounts')!.fix!;
    expect(fix.request.path).toBe('/api/v1/bindings/ClusterRoleBinding/privileged-for-two/subjects');
    const path = '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/privileged-for-two';
    const patch = patchOf(fix.kubectl!);
    const applied = await cluster.request('admin', 'PATCH', path, patch, { 'Content-Type': 'application/json-patch+json' });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect(applied.body.subjects.map((s: { name: string }) => s.name)).toEqual(['alice']);
    const replayed = await cluster.request('admin', 'PATCH', path, patch, { 'Content-Type': 'application/json-patch+json' });
    expect(replayed.status).not.toBe(200);
    expect((await cluster.request('admin', 'GET', path)).body.subjects.map((s: { name: string }) => s.name)).toEqual(['alice']);
    await until('the audit to drop the system:serviceaccounts finding', 5_000, async () =>
      (await report()).findings.some((f) => f.title.endsWith('system:serviceaccounts')) ? undefined : true);
  });

  it('the critical fix through the mutation route (dry-run by the server, then applied) clears the finding', async () => {
    const fix = (await report()).findings.find((f) => f.title === 'eks.privileged usable by system:authenticated')!.fix!;
    const url = `http://127.0.0.1:3000${fix.request.path}?confirm=true`;
    const res = await deleteBinding(
      new Request(url, { method: fix.request.method, headers: { host: '127.0.0.1:3000', 'x-csrf-token': csrfToken() } }),
      { params: Promise.resolve({ kind: 'ClusterRoleBinding', name: 'eks:podsecuritypolicy:authenticated' }) },
    );
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.serverDryRun).toBe(true);
    expect((await cluster.request('admin', 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/eks:podsecuritypolicy:authenticated')).status).toBe(404);
    const after = (await until('the audit to drop the critical finding', 5_000, async () => {
      const r = await report();
      return r.summary.critical === 0 ? r : undefined;
    })).value;
    // alice keeps eks.privileged; no workload's identity is alice, so every workload is now refused.
    expect(after.workloads.refused).toBe(after.workloads.simulated);
  });
});
