/** One rule per PSP field: what the proposal says for given pods, and that it admits them unchanged with nothing to spare. */
import { describe, expect, it } from 'vitest';
import { aModel } from '../testing/builders';
import type { Workload } from '../model/types';
import { advise } from './advise';
import { looserFields } from './compare';
import { toRanges, rangesWithin } from './ranges';
import { workload } from './testing';

const C = (extra: Record<string, unknown> = {}, name = 'main') => ({ name, image: 'x', ...extra });

function proposal(workloads: Workload[]) {
  const a = advise(aModel({ workloads }), workloads, { name: 'p' });
  for (const x of a.admits) expect(x, x.workload).toMatchObject({ allowed: true, psp: 'p', mutated: false });
  expect(a.minimality.filter((m) => !m.ok)).toEqual([]);
  return a;
}
const spec = (...ws: Workload[]) => proposal(ws).psp.spec;
const annotations = (...ws: Workload[]) => proposal(ws).psp.metadata.annotations ?? {};

describe('ranges', () => {
  it('merges consecutive values only', () => {
    expect(toRanges([5, 3, 4, 10, 3])).toEqual([{ min: 3, max: 5 }, { min: 10, max: 10 }]);
    expect(rangesWithin([{ min: 3, max: 4 }], [{ min: 1, max: 3 }, { min: 4, max: 9 }])).toBe(true);
    expect(rangesWithin([{ min: 0, max: 65535 }], [{ min: 80, max: 80 }])).toBe(false);
  });
});

