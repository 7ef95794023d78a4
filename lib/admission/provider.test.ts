import { describe, expect, it } from 'vitest';
import { aPsp } from '../testing/builders';
import { ALLOW_ALL, RUN_AS_ANY, aContainer, aPod } from '../testing/pod-builders';
import type { PspSpec } from '../model/types';
import type { Pod } from './pod';
import { formatFieldError } from './field-error';
import { equalLevels, mutatePod, validatePod } from './provider';
import { buildStrategies, defaultPsp } from './strategies';

const errorsOf = (spec: PspSpec, pod: Pod, annotations?: Record<string, string>) => {
  const psp = { ...aPsp('p', spec), metadata: { name: 'p', ...(annotations ? { annotations } : {}) } };
  return validatePod(psp, mutatePod(psp, pod)).map(formatFieldError);
};
const mutated = (spec: PspSpec, pod: Pod, annotations?: Record<string, string>) =>
  mutatePod({ ...aPsp('p', spec), metadata: { name: 'p', ...(annotations ? { annotations } : {}) } }, pod);
const sc = (securityContext: Record<string, unknown>) => ({ container: { securityContext } });

describe('PSP defaulting and strategy construction', () => {
  it('defaults allowPrivilegeEscalation to true and keeps an explicit false', () => {
    expect(defaultPsp(aPsp('a', RUN_AS_ANY)).spec.allowPrivilegeEscalation).toBe(true);
    expect(defaultPsp(aPsp('a', { ...RUN_AS_ANY, allowPrivilegeEscalation: false })).spec.allowPrivilegeEscalation).toBe(false);
  });

  it.each([
    ['an unknown runAsUser rule', { ...RUN_AS_ANY, runAsUser: { rule: 'Sometimes' } }, 'Unrecognized RunAsUser strategy type Sometimes'],
    ['MustRunAs without ranges', { ...RUN_AS_ANY, runAsUser: { rule: 'MustRunAs' } }, 'MustRunAs requires at least one range'],
    ['MayRunAs fsGroup without ranges', { ...RUN_AS_ANY, fsGroup: { rule: 'MayRunAs' } }, 'ranges must be supplied for MayRunAs'],
    ['SELinux MustRunAs without options', { ...RUN_AS_ANY, seLinux: { rule: 'MustRunAs' } }, 'MustRunAs requires SELinuxContextStrategyOptions'],
    ['no supplementalGroups stanza', { runAsUser: { rule: 'RunAsAny' }, seLinux: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' } }, 'Unrecognized SupplementalGroups strategy type'],
  ])('cannot build strategies with %s', (_what, spec, message) => {
    const r = buildStrategies(aPsp('broken', spec as PspSpec));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(message);
  });

  it('runAsGroup may be absent (RunAsAny)', () => {
    expect(buildStrategies(aPsp('ok', RUN_AS_ANY)).ok).toBe(true);
  });
});

describe('user and group strategies', () => {
  const mustRunAs = { ...RUN_AS_ANY, runAsUser: { rule: 'MustRunAs', ranges: [{ min: 1000, max: 2000 }] } };
  const nonRoot = { ...RUN_AS_ANY, runAsUser: { rule: 'MustRunAsNonRoot' } };

  it('MustRunAs writes the first range minimum into the container when nothing is set', () => {
    const pod = mutated(mustRunAs, aPod());
    expect(pod.spec.containers[0].securityContext).toEqual({ runAsUser: 1000 });
  });

  it('a pod-level value in range satisfies MustRunAs without touching the container', () => {
    const pod = mutated(mustRunAs, aPod({ spec: { securityContext: { runAsUser: 1500 } } }));
    expect(pod.spec.containers[0].securityContext).toBeUndefined();
  });

  it.each([
    ['MustRunAs, uid out of range', mustRunAs, aPod(sc({ runAsUser: 5 })), ['spec.containers[0].securityContext.runAsUser: Invalid value: 5: must be in the ranges: [{1000 2000}]']],
    ['MustRunAsNonRoot, nothing set: defaulted to runAsNonRoot', nonRoot, aPod(), []],
    ['MustRunAsNonRoot, runAsNonRoot false', nonRoot, aPod(sc({ runAsNonRoot: false })), ['spec.containers[0].securityContext.runAsNonRoot: Invalid value: false: must be true']],
    ['MustRunAsNonRoot, uid 0', nonRoot, aPod(sc({ runAsUser: 0 })), ['spec.containers[0].securityContext.runAsUser: Invalid value: 0: running with the root UID is forbidden']],
    ['MustRunAsNonRoot, uid 0 at pod level', nonRoot, aPod({ spec: { securityContext: { runAsUser: 0 } } }), ['spec.containers[0].securityContext.runAsUser: Invalid value: 0: running with the root UID is forbidden']],
    ['MustRunAsNonRoot, non-zero uid and no runAsNonRoot passes', nonRoot, aPod(sc({ runAsUser: 7 })), []],
  ])('%s', (_what, spec, pod, errors) => {
    expect(errorsOf(spec as PspSpec, pod)).toEqual(errors);
  });

  it('MustRunAsNonRoot sets runAsNonRoot only when neither runAsNonRoot nor runAsUser is set', () => {
    expect(mutated(nonRoot, aPod()).spec.containers[0].securityContext).toEqual({ runAsNonRoot: true });
    expect(mutated(nonRoot, aPod(sc({ runAsUser: 7 }))).spec.containers[0].securityContext).toEqual({ runAsUser: 7 });
  });

  const groups = (rule: string) => ({ ...RUN_AS_ANY, fsGroup: { rule, ranges: [{ min: 10, max: 20 }] }, supplementalGroups: { rule, ranges: [{ min: 10, max: 20 }] } });

  it('MustRunAs groups default fsGroup and supplementalGroups to the first minimum', () => {
    expect(mutated(groups('MustRunAs'), aPod({ spec: { securityContext: {} } })).spec.securityContext).toEqual({ fsGroup: 10, supplementalGroups: [10] });
  });

  it.each([
    ['MustRunAs: an explicit empty supplementalGroups is not defaulted and fails', 'MustRunAs', { supplementalGroups: [] }, ['spec.securityContext.supplementalGroups: Invalid value: []int64{}: unable to validate empty groups against required ranges']],
    ['MustRunAs: out of range', 'MustRunAs', { supplementalGroups: [5], fsGroup: 30 }, [
      'spec.securityContext.fsGroup: Invalid value: []int64{30}: group 30 must be in the ranges: [{10 20}]',
      'spec.securityContext.supplementalGroups: Invalid value: []int64{5}: group 5 must be in the ranges: [{10 20}]',
    ]],
    ['MayRunAs: unset is fine', 'MayRunAs', {}, []],
    ['MayRunAs: set must be in range', 'MayRunAs', { fsGroup: 9 }, ['spec.securityContext.fsGroup: Invalid value: []int64{9}: group 9 must be in the ranges: [{10 20}]']],
    ['RunAsAny: anything', 'RunAsAny', { fsGroup: 0, supplementalGroups: [0] }, []],
  ])('%s', (_what, rule, podSc, errors) => {
    const spec = rule === 'RunAsAny' ? RUN_AS_ANY : groups(rule);
    expect(errorsOf(spec, aPod({ spec: { securityContext: podSc } }))).toEqual(errors);
  });

  it('runAsGroup MustRunAs defaults the container and reports errors at the security context path (as the server does)', () => {
    const spec = { ...RUN_AS_ANY, runAsGroup: { rule: 'MustRunAs', ranges: [{ min: 3000, max: 3000 }] } };
    expect(mutated(spec, aPod()).spec.containers[0].securityContext).toEqual({ runAsGroup: 3000 });
    expect(errorsOf(spec, aPod(sc({ runAsGroup: 1 })))).toEqual(['spec.containers[0].securityContext: Invalid value: []int64{1}: group 1 must be in the ranges: [{3000 3000}]']);
  });
});

describe('SELinux', () => {
  const spec = { ...RUN_AS_ANY, seLinux: { rule: 'MustRunAs', seLinuxOptions: { level: 's0:c1,c2' } } };

  it('is defaulted at pod level only; containers inherit it', () => {
    const pod = mutated(spec, aPod());
    expect(pod.spec.securityContext?.seLinuxOptions).toEqual({ level: 's0:c1,c2' });
    expect(pod.spec.containers[0].securityContext).toBeUndefined();
  });

  it('compares the category set in any order and rejects another level', () => {
    expect(errorsOf(spec, aPod({ spec: { securityContext: { seLinuxOptions: { level: 's0:c2,c1' } } } }))).toEqual([]);
    expect(errorsOf(spec, aPod(sc({ seLinuxOptions: { level: 's0:c3' } })))).toEqual([
      'spec.containers[0].securityContext.seLinuxOptions.level: Invalid value: "s0:c3": must be s0:c1,c2',
    ]);
  });

  it.each([
    ['s0:c1,c2', 's0:c2,c1', true],
    ['s0:c1,c2', 's0:c1', false],
    ['s0', 's1', false],
    ['', '', true],
  ])('equalLevels(%s, %s) = %s', (a, b, want) => expect(equalLevels(a, b)).toBe(want));
});

describe('capabilities', () => {
  const spec = { ...RUN_AS_ANY, defaultAddCapabilities: ['CHOWN'], requiredDropCapabilities: ['NET_RAW'], allowedCapabilities: ['NET_BIND_SERVICE'] };

  it.each([
    ['nothing set: both defaults, sorted', undefined, { add: ['CHOWN'], drop: ['NET_RAW'] }],
    ['the defaults already present: kept exactly as written (no size change)', { add: ['CHOWN'], drop: ['NET_RAW'] }, { add: ['CHOWN'], drop: ['NET_RAW'] }],
    ['a dropped default is not added', { drop: ['CHOWN'] }, { drop: ['CHOWN', 'NET_RAW'] }],
    ['extra adds merged and sorted', { add: ['NET_BIND_SERVICE'] }, { add: ['CHOWN', 'NET_BIND_SERVICE'], drop: ['NET_RAW'] }],
  ])('%s', (_what, caps, want) => {
    const pod = mutated(spec, aPod(caps ? sc({ capabilities: caps }) : {}));
    expect(pod.spec.containers[0].securityContext?.capabilities).toEqual(want);
  });

  it.each([
    ['an add outside defaults and allowed', { ...RUN_AS_ANY, allowedCapabilities: ['CHOWN'] }, { add: ['SYS_ADMIN'] }, ['spec.containers[0].securityContext.capabilities.add: Invalid value: "SYS_ADMIN": capability may not be added']],
    ['allowedCapabilities * skips every check', { ...RUN_AS_ANY, allowedCapabilities: ['*'], requiredDropCapabilities: ['ALL'] }, { add: ['SYS_ADMIN'] }, []],
    ['a default add is allowed', { ...RUN_AS_ANY, defaultAddCapabilities: ['CHOWN'] }, { add: ['CHOWN'] }, []],
  ])('%s', (_what, s, caps, errors) => {
    expect(errorsOf(s as PspSpec, aPod(sc({ capabilities: caps })))).toEqual(errors);
  });

  it('validation reports a required drop that is missing', () => {
    const psp = aPsp('p', { ...RUN_AS_ANY, requiredDropCapabilities: ['ALL'] });
    expect(validatePod(psp, aPod(sc({ capabilities: { drop: ['NET_RAW'] } }))).map(formatFieldError)).toEqual([
      'spec.containers[0].securityContext.capabilities.drop: Invalid value: []core.Capability{"NET_RAW"}: ALL is required to be dropped but was not found',
    ]);
    expect(validatePod(psp, aPod()).map(formatFieldError)).toEqual([
      'spec.containers[0].securityContext.capabilities: Invalid value: null: required capabilities are not set on the securityContext',
    ]);
  });
});

describe('container settings', () => {
  it.each([
    ['privileged', RUN_AS_ANY, sc({ privileged: true }), ['spec.containers[0].securityContext.privileged: Invalid value: true: Privileged containers are not allowed']],
    ['privileged allowed', { ...RUN_AS_ANY, privileged: true }, sc({ privileged: true }), []],
    ['readOnlyRootFilesystem false', { ...RUN_AS_ANY, readOnlyRootFilesystem: true }, sc({ readOnlyRootFilesystem: false }), ['spec.containers[0].securityContext.readOnlyRootFilesystem: Invalid value: false: ReadOnlyRootFilesystem must be set to true']],
    ['readOnlyRootFilesystem unset is defaulted', { ...RUN_AS_ANY, readOnlyRootFilesystem: true }, {}, []],
    ['allowPrivilegeEscalation true under false', { ...RUN_AS_ANY, allowPrivilegeEscalation: false }, sc({ allowPrivilegeEscalation: true }), ['spec.containers[0].securityContext.allowPrivilegeEscalation: Invalid value: true: Allowing privilege escalation for containers is not allowed']],
    ['procMount Unmasked', RUN_AS_ANY, sc({ procMount: 'Unmasked' }), ['spec.containers[0].securityContext.procMount: Invalid value: "Unmasked": ProcMountType is not allowed.']],
    ['procMount Unmasked allowed', { ...RUN_AS_ANY, allowedProcMountTypes: ['Default', 'Unmasked'] }, sc({ procMount: 'Unmasked' }), []],
  ])('%s', (_what, spec, pod, errors) => {
    expect(errorsOf(spec as PspSpec, aPod(pod))).toEqual(errors);
  });

  it('defaultAllowPrivilegeEscalation is applied before allowPrivilegeEscalation false', () => {
    const c = (spec: PspSpec) => mutated(spec, aPod()).spec.containers[0].securityContext;
    expect(c({ ...RUN_AS_ANY, defaultAllowPrivilegeEscalation: false })).toEqual({ allowPrivilegeEscalation: false });
    expect(c({ ...RUN_AS_ANY, allowPrivilegeEscalation: false })).toEqual({ allowPrivilegeEscalation: false });
    expect(c({ ...RUN_AS_ANY, defaultAllowPrivilegeEscalation: true, allowPrivilegeEscalation: true })).toEqual({ allowPrivilegeEscalation: true });
    // A raw manifest without allowPrivilegeEscalation means true (the API default): nothing is written.
    expect(c(RUN_AS_ANY)).toBeUndefined();
  });

  it('init containers are checked with their own paths', () => {
    const pod = aPod({ spec: { initContainers: [aContainer('init', { securityContext: { privileged: true } })] } });
    expect(errorsOf(RUN_AS_ANY, pod)).toEqual(['spec.initContainers[0].securityContext.privileged: Invalid value: true: Privileged containers are not allowed']);
  });
});

describe('host namespaces and ports', () => {
  it.each([
    ['hostNetwork', { hostNetwork: true }, 'spec.securityContext.hostNetwork: Invalid value: true: Host network is not allowed to be used'],
    ['hostPID', { hostPID: true }, 'spec.securityContext.hostPID: Invalid value: true: Host PID is not allowed to be used'],
    ['hostIPC', { hostIPC: true }, 'spec.securityContext.hostIPC: Invalid value: true: Host IPC is not allowed to be used'],
  ])('%s needs the PSP flag', (_what, spec, error) => {
    expect(errorsOf(RUN_AS_ANY, aPod({ spec }))).toEqual([error]);
  });

  it('host ports must fall in a range; an empty list allows none', () => {
    const pod = aPod({ container: { ports: [{ containerPort: 80, hostPort: 80 }, { containerPort: 8080 }] } });
    expect(errorsOf(RUN_AS_ANY, pod)).toEqual(['spec.containers[0].hostPort: Invalid value: 80: Host port 80 is not allowed to be used. Allowed ports: []']);
    expect(errorsOf({ ...RUN_AS_ANY, hostPorts: [{ min: 53, max: 53 }, { min: 8000, max: 9000 }] }, pod)).toEqual([
      'spec.containers[0].hostPort: Invalid value: 80: Host port 80 is not allowed to be used. Allowed ports: [53,8000-9000]',
    ]);
  });

  it('a range includes both of its ends: min and max are admitted, min-1 and max+1 are not', () => {
    const spec = { ...RUN_AS_ANY, hostPorts: [{ min: 8000, max: 9000 }] };
    const withPort = (hostPort: number) => aPod({ container: { ports: [{ containerPort: 80, hostPort }] } });
    expect(errorsOf(spec, withPort(8000))).toEqual([]);
    expect(errorsOf(spec, withPort(9000))).toEqual([]);
    expect(errorsOf(spec, withPort(7999))).toEqual(['spec.containers[0].hostPort: Invalid value: 7999: Host port 7999 is not allowed to be used. Allowed ports: [8000-9000]']);
    expect(errorsOf(spec, withPort(9001))).toEqual(['spec.containers[0].hostPort: Invalid value: 9001: Host port 9001 is not allowed to be used. Allowed ports: [8000-9000]']);
    // A one-port range: its only port is both ends.
    expect(errorsOf({ ...RUN_AS_ANY, hostPorts: [{ min: 53, max: 53 }] }, withPort(53))).toEqual([]);
  });
});

describe('volumes', () => {
  const vol = (v: Record<string, unknown>, readOnly?: boolean) =>
    aPod({ spec: { volumes: [{ name: 'v', ...v }] }, container: { volumeMounts: [{ name: 'v', mountPath: '/v', ...(readOnly === undefined ? {} : { readOnly }) }] } });
  const token = { projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3607 } }, { configMap: { name: 'kube-root-ca.crt' } }, { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } }] } };

  it.each([
    ['a listed type', ['emptyDir'], { emptyDir: {} }, []],
    ['an unlisted type', ['emptyDir'], { hostPath: { path: '/etc' } }, ['spec.volumes[0]: Invalid value: "hostPath": hostPath volumes are not allowed to be used']],
    ['*', ['*'], { hostPath: { path: '/etc' } }, []],
    ['cephfs is spelled cephFS', ['cephFS'], { cephfs: { monitors: ['m'] } }, []],
    ['the token projection where secret is allowed', ['secret'], token, []],
    ['a projection with another config map is not the token projection', ['secret'], { projected: { sources: [{ configMap: { name: 'app' } }] } }, ['spec.volumes[0]: Invalid value: "projected": projected volumes are not allowed to be used']],
    ['a token with an audience is not the token projection', ['secret'], { projected: { sources: [{ serviceAccountToken: { path: 'token', audience: 'vault' } }] } }, ['spec.volumes[0]: Invalid value: "projected": projected volumes are not allowed to be used']],
  ])('volume type: %s', (_what, volumes, v, errors) => {
    expect(errorsOf({ ...RUN_AS_ANY, volumes }, vol(v))).toEqual(errors);
  });

  const paths = { ...RUN_AS_ANY, volumes: ['hostPath'], allowedHostPaths: [{ pathPrefix: '/var/log', readOnly: true }, { pathPrefix: '/data/' }] };
  it.each([
    ['/var/log/app read-only', '/var/log/app', true, []],
    ['/var/log read-write', '/var/log', false, ['spec.containers[0].volumeMounts[0].readOnly: Invalid value: false: must be read-only']],
    ['/var/logs (not a segment boundary)', '/var/logs', true, ['spec.volumes[0].hostPath.pathPrefix: Invalid value: "/var/logs": is not allowed to be used']],
    ['/data (trailing slash of the prefix trimmed)', '/data', false, []],
    ['/data/x read-write', '/data/x', false, []],
  ])('host path %s', (_what, path, readOnly, errors) => {
    expect(errorsOf(paths, vol({ hostPath: { path } }, readOnly))).toEqual(errors);
  });

  it('a prefix of / covers every path', () => {
    expect(errorsOf({ ...RUN_AS_ANY, volumes: ['hostPath'], allowedHostPaths: [{ pathPrefix: '/', readOnly: true }] }, vol({ hostPath: { path: '/etc' } }, true))).toEqual([]);
  });

  it.each([
    ['flexVolume', { volumes: ['flexVolume'], allowedFlexVolumes: [{ driver: 'a/b' }] }, { flexVolume: { driver: 'c/d' } }, 'spec.volumes[0].driver: Invalid value: "c/d": Flexvolume driver is not allowed to be used'],
    ['csi', { volumes: ['csi'], allowedCSIDrivers: [{ name: 'a.io' }] }, { csi: { driver: 'b.io' } }, 'spec.volumes[0].csi.driver: Invalid value: "b.io": Inline CSI driver is not allowed to be used'],
  ])('%s drivers', (_what, spec, v, error) => {
    expect(errorsOf({ ...RUN_AS_ANY, ...spec }, vol(v))).toEqual([error]);
  });

  it('drivers are only checked for volumes whose type passed (the type error alone is reported)', () => {
    expect(errorsOf({ ...RUN_AS_ANY, volumes: ['secret'], allowedCSIDrivers: [{ name: 'a.io' }] }, vol({ csi: { driver: 'b.io' } }))).toEqual([
      'spec.volumes[0]: Invalid value: "csi": csi volumes are not allowed to be used',
    ]);
  });
});

