/**
 * Test pods for the Pod Security engine: hand-written pods for every check and its edge cases, and
 * seeded random pods. Shared by the unit tests and integration/pss-agreement.test.ts (which runs
 * them on real API servers). Test data only: nothing in the app imports it.
 */
import type { Container, Pod } from '../admission/pod';
import { seededRandom } from '../testing/prng';

export interface PodCase {
  name: string;
  pod: Pod;
  /** Why the API server refuses it as invalid (422) before Pod Security sees it, when it does. */
  invalid?: string;
}

const IMAGE = 'registry.k8s.io/pause:3.9';

export const RESTRICTED_SC = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };

function c(name: string, extra: Partial<Container> = {}): Container {
  return { name, image: IMAGE, ...extra };
}

function rc(name: string, sc: Record<string, unknown> = {}, extra: Partial<Container> = {}): Container {
  return c(name, { ...extra, securityContext: { ...RESTRICTED_SC, ...sc } });
}

function pod(name: string, spec: Partial<Pod['spec']>, annotations?: Record<string, string>): PodCase {
  return {
    name,
    pod: { apiVersion: 'v1', kind: 'Pod', metadata: { name, ...(annotations ? { annotations } : {}) }, spec: { containers: [c('a')], ...spec } as Pod['spec'] },
  };
}