describe('field rules', () => {
  const plain = workload('Deployment', 'plain', {});

  it('a plain pod: nothing allowed beyond its token volume; no default* field, no default annotation', () => {
    const a = proposal([plain]);
    expect(a.psp.spec).toEqual({
      allowPrivilegeEscalation: true, forbiddenSysctls: ['*'], fsGroup: { rule: 'RunAsAny' }, hostIPC: false, hostNetwork: false, hostPID: false,
      hostPorts: [], privileged: false, readOnlyRootFilesystem: false, runAsGroup: { rule: 'RunAsAny' }, runAsUser: { rule: 'RunAsAny' },
      seLinux: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' }, volumes: ['projected'],
    });
    expect(a.psp.metadata.annotations).toBeUndefined();
    expect(a.reasons.find((r) => r.field === 'volumes')?.value).toContain('service-account token');
  });

  it('the token volume: covered by secret when secret volumes are used; nothing without automounting', () => {
    expect(spec(workload('Pod', 's', { volumes: [{ name: 's', secret: { secretName: 's' } }] })).volumes).toEqual(['secret']);
    expect(spec(workload('Pod', 'n', { automountServiceAccountToken: false })).volumes).toEqual([]);
    const other = { name: 'cm', projected: { sources: [{ configMap: { name: 'app' } }] } };
    expect(spec(workload('Pod', 'o', { volumes: [other, { name: 's', secret: { secretName: 's' } }] })).volumes).toEqual(['projected', 'secret']);
  });

  it('privileged and host namespaces, named by the workloads that use them', () => {
    const ds = workload('DaemonSet', 'agent', { hostNetwork: true, hostPID: true, containers: [C({ securityContext: { privileged: true } })] });
    const a = proposal([ds, plain]);
    expect(a.psp.spec).toMatchObject({ privileged: true, hostNetwork: true, hostPID: true, hostIPC: false });
    expect(a.reasons.map((r) => r.text)).toContain('hostNetwork: true — DaemonSet apps/agent');
    expect(a.reasons.map((r) => r.text)).toContain('privileged: true — DaemonSet apps/agent');
  });

  it('host ports: exact, with hostNetwork defaulting hostPort to containerPort', () => {
    const ws = [
      workload('Deployment', 'a', { containers: [C({ ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81, hostPort: 8081 }] })] }),
      workload('DaemonSet', 'b', { hostNetwork: true, containers: [C({ ports: [{ containerPort: 9100 }] })] }),
    ];
    expect(spec(...ws).hostPorts).toEqual([{ min: 8080, max: 8081 }, { min: 9100, max: 9100 }]);
  });

  it('volumes and host paths: exact FSTypes; read-only only where every mount is; covered sub-paths left out', () => {
    const ws = [
      workload('DaemonSet', 'logs', {
        volumes: [{ name: 'log', hostPath: { path: '/var/log/' } }, { name: 'app', hostPath: { path: '/var/log/app' } }, { name: 'certs', hostPath: { path: '/etc/ssl' } }, { name: 'tmp', emptyDir: {} }],
        containers: [C({ volumeMounts: [{ name: 'log', mountPath: '/l', readOnly: true }, { name: 'app', mountPath: '/a' }, { name: 'certs', mountPath: '/c', readOnly: true }] })],
        initContainers: [C({ volumeMounts: [{ name: 'certs', mountPath: '/c', readOnly: true }] }, 'init')],
      }),
      workload('Pod', 'p', { volumes: [{ name: 'd', hostPath: { path: '/data' } }, { name: 'claim', persistentVolumeClaim: { claimName: 'c' } }], containers: [C({ volumeMounts: [{ name: 'd', mountPath: '/d' }] })] }),
    ];
    const s = spec(...ws);
    expect(s.volumes).toEqual(['emptyDir', 'hostPath', 'persistentVolumeClaim', 'projected']);
    expect(s.allowedHostPaths).toEqual([
      { pathPrefix: '/data', readOnly: false }, { pathPrefix: '/etc/ssl', readOnly: true }, { pathPrefix: '/var/log', readOnly: true }, { pathPrefix: '/var/log/app', readOnly: false },
    ]);
    const rw = workload('Pod', 'rw', { volumes: [{ name: 'log', hostPath: { path: '/var/log' } }, { name: 'app', hostPath: { path: '/var/log/app' } }], containers: [C({ volumeMounts: [{ name: 'log', mountPath: '/l' }, { name: 'app', mountPath: '/a', readOnly: true }] })] });
    expect(spec(rw).allowedHostPaths).toEqual([{ pathPrefix: '/var/log', readOnly: false }]);
  });

  it('flexVolume and CSI drivers: the ones used', () => {
    const w = workload('Pod', 'f', { volumes: [{ name: 'f', flexVolume: { driver: 'example/lvm' } }, { name: 'c', csi: { driver: 'inline.example.com' } }] });
    expect(spec(w)).toMatchObject({ allowedFlexVolumes: [{ driver: 'example/lvm' }], allowedCSIDrivers: [{ name: 'inline.example.com' }] });
  });

  it('capabilities: allowed = what is added anywhere; required drops = what every container drops', () => {
    const ws = [
      workload('Deployment', 'a', { containers: [C({ securityContext: { capabilities: { add: ['NET_ADMIN'], drop: ['ALL', 'NET_RAW'] } } })], initContainers: [C({ securityContext: { capabilities: { drop: ['ALL'] } } }, 'init')] }),
      workload('Job', 'b', { containers: [C({ securityContext: { capabilities: { add: ['SYS_TIME'], drop: ['ALL'] } } })] }),
    ];
    expect(spec(...ws)).toMatchObject({ allowedCapabilities: ['NET_ADMIN', 'SYS_TIME'], requiredDropCapabilities: ['ALL'] });
    expect(spec(...ws, plain).requiredDropCapabilities).toBeUndefined();
  });

  it('runAsUser: MustRunAs exact UIDs when every container has one (pod level counts), else MustRunAsNonRoot, else RunAsAny', () => {
    const uid = (n: string, u: number) => workload('Deployment', n, { securityContext: { runAsUser: u } });
    expect(spec(uid('a', 1000), uid('b', 1001), workload('Pod', 'c', { containers: [C({ securityContext: { runAsUser: 2000 } })] })).runAsUser).toEqual({ rule: 'MustRunAs', ranges: [{ min: 1000, max: 1001 }, { min: 2000, max: 2000 }] });
    expect(spec(uid('root', 0)).runAsUser).toEqual({ rule: 'MustRunAs', ranges: [{ min: 0, max: 0 }] });
    const nonRoot = workload('Deployment', 'nr', { securityContext: { runAsNonRoot: true } });
    expect(spec(nonRoot, uid('a', 1000)).runAsUser).toEqual({ rule: 'MustRunAsNonRoot' });
    const a = proposal([nonRoot, plain]);
    expect(a.psp.spec.runAsUser).toEqual({ rule: 'RunAsAny' });
    expect(a.reasons.find((r) => r.field === 'runAsUser')?.workloads).toEqual(['Deployment apps/plain']);
    expect(spec(workload('Pod', 'f', { securityContext: { runAsNonRoot: false, runAsUser: 1000 } }), nonRoot).runAsUser).toEqual({ rule: 'RunAsAny' });
  });

  it('runAsGroup, fsGroup, supplementalGroups: MustRunAs when all set, MayRunAs when some do, RunAsAny when none', () => {
    const g = workload('Deployment', 'g', { securityContext: { runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [4000, 4001] } });
    expect(spec(g)).toMatchObject({
      runAsGroup: { rule: 'MustRunAs', ranges: [{ min: 3000, max: 3000 }] },
      fsGroup: { rule: 'MustRunAs', ranges: [{ min: 2000, max: 2000 }] },
      supplementalGroups: { rule: 'MustRunAs', ranges: [{ min: 4000, max: 4001 }] },
    });
    expect(spec(g, plain)).toMatchObject({
      runAsGroup: { rule: 'MayRunAs', ranges: [{ min: 3000, max: 3000 }] },
      fsGroup: { rule: 'MayRunAs', ranges: [{ min: 2000, max: 2000 }] },
      supplementalGroups: { rule: 'MayRunAs', ranges: [{ min: 4000, max: 4001 }] },
    });
    // An explicit empty list gets no default from MustRunAs and then fails it: MayRunAs.
    expect(spec(g, workload('Pod', 'e', { securityContext: { supplementalGroups: [] } })).supplementalGroups).toEqual({ rule: 'MayRunAs', ranges: [{ min: 4000, max: 4001 }] });
  });

  it('seLinux: MustRunAs only when every pod sets the same options at pod level and no container differs', () => {
    const se = { level: 's0:c1,c2', type: 'spc_t' };
    const a = workload('Deployment', 'a', { securityContext: { seLinuxOptions: se } });
    expect(spec(a, workload('Job', 'b', { securityContext: { seLinuxOptions: se } })).seLinux).toEqual({ rule: 'MustRunAs', seLinuxOptions: se });
    expect(spec(a, plain).seLinux).toEqual({ rule: 'RunAsAny' });
    expect(spec(workload('Pod', 'c', { securityContext: { seLinuxOptions: se }, containers: [C({ securityContext: { seLinuxOptions: { level: 's0:c3' } } })] })).seLinux).toEqual({ rule: 'RunAsAny' });
  });

  it('sysctls: the unsafe ones used are allowed; every sysctl forbidden when none is used, else the unused safe ones', () => {
    const w = workload('Pod', 's', { securityContext: { sysctls: [{ name: 'net.core.somaxconn', value: '1024' }, { name: 'net.ipv4.tcp_syncookies', value: '1' }] } });
    const s = spec(w);
    expect(s.allowedUnsafeSysctls).toEqual(['net.core.somaxconn']);
    expect(s.forbiddenSysctls).toEqual(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start']);
    expect(spec(plain).forbiddenSysctls).toEqual(['*']);
  });

  it('seccomp: the profiles when everyone has one, nothing when nobody has, * when mixed', () => {
    const ann = (n: string, a: Record<string, string>) => workload('Deployment', n, {}, { annotations: a });
    expect(annotations(ann('a', { 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' }), ann('b', { 'seccomp.security.alpha.kubernetes.io/pod': 'docker/default', 'container.seccomp.security.alpha.kubernetes.io/main': 'localhost/x.json' })))
      .toEqual({ 'seccomp.security.alpha.kubernetes.io/allowedProfileNames': 'localhost/x.json,runtime/default' });
    expect(annotations(plain)).toEqual({});
    expect(annotations(ann('a', { 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' }), plain)).toEqual({ 'seccomp.security.alpha.kubernetes.io/allowedProfileNames': '*' });
  });

  it('seccomp as a pod field only: admission writes the annotation (every PSP does), and the answer says so', () => {
    const w = workload('Pod', 'f', { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } });
    const a = advise(aModel({ workloads: [w] }), [w], { name: 'p' });
    expect(a.psp.metadata.annotations).toEqual({ 'seccomp.security.alpha.kubernetes.io/allowedProfileNames': 'runtime/default' });
    expect(a.admits[0]).toMatchObject({ allowed: true, psp: 'p', mutated: true });
    expect(a.notes.join(' ')).toContain('seccomp field without its annotation');
  });

  it('AppArmor: the profiles when every container has one, else no allow list', () => {
    const aa = (n: string, p: string) => workload('Deployment', n, {}, { annotations: { 'container.apparmor.security.beta.kubernetes.io/main': p } });
    expect(annotations(aa('a', 'runtime/default'), aa('b', 'localhost/k8s-app'))).toEqual({ 'apparmor.security.beta.kubernetes.io/allowedProfileNames': 'localhost/k8s-app,runtime/default' });
    expect(annotations(aa('a', 'runtime/default'), plain)).toEqual({});
  });

  it('readOnlyRootFilesystem true and allowPrivilegeEscalation false only when every container (init too) says so', () => {
    const strict = { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false };
    const a = workload('Deployment', 'a', { containers: [C({ securityContext: strict })], initContainers: [C({ securityContext: strict }, 'init')] });
    expect(spec(a)).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    const b = workload('Deployment', 'b', { containers: [C({ securityContext: strict })], initContainers: [C({}, 'init')] });
    expect(spec(b)).toMatchObject({ readOnlyRootFilesystem: false, allowPrivilegeEscalation: true });
  });

  it('proc mounts and runtime classes: the ones used', () => {
    const w = workload('Pod', 'u', { runtimeClassName: 'gvisor', containers: [C({ securityContext: { procMount: 'Unmasked' } })] });
    expect(spec(w)).toMatchObject({ allowedProcMountTypes: ['Default', 'Unmasked'], runtimeClass: { allowedRuntimeClassNames: ['gvisor'] } });
  });

  it('every owner kind: the template of each (a CronJob its job template, a StatefulSet its claims as volumes)', () => {
    const kinds = ['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod'] as const;
    const ws = kinds.map((k, i) => workload(k, k.toLowerCase(), { containers: [C({ ports: [{ containerPort: 80, hostPort: 1000 + i }] })] }));
    expect(spec(...ws).hostPorts).toEqual([{ min: 1000, max: 1006 }]);
    const sts = workload('StatefulSet', 'db', {}, { extraSpec: { volumeClaimTemplates: [{ metadata: { name: 'data' } }] } });
    expect(spec(sts).volumes).toEqual(['persistentVolumeClaim', 'projected']);
  });

  it('ephemeral containers count (Validate checks them on UPDATE), and the minimality check sees them', () => {
    const w = workload('Pod', 'debug', { ephemeralContainers: [C({ securityContext: { capabilities: { add: ['SYS_PTRACE'] } } }, 'debugger')] });
    expect(spec(w).allowedCapabilities).toEqual(['SYS_PTRACE']);
  });
});

describe('no looser', () => {
  const base = proposal([workload('Deployment', 'a', { securityContext: { runAsUser: 1000 }, containers: [C({ securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } })] })]).psp;
  it('the proposal itself is no looser than itself; each loosening is named', () => {
    expect(looserFields(base, base)).toEqual([]);
    const loose = { ...base, spec: { ...base.spec, privileged: true, volumes: ['*'], runAsUser: { rule: 'MustRunAsNonRoot' }, requiredDropCapabilities: [], allowPrivilegeEscalation: true, hostPorts: [{ min: 0, max: 65535 }] } };
    expect(looserFields(loose, base)).toEqual(expect.arrayContaining(['privileged', 'volumes', 'runAsUser', 'requiredDropCapabilities', 'allowPrivilegeEscalation', 'hostPorts']));
    const tighter = { ...base, spec: { ...base.spec, readOnlyRootFilesystem: true, volumes: [] } };
    expect(looserFields(tighter, base)).toEqual([]);
  });
});