describe('sysctls and runtime classes', () => {
  const sysctl = (name: string) => aPod({ spec: { securityContext: { sysctls: [{ name, value: '1' }] } } });
  const spec = { ...RUN_AS_ANY, forbiddenSysctls: ['kernel.msg*', 'net.ipv4.tcp_syncookies'], allowedUnsafeSysctls: ['net.core.*'] };
  it.each([
    ['kernel.shm_rmid_forced', []],
    ['net.ipv4.ip_unprivileged_port_start', []],
    ['net.core.somaxconn', []],
    ['kernel.msgmax', ['pod.spec.securityContext.sysctls[0]: Forbidden: sysctl "kernel.msgmax" is not allowed']],
    ['net.ipv4.tcp_syncookies', ['pod.spec.securityContext.sysctls[0]: Forbidden: sysctl "net.ipv4.tcp_syncookies" is not allowed']],
    ['net.ipv4.tcp_keepalive_time', ['pod.spec.securityContext.sysctls[0]: Forbidden: unsafe sysctl "net.ipv4.tcp_keepalive_time" is not allowed']],
  ])('%s', (name, errors) => expect(errorsOf(spec, sysctl(name))).toEqual(errors));

  it('a lone * forbids even safe sysctls', () => {
    expect(errorsOf({ ...RUN_AS_ANY, forbiddenSysctls: ['*'] }, sysctl('kernel.shm_rmid_forced'))).toHaveLength(1);
  });

  const rc = { ...RUN_AS_ANY, runtimeClass: { allowedRuntimeClassNames: ['gvisor'], defaultRuntimeClassName: 'gvisor' } };
  it('the default runtime class is applied when unset, and others are refused with an empty detail', () => {
    expect(mutated(rc, aPod()).spec.runtimeClassName).toBe('gvisor');
    expect(errorsOf(rc, aPod({ spec: { runtimeClassName: 'kata' } }))).toEqual(['spec.runtimeClassName: Invalid value: "kata"']);
    expect(errorsOf({ ...RUN_AS_ANY, runtimeClass: { allowedRuntimeClassNames: ['*'] } }, aPod({ spec: { runtimeClassName: 'kata' } }))).toEqual([]);
  });
});

