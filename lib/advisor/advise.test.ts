import { describe, expect, it } from 'vitest';
import { aClusterRole, aClusterRoleBinding, aModel, aPsp, group, useRule } from '../testing/builders';
import type { Binding, Role } from '../model/types';
import { demoModel } from '../testing/demo';
import type { Workload } from '../model/types';
import { advise, topLevelWorkloads } from './advise';
import { generateWorkloads, workload } from './testing';

const adviseFor = (workloads: Workload[], model = aModel({ workloads })) => advise(model, workloads, { name: 'proposal' });

/** The built-in proof holds: every workload admitted by the proposal, unchanged; every allowance needed. */
function expectProven(a: ReturnType<typeof adviseFor>) {
  for (const x of a.admits) expect(x, x.workload).toMatchObject({ allowed: true, psp: a.psp.metadata.name, mutated: false, mutations: [] });
  expect(a.minimality.filter((m) => !m.ok)).toEqual([]);
}

describe('the demo namespaces', () => {
  const model = demoModel();
  it.each(['kube-system', 'shop', 'ci'])('%s: a proposal every workload gets, unchanged, with no allowance to spare', (ns) => {
    const a = advise(model, topLevelWorkloads(model, ns), { name: `advised-${ns}` });
    expect(a.admits.length).toBeGreaterThan(0);
    expectProven(a);
    expect(a.existing).toMatchObject({ psp: 'eks.privileged', sufficient: false });
    expect(a.existing?.diff).toContain('- ');
  });

  it('kube-system: exactly what aws-node, kube-proxy and coredns use', () => {
    const a = advise(model, topLevelWorkloads(model, 'kube-system'), { name: 'advised-kube-system' });
    expect(a.psp.spec).toMatchObject({
      privileged: true, hostNetwork: true, hostPID: false, hostIPC: false,
      hostPorts: [{ min: 61678, max: 61678 }],
      allowedCapabilities: ['NET_ADMIN', 'NET_BIND_SERVICE'],
      volumes: ['configMap', 'hostPath', 'projected'],
      runAsUser: { rule: 'RunAsAny' }, readOnlyRootFilesystem: false, allowPrivilegeEscalation: true,
    });
    // /var/log/aws-routed-eni is read-write under the read-write /var/log entry: one entry covers both.
    expect(a.psp.spec.allowedHostPaths).toContainEqual({ pathPrefix: '/lib/modules', readOnly: true });
    expect(a.psp.spec.allowedHostPaths?.map((p) => p.pathPrefix)).not.toContain('/var/log/aws-routed-eni');
    expect(a.reasons.map((r) => r.text)).toContain('hostNetwork: true — DaemonSet kube-system/aws-node, DaemonSet kube-system/kube-proxy');
    expect(a.reasons.map((r) => r.text)).toContain('privileged: true — DaemonSet kube-system/kube-proxy');
    expect(Object.keys(a.psp.spec).filter((k) => k.startsWith('default'))).toEqual([]);
  });

  it('shop: the StatefulSet claim volume and cart fsGroup are in the proposal', () => {
    const a = advise(model, topLevelWorkloads(model, 'shop'), { name: 'advised-shop' });
    expect(a.psp.spec.volumes).toEqual(['persistentVolumeClaim', 'projected']);
    expect(a.psp.spec.fsGroup).toEqual({ rule: 'MayRunAs', ranges: [{ min: 10001, max: 10001 }] });
    expect(a.grants.map((g) => `${g.kind}/${g.metadata.namespace ?? ''}/${g.metadata.name}`)).toEqual(['ClusterRole//psp-util.advised-shop', 'RoleBinding/shop/psp-util.advised-shop']);
  });
});

describe('minimality and the proof on generated namespaces', () => {
  it.each(Array.from({ length: 40 }, (_, i) => i + 1))('seed %i', (seed) => {
    const workloads = generateWorkloads(seed, 1 + (seed % 7));
    const a = adviseFor(workloads);
    expectProven(a);
    // Every tightening was tried against some pod.
    expect(a.minimality.length).toBeGreaterThan(0);
  });
});

describe('existing PSPs', () => {
  const w = [workload('Deployment', 'web', { containers: [{ name: 'main', image: 'x', securityContext: { allowPrivilegeEscalation: false } }] })];
  it('an existing PSP that admits them unchanged and is no looser is named instead of a proposal', () => {
    const first = adviseFor(w).psp;
    const existing = { ...first, metadata: { name: 'restricted-web' } };
    const a = adviseFor(w, aModel({ workloads: w, psps: [existing] }));
    expect(a.existing).toEqual({ psp: 'restricted-web', sufficient: true, granted: false });
    expect(a.psp.metadata.name).toBe('restricted-web');
    expectProven(a);
  });

  it('a looser one is not sufficient: the answer lists where it is looser and the diff', () => {
    const loose = aPsp('loose', { privileged: true, volumes: ['*'], runAsUser: { rule: 'RunAsAny' }, seLinux: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' } });
    const grant = [aClusterRole('use-loose', [useRule('loose')]), aClusterRoleBinding('use-loose', 'use-loose', [group('system:serviceaccounts')])];
    const ungranted = adviseFor(w, aModel({ workloads: w, psps: [loose] }));
    expect(ungranted.existing).toMatchObject({ psp: null, sufficient: false });
    expect(ungranted.current).toEqual([{ psp: null, workloads: ['Deployment apps/web'] }]);
    const a = adviseFor(w, aModel({ workloads: w, psps: [loose], clusterRoles: [grant[0] as Role], clusterRoleBindings: [grant[1] as Binding] }));
    expect(a.existing).toMatchObject({ psp: 'loose', sufficient: false });
    expect(a.existing?.diff).toContain('-   privileged: true');
    expect(a.existing?.diff).toContain('+   privileged: false');
    // `loose` stays usable and sorts before `proposal`: it still wins, and the answer says so.
    expect(a.admits[0]).toMatchObject({ allowed: true, psp: 'loose', mutated: false });
    expect(a.notes.join(' ')).toContain('loose');
    expect(a.existing?.looser).toEqual(expect.arrayContaining(['privileged', 'volumes', 'allowPrivilegeEscalation', 'forbiddenSysctls']));
  });
});