/** Hand-written pods: each check, its boundaries and the wording of several violations together. */
export function handWrittenCases(): PodCase[] {
  return [
    pod('bare', {}),
    pod('restricted-ok', { containers: [rc('a')] }),
    pod('restricted-two-containers-one-bare', { containers: [rc('a'), c('b')] }),
    pod('restricted-init-bare', { initContainers: [c('init')], containers: [rc('a')] }),
    pod('restricted-pod-level', { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, containers: [c('a', { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } })] }),
    // privileged
    pod('privileged-one', { containers: [c('a', { securityContext: { privileged: true } })] }),
    pod('privileged-two', { initContainers: [c('i', { securityContext: { privileged: true } })], containers: [c('a', { securityContext: { privileged: true } }), c('b', { securityContext: { privileged: false } })] }),
    // host namespaces and ports
    pod('host-namespaces', { hostNetwork: true, hostPID: true, hostIPC: true }),
    pod('host-ipc', { hostIPC: true }),
    pod('host-network-defaulted-port', { hostNetwork: true, containers: [c('a', { ports: [{ containerPort: 8080 }] })] }),
    pod('host-ports-text-order', { containers: [c('a', { ports: [{ containerPort: 80, hostPort: 80 }] }), c('b', { ports: [{ containerPort: 10000, hostPort: 10000 }, { containerPort: 9, hostPort: 9 }] })] }),
    pod('host-port-one', { containers: [c('a', { ports: [{ containerPort: 8080, hostPort: 8080 }] }), rc('b')] }),
    // volumes
    pod('host-path', { volumes: [{ name: 'h', hostPath: { path: '/var/log' } }, { name: 'e', emptyDir: {} }] }),
    pod('host-paths-two', { volumes: [{ name: 'h1', hostPath: { path: '/a' } }, { name: 'h2', hostPath: { path: '/b', type: 'Directory' } }] }),
    pod('volumes-allowed', {
      containers: [rc('a')],
      volumes: [
        { name: 'cm', configMap: { name: 'x' } }, { name: 's', secret: { secretName: 'x' } }, { name: 'e', emptyDir: {} },
        { name: 'd', downwardAPI: { items: [{ path: 'l', fieldRef: { fieldPath: 'metadata.labels' } }] } },
        { name: 'p', projected: { sources: [{ configMap: { name: 'x' } }] } }, { name: 'pvc', persistentVolumeClaim: { claimName: 'c' } },
        { name: 'csi', csi: { driver: 'csi.example.com' } },
        { name: 'eph', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } } },
      ],
    }),
    pod('volumes-restricted', {
      containers: [rc('a')],
      volumes: [
        { name: 'n', nfs: { server: 'nfs.example.com', path: '/x' } }, { name: 'g', gitRepo: { repository: 'https://example.com/r.git' } },
        { name: 'h', hostPath: { path: '/tmp' } }, { name: 'i', iscsi: { targetPortal: '10.0.0.1:3260', iqn: 'iqn.2001-04.com.example:storage', lun: 0 } },
        { name: 'f', flexVolume: { driver: 'example/flex' } }, { name: 'ceph', cephfs: { monitors: ['10.0.0.1:6789'] } },
      ],
    }),
    pod('volume-one-restricted', { containers: [rc('a')], volumes: [{ name: 'aws', awsElasticBlockStore: { volumeID: 'vol-1' } }] }),
    // capabilities
    pod('caps-net-admin', { containers: [c('a', { securityContext: { capabilities: { add: ['NET_ADMIN', 'SYS_TIME'] } } })] }),
    pod('caps-default-set', { containers: [c('a', { securityContext: { capabilities: { add: ['CHOWN', 'KILL', 'NET_BIND_SERVICE'] } } })] }),
    pod('caps-restricted-nbs', { containers: [rc('a', { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } })] }),
    pod('caps-restricted-chown', { containers: [rc('a', { capabilities: { drop: ['ALL'], add: ['CHOWN'] } }), rc('b', { capabilities: { drop: ['NET_RAW'] } })] }),
    pod('caps-drop-lowercase-all', { containers: [rc('a', { capabilities: { drop: ['all'] } })] }),
    { ...pod('caps-cap-prefix', { containers: [rc('a', { capabilities: { drop: ['ALL'], add: ['CAP_SYS_ADMIN'] } })] }), invalid: 'allowPrivilegeEscalation: false with CAP_SYS_ADMIN' },
    // run as
    pod('run-as-non-root-pod-false', { securityContext: { runAsNonRoot: false }, containers: [c('a', { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } } })] }),
    pod('run-as-non-root-container-false', { securityContext: { runAsNonRoot: true }, containers: [rc('a', { runAsNonRoot: false }), rc('b')] }),
    pod('run-as-non-root-pod-and-container-false', { securityContext: { runAsNonRoot: false }, containers: [rc('a', { runAsNonRoot: false })] }),
    pod('run-as-user-zero-pod', { securityContext: { runAsUser: 0 }, containers: [rc('a')] }),
    pod('run-as-user-zero-container', { containers: [rc('a', { runAsUser: 0 }), rc('b', { runAsUser: 1000 })] }),
    pod('run-as-user-1000', { securityContext: { runAsUser: 1000 }, containers: [rc('a')] }),
    // seccomp
    pod('seccomp-pod-unconfined', { securityContext: { seccompProfile: { type: 'Unconfined' } } }),
    pod('seccomp-container-unconfined', { containers: [rc('a', { seccompProfile: { type: 'Unconfined' } }), rc('b')] }),
    pod('seccomp-pod-runtime-container-unconfined', { securityContext: { seccompProfile: { type: 'RuntimeDefault' } }, containers: [rc('a', { seccompProfile: { type: 'Unconfined' } })] }),
    pod('seccomp-localhost', { containers: [rc('a', { seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/a.json' } })] }),
    pod('seccomp-pod-set-containers-not', { securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } }, containers: [c('a', { securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } } })] }),
    pod('seccomp-annotation-pod-unconfined', {}, { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' }),
    pod('seccomp-annotation-container-unconfined', { containers: [c('a'), c('b')] }, { 'container.seccomp.security.alpha.kubernetes.io/b': 'unconfined' }),
    pod('seccomp-annotation-runtime-default', {}, { 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' }),
    // AppArmor
    pod('apparmor-annotation-unconfined', { containers: [c('a'), c('b')] }, { 'container.apparmor.security.beta.kubernetes.io/a': 'unconfined' }),
    pod('apparmor-annotations-two', { containers: [c('a'), c('b')] }, { 'container.apparmor.security.beta.kubernetes.io/b': 'unconfined', 'container.apparmor.security.beta.kubernetes.io/a': 'unconfined' }),
    pod('apparmor-annotation-allowed', { containers: [c('a'), c('b')] }, { 'container.apparmor.security.beta.kubernetes.io/a': 'runtime/default', 'container.apparmor.security.beta.kubernetes.io/b': 'localhost/my-profile' }),
    pod('apparmor-field-unconfined', { securityContext: { appArmorProfile: { type: 'Unconfined' } } }),
    pod('apparmor-field-container', { containers: [c('a', { securityContext: { appArmorProfile: { type: 'Unconfined' } } }), c('b', { securityContext: { appArmorProfile: { type: 'RuntimeDefault' } } })] }),
    // SELinux
    pod('selinux-type-spc', { securityContext: { seLinuxOptions: { type: 'spc_t' } } }),
    pod('selinux-user-only', { containers: [c('a', { securityContext: { seLinuxOptions: { user: 'system_u' } } })] }),
    pod('selinux-user-role-type', { securityContext: { seLinuxOptions: { type: 'unconfined_t', user: 'u', role: 'r' } }, containers: [c('a', { securityContext: { seLinuxOptions: { type: 'other_t' } } })] }),
    pod('selinux-container-engine', { securityContext: { seLinuxOptions: { type: 'container_engine_t' } } }),
    pod('selinux-level-only', { securityContext: { seLinuxOptions: { level: 's0:c123,c456', type: 'container_t' } } }),
    // procMount
    pod('proc-mount-unmasked', { hostUsers: false, containers: [c('a', { securityContext: { procMount: 'Unmasked' } })] }),
    pod('proc-mount-default', { containers: [c('a', { securityContext: { procMount: 'Default' } })] }),
    // sysctls
    pod('sysctls-safe', { securityContext: { sysctls: [{ name: 'kernel.shm_rmid_forced', value: '1' }, { name: 'net.ipv4.ip_unprivileged_port_start', value: '80' }] } }),
    pod('sysctls-by-version', {
      securityContext: {
        sysctls: [
          { name: 'net.ipv4.ip_local_reserved_ports', value: '8080' }, { name: 'net.ipv4.tcp_keepalive_time', value: '600' },
          { name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' }, { name: 'net.ipv4.tcp_slow_start_after_idle', value: '0' },
        ],
      },
    }),
    pod('sysctls-unsafe', { securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '65536' }, { name: 'net.core.somaxconn', value: '1024' }] } }),
    pod('sysctl-1-29', { securityContext: { sysctls: [{ name: 'net.ipv4.tcp_fin_timeout', value: '30' }] } }),
    // Windows
    pod('windows-host-process', { hostNetwork: true, securityContext: { windowsOptions: { hostProcess: true, runAsUserName: 'NT AUTHORITY\\SYSTEM' } } }),
    pod('windows-os-bare', { os: { name: 'windows' }, securityContext: { runAsNonRoot: true } }),
    pod('windows-os-no-run-as', { os: { name: 'windows' } }),
    pod('linux-os-restricted', { os: { name: 'linux' }, containers: [rc('a')] }),
    // probes and lifecycle hosts
    pod('probe-hosts', {
      containers: [
        c('b', { livenessProbe: { httpGet: { host: 'example.com', port: 80, path: '/' } }, readinessProbe: { tcpSocket: { host: '10.0.0.1', port: 80 } } }),
        c('a', { lifecycle: { postStart: { httpGet: { host: 'example.com', port: 80 } } } }),
      ],
    }),
    pod('probe-no-host', { containers: [c('a', { livenessProbe: { httpGet: { port: 80, path: '/' } } })] }),
    // user namespaces
    pod('host-users-false-root', { hostUsers: false, securityContext: { runAsUser: 0 }, containers: [c('a', { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } } })] }),
    // privilege escalation
    pod('ape-true', { containers: [rc('a', { allowPrivilegeEscalation: true }), rc('b', { allowPrivilegeEscalation: false })] }),
    // edge cases
    pod('caps-empty-object', { containers: [c('a', { securityContext: { capabilities: {} } })] }),
    pod('host-port-zero', { containers: [c('a', { ports: [{ containerPort: 80, hostPort: 0 }] })] }),
    pod('selinux-empty', { securityContext: { seLinuxOptions: {} }, containers: [c('a', { securityContext: { seLinuxOptions: { type: '' } } })] }),
    pod('windows-host-process-false', { securityContext: { windowsOptions: { hostProcess: false } } }),
    pod('apparmor-annotation-empty', {}, { 'container.apparmor.security.beta.kubernetes.io/a': '' }),
    { ...pod('apparmor-annotation-other-container', {}, { 'container.apparmor.security.beta.kubernetes.io/nope': 'unconfined' }), invalid: 'an AppArmor annotation must name a container of the pod' },
    pod('seccomp-annotation-localhost', {}, { 'seccomp.security.alpha.kubernetes.io/pod': 'localhost/profile.json' }),
    pod('sidecar-probe-host', {
      initContainers: [c('sidecar', { restartPolicy: 'Always', readinessProbe: { tcpSocket: { host: 'db.internal', port: 5432 } } })],
      containers: [rc('a', { seccompProfile: { type: 'RuntimeDefault' } }, { startupProbe: { httpGet: { host: 'a.example.com', port: 80 } } })],
    }),
    pod('run-as-non-root-pod-true-container-unset', { securityContext: { runAsNonRoot: true, runAsUser: 0 }, containers: [rc('a', { runAsNonRoot: undefined })] }),
    pod('many-containers-drop', { containers: [rc('a'), rc('b', { capabilities: { add: ['NET_BIND_SERVICE'] } }), rc('c', { capabilities: { drop: ['ALL'], add: ['SYS_PTRACE', 'AUDIT_WRITE'] } })] }),
    // many at once
    pod('everything', {
      hostNetwork: true, hostPID: true,
      securityContext: { runAsUser: 0, runAsNonRoot: false, seccompProfile: { type: 'Unconfined' }, sysctls: [{ name: 'kernel.msgmax', value: '1' }], seLinuxOptions: { type: 'spc_t' } },
      initContainers: [c('init', { securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'] } } })],
      containers: [c('a', { ports: [{ containerPort: 53, hostPort: 53 }], securityContext: { allowPrivilegeEscalation: true, capabilities: { add: ['NET_RAW'] } } })],
      volumes: [{ name: 'root', hostPath: { path: '/' } }],
    }, { 'container.apparmor.security.beta.kubernetes.io/a': 'unconfined' }),
  ];
}

// ---------------------------------------------------------------------------------------------
// Random pods

/** Seeded random pods over the fields the checks read (some will be invalid and refused with 422). */
export function randomCases(seed: number, count: number): PodCase[] {
  const rnd = seededRandom(seed);
  const chance = (p: number) => rnd() < p;
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
  const out: PodCase[] = [];
  for (let i = 0; i < count; i++) {
    const name = `random-${i}`;
    const annotations: Record<string, string> = {};
    const spec: Record<string, unknown> = {};
    const psc: Record<string, unknown> = {};
    if (chance(0.08)) spec.hostNetwork = true;
    if (chance(0.05)) spec.hostPID = true;
    if (chance(0.05)) spec.hostIPC = true;
    if (chance(0.1)) spec.hostUsers = false;
    if (chance(0.3)) psc.runAsNonRoot = pick([true, true, false]);
    if (chance(0.2)) psc.runAsUser = pick([0, 1000, 65532]);
    if (chance(0.3)) psc.seccompProfile = pick([{ type: 'RuntimeDefault' }, { type: 'RuntimeDefault' }, { type: 'Unconfined' }, { type: 'Localhost', localhostProfile: 'p.json' }]);
    if (chance(0.1)) psc.seLinuxOptions = pick([{ type: 'container_t' }, { type: 'spc_t' }, { user: 'u' }, { type: 'container_engine_t', role: 'r' }]);
    if (chance(0.1)) {
      psc.sysctls = [pick(['kernel.shm_rmid_forced', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_rmem', 'kernel.msgmax', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_notsent_lowat'])]
        .map((n) => ({ name: n, value: n === 'net.ipv4.tcp_rmem' ? '4096 87380 6291456' : '1' }));
    }
    if (chance(0.05)) psc.appArmorProfile = { type: pick(['RuntimeDefault', 'Unconfined']) };
    if (Object.keys(psc).length > 0) spec.securityContext = psc;
    if (chance(0.05)) annotations['seccomp.security.alpha.kubernetes.io/pod'] = pick(['runtime/default', 'unconfined', 'docker/default']);

    const container = (cname: string): Container => {
      const sc: Record<string, unknown> = {};
      const restrictedish = chance(0.5);
      if (restrictedish) Object.assign(sc, JSON.parse(JSON.stringify(RESTRICTED_SC)));
      if (chance(0.1)) sc.privileged = true;
      if (chance(0.25)) sc.allowPrivilegeEscalation = pick([true, false, false]);
      if (chance(0.2)) sc.capabilities = { ...(chance(0.6) ? { drop: [pick(['ALL', 'ALL', 'NET_RAW'])] } : {}), ...(chance(0.6) ? { add: [pick(['NET_BIND_SERVICE', 'CHOWN', 'NET_ADMIN', 'SYS_ADMIN'])] } : {}) };
      if (chance(0.15)) sc.runAsNonRoot = pick([true, false]);
      if (chance(0.1)) sc.runAsUser = pick([0, 1001]);
      if (chance(0.15)) sc.seccompProfile = pick([{ type: 'RuntimeDefault' }, { type: 'Unconfined' }]);
      if (chance(0.05)) sc.seLinuxOptions = pick([{ type: 'spc_t' }, { role: 'r' }, { type: 'container_init_t' }]);
      if (chance(0.05)) sc.procMount = pick(['Default', 'Unmasked']);
      if (chance(0.05)) sc.appArmorProfile = { type: pick(['Unconfined', 'RuntimeDefault']) };
      const ctr: Container = c(cname);
      if (Object.keys(sc).length > 0) ctr.securityContext = sc;
      if (chance(0.1)) ctr.ports = [{ containerPort: pick([80, 8080, 443]), ...(chance(0.6) ? { hostPort: pick([80, 8080, 10000]) } : {}) }];
      if (chance(0.05)) ctr.livenessProbe = { httpGet: { port: 80, ...(chance(0.7) ? { host: pick(['example.com', '127.0.0.1']) } : {}) } };
      if (chance(0.05)) annotations[`container.apparmor.security.beta.kubernetes.io/${cname}`] = pick(['runtime/default', 'unconfined', 'localhost/p']);
      return ctr;
    };
    const n = 1 + Math.floor(rnd() * 2);
    spec.containers = Array.from({ length: n }, (_, j) => container(j === 0 ? 'main' : `side-${j}`));
    if (chance(0.2)) spec.initContainers = [container('init')];
    if (chance(0.25)) {
      spec.volumes = [pick([
        { name: 'v', emptyDir: {} }, { name: 'v', hostPath: { path: '/var/log' } }, { name: 'v', configMap: { name: 'cm' } },
        { name: 'v', nfs: { server: 'nfs.example.com', path: '/' } }, { name: 'v', secret: { secretName: 's' } },
      ])];
    }
    out.push({ name, pod: { apiVersion: 'v1', kind: 'Pod', metadata: { name, ...(Object.keys(annotations).length ? { annotations } : {}) }, spec: spec as Pod['spec'] } });
  }
  return out;
}