describe('seccomp', () => {
  const SECCOMP_ALLOWED = 'seccomp.security.alpha.kubernetes.io/allowedProfileNames';
  const SECCOMP_DEFAULT = 'seccomp.security.alpha.kubernetes.io/defaultProfileName';
  const POD = 'seccomp.security.alpha.kubernetes.io/pod';
  const podPath = `pod.metadata.annotations[${POD}]`;
  const containerPath = 'pod.metadata.annotations[container.seccomp.security.alpha.kubernetes.io/app]';

  it.each([
    ['no list, no profile', undefined, aPod(), []],
    ['no list, a profile', undefined, aPod({ annotations: { [POD]: 'runtime/default' } }), [`${podPath}: Forbidden: seccomp may not be set`, `${containerPath}: Forbidden: seccomp may not be set`]],
    ['listed', { [SECCOMP_ALLOWED]: 'runtime/default' }, aPod({ annotations: { [POD]: 'runtime/default' } }), []],
    ['docker/default where runtime/default is listed', { [SECCOMP_ALLOWED]: 'runtime/default' }, aPod({ annotations: { [POD]: 'docker/default' } }), []],
    ['runtime/default where docker/default is listed', { [SECCOMP_ALLOWED]: 'docker/default' }, aPod({ annotations: { [POD]: 'runtime/default' } }), []],
    ['unset against a list', { [SECCOMP_ALLOWED]: 'runtime/default' }, aPod(), [
      `${podPath}: Forbidden:  is not an allowed seccomp profile. Valid values are runtime/default`,
      `${containerPath}: Forbidden:  is not an allowed seccomp profile. Valid values are runtime/default`,
    ]],
    ['*', { [SECCOMP_ALLOWED]: '*' }, aPod({ annotations: { [POD]: 'localhost/x' } }), []],
    ['the default fills an unset profile', { [SECCOMP_ALLOWED]: 'runtime/default', [SECCOMP_DEFAULT]: 'runtime/default' }, aPod(), []],
    ['a container field overrides the pod annotation', { [SECCOMP_ALLOWED]: 'runtime/default' }, aPod({ annotations: { [POD]: 'runtime/default' }, ...sc({ seccompProfile: { type: 'Unconfined' } }) }), [
      `${containerPath}: Forbidden: unconfined is not an allowed seccomp profile. Valid values are runtime/default`,
    ]],
  ])('%s', (_what, annotations, pod, errors) => {
    expect(errorsOf(RUN_AS_ANY, pod, annotations)).toEqual(errors);
  });

  it('a pod-level field is written to the pod annotation (so every PSP mutates such a pod)', () => {
    const pod = mutated(RUN_AS_ANY, aPod({ spec: { securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'a.json' } } } }));
    expect(pod.metadata.annotations).toEqual({ [POD]: 'localhost/a.json' });
  });
});

describe('AppArmor', () => {
  const ALLOWED = 'apparmor.security.beta.kubernetes.io/allowedProfileNames';
  const DEFAULT = 'apparmor.security.beta.kubernetes.io/defaultProfileName';
  const KEY = 'container.apparmor.security.beta.kubernetes.io/app';
  const path = `pod.metadata.annotations[${KEY}]`;

  it.each([
    ['no allowed annotation: anything', undefined, { [KEY]: 'unconfined' }, []],
    ['listed', { [ALLOWED]: 'runtime/default' }, { [KEY]: 'runtime/default' }, []],
    ['unset against a list', { [ALLOWED]: 'runtime/default' }, undefined, [`${path}: Forbidden: AppArmor profile must be set`]],
    ['a trailing comma does not allow unset', { [ALLOWED]: 'runtime/default,' }, undefined, [`${path}: Forbidden: AppArmor profile must be set`]],
    ['not listed', { [ALLOWED]: 'runtime/default' }, { [KEY]: 'unconfined' }, [`${path}: Forbidden: unconfined is not an allowed profile. Allowed values: "runtime/default"`]],
    ['the default is written when unset', { [ALLOWED]: 'runtime/default', [DEFAULT]: 'runtime/default' }, undefined, []],
  ])('%s', (_what, pspAnnotations, podAnnotations, errors) => {
    expect(errorsOf(RUN_AS_ANY, aPod({ annotations: podAnnotations }), pspAnnotations)).toEqual(errors);
  });
});

describe('a fully permissive PSP', () => {
  it('never mutates a pod', () => {
    const pod = aPod({ spec: { hostNetwork: true, securityContext: { runAsUser: 0 } }, container: { securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'] } } } });
    expect(mutated(ALLOW_ALL, pod)).toEqual(pod);
    expect(errorsOf(ALLOW_ALL, pod)).toEqual([]);
  });
});

describe('mutatePod leaves its input alone', () => {
  function deepFreeze<T>(o: T): T {
    if (o && typeof o === 'object') {
      Object.freeze(o);
      for (const v of Object.values(o)) deepFreeze(v);
    }
    return o;
  }
  it('writes only to its copy, whatever it defaults', () => {
    const spec: PspSpec = {
      ...RUN_AS_ANY, runAsUser: { rule: 'MustRunAs', ranges: [{ min: 5, max: 5 }] }, runAsGroup: { rule: 'MustRunAs', ranges: [{ min: 6, max: 6 }] },
      fsGroup: { rule: 'MustRunAs', ranges: [{ min: 7, max: 7 }] }, supplementalGroups: { rule: 'MustRunAs', ranges: [{ min: 8, max: 8 }] },
      seLinux: { rule: 'MustRunAs', seLinuxOptions: { level: 's0' } }, defaultAddCapabilities: ['CHOWN'], requiredDropCapabilities: ['ALL'],
      readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, runtimeClass: { allowedRuntimeClassNames: ['*'], defaultRuntimeClassName: 'gvisor' },
    };
    const annotations = {
      'seccomp.security.alpha.kubernetes.io/allowedProfileNames': 'runtime/default', 'seccomp.security.alpha.kubernetes.io/defaultProfileName': 'runtime/default',
      'apparmor.security.beta.kubernetes.io/allowedProfileNames': 'runtime/default', 'apparmor.security.beta.kubernetes.io/defaultProfileName': 'runtime/default',
    };
    const input = deepFreeze(aPod({
      annotations: { a: 'b' }, spec: { securityContext: {}, initContainers: [aContainer('init', { securityContext: { capabilities: { add: ['KILL'] } } })] },
      container: { securityContext: { privileged: false } },
    }));
    const before = JSON.stringify(input);
    const out = mutated(spec, input, annotations);
    expect(JSON.stringify(input)).toBe(before);
    expect(out.spec.containers[0].securityContext).toEqual({ privileged: false, runAsUser: 5, runAsGroup: 6, capabilities: { add: ['CHOWN'], drop: ['ALL'] }, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(out.spec.securityContext).toEqual({ supplementalGroups: [8], fsGroup: 7, seLinuxOptions: { level: 's0' } });
    expect(out.spec.runtimeClassName).toBe('gvisor');
    expect(out.metadata.annotations).toEqual({
      a: 'b', 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default',
      'container.apparmor.security.beta.kubernetes.io/init': 'runtime/default', 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default',
    });
  });
});
