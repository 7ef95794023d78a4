import { describe, expect, it } from 'vitest';
import type { Pod } from '../admission/pod';
import { CHECKS, checksFor, type CheckId } from './checks';
import { evaluatePod, evaluatePodAt, evaluateWorkload, podTemplateOf, refusalMessage, violationMessage, warningMessage } from './evaluate';
import { handWrittenCases, RESTRICTED_SC } from './cases';
import type { PssLevel, PssVersion } from './version';

const cases = new Map(handWrittenCases().map((k) => [k.name, k.pod]));
const P = (name: string) => {
  const p = cases.get(name);
  if (!p) throw new Error(name);
  return p;
};

function ids(pod: Pod, level: PssLevel, version: PssVersion, serverMinor = 37): CheckId[] {
  return evaluatePod(pod, { level, version }, { serverMinor }).violations.map((v) => v.id);
}

function detail(pod: Pod, level: PssLevel, version: PssVersion, serverMinor = 37): string {
  return evaluatePod(pod, { level, version }, { serverMinor }).detail;
}

function restricted(spec: Partial<Pod['spec']> = {}, containerSc: Record<string, unknown> = {}): Pod {
  return { metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'x', securityContext: { ...RESTRICTED_SC, ...containerSc } }], ...spec } as Pod['spec'] };
}

describe('registry', () => {
  it('orders baseline IDs then restricted IDs, each sorted by byte order', () => {
    expect(checksFor('restricted', 37).map((c) => c.id)).toEqual([
      'appArmorProfile', 'hostNamespaces', 'hostPorts', 'hostProbesAndHostLifecycle', 'privileged', 'seLinuxOptions', 'sysctls', 'windowsHostProcess',
      'allowPrivilegeEscalation', 'capabilities_restricted', 'procMount_restricted', 'restrictedVolumes', 'runAsNonRoot', 'runAsUser', 'seccompProfile_restricted',
    ]);
    expect(checksFor('baseline', 37).map((c) => c.id)).toEqual([
      'appArmorProfile', 'capabilities_baseline', 'hostNamespaces', 'hostPathVolumes', 'hostPorts', 'hostProbesAndHostLifecycle', 'privileged', 'procMount', 'seLinuxOptions', 'seccompProfile_baseline', 'sysctls', 'windowsHostProcess',
    ]);
  });

  it('restricted below v1.22 keeps capabilities_baseline, below v1.19 the annotation seccomp baseline', () => {
    expect(checksFor('restricted', 21).map((c) => c.id)).toContain('capabilities_baseline');
    expect(checksFor('restricted', 22).map((c) => c.id)).not.toContain('capabilities_baseline');
    expect(checksFor('restricted', 18).map((c) => c.id)).toContain('seccompProfile_baseline');
    expect(checksFor('restricted', 19).map((c) => c.id)).not.toContain('seccompProfile_baseline');
    expect(checksFor('restricted', 7).map((c) => c.id)).not.toContain('allowPrivilegeEscalation');
    expect(checksFor('restricted', 8).map((c) => c.id)).toContain('allowPrivilegeEscalation');
    expect(checksFor('restricted', 34).map((c) => c.id)).toContain('procMount');
    expect(checksFor('restricted', 35).map((c) => c.id)).not.toContain('procMount');
  });

  it('each check variant starts exactly at its minor (the previous one, or nothing, the minor before)', () => {
    for (const def of CHECKS) {
      const levels = def.level === 'baseline' ? (['baseline', 'restricted'] as const) : (['restricted'] as const);
      def.versions.forEach((v, i) => {
        for (const level of levels) {
          const at = (m: number) => checksFor(level, m).find((c) => c.id === def.id)?.check;
          // a restricted override hides the baseline check at restricted
          const hidden = (m: number) => level === 'restricted' && def.level === 'baseline' && CHECKS.some((r) => r.level === 'restricted' && r.versions.some((x, j) => x.minor <= m && (r.versions[j + 1]?.minor ?? Infinity) > m && x.overrides?.includes(def.id)));
          if (!hidden(v.minor)) expect(at(v.minor), `${def.id} ${level} v1.${v.minor}`).toBe(v);
          if (v.minor > 0 && !hidden(v.minor - 1)) expect(at(v.minor - 1), `${def.id} ${level} v1.${v.minor - 1}`).toBe(i === 0 ? undefined : def.versions[i - 1]);
        }
      });
    }
  });

  it('every check has strictly increasing versions', () => {
    for (const c of CHECKS) {
      const minors = c.versions.map((v) => v.minor);
      expect([...minors].sort((a, b) => a - b), c.id).toEqual(minors);
      expect(new Set(minors).size, c.id).toBe(minors.length);
    }
  });
});

describe('messages', () => {
  it('words a refusal, a warning and a violation as the plugin does', () => {
    const r = evaluatePod(P('ape-true'), { level: 'restricted', version: 'latest' });
    expect(violationMessage(r)).toBe('violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "a" must set securityContext.allowPrivilegeEscalation=false)');
    expect(refusalMessage('x', r)).toBe(`pods "x" is forbidden: ${violationMessage(r)}`);
    expect(warningMessage(r)).toBe('would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "a" must set securityContext.allowPrivilegeEscalation=false)');
  });

  it('keeps a version newer than the server as written, and evaluates it as the server\'s newest', () => {
    const r = evaluatePod(P('probe-hosts'), { level: 'baseline', version: 'v1.99' }, { serverMinor: 24 });
    expect(r.levelVersion).toBe('baseline:v1.99');
    expect(r.evaluatedMinor).toBe(24);
    expect(r.allowed).toBe(true);
  });

  it('joins several violations in check order', () => {
    expect(detail(P('everything'), 'restricted', 'latest')).toBe([
      'forbidden AppArmor profile (annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/a="unconfined"")',
      'host namespaces (hostNetwork=true, hostPID=true)',
      'hostPort (container "a" uses hostPort 53)',
      'privileged (container "init" must not set securityContext.privileged=true)',
      'seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type "spc_t")',
      'forbidden sysctls (kernel.msgmax)',
      'allowPrivilegeEscalation != false (containers "init", "a" must set securityContext.allowPrivilegeEscalation=false)',
      'unrestricted capabilities (containers "init", "a" must set securityContext.capabilities.drop=["ALL"]; containers "init", "a" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add)',
      'restricted volume types (volume "root" uses restricted volume type "hostPath")',
      'runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)',
      'runAsUser=0 (pod must not set runAsUser=0)',
      'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")',
    ].join(', '));
  });
});

describe('baseline checks', () => {
  it('privileged', () => {
    expect(detail(P('privileged-two'), 'baseline', 'v1.0')).toBe('privileged (containers "i", "a" must not set securityContext.privileged=true)');
    expect(ids(P('bare'), 'baseline', 'v1.0')).toEqual([]);
  });

  it('hostNamespaces', () => {
    expect(detail(P('host-namespaces'), 'baseline', 'latest')).toBe('host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)');
  });

  it('hostPorts: ports sorted as text, uses/use', () => {
    expect(detail(P('host-ports-text-order'), 'baseline', 'latest')).toBe('hostPort (containers "a", "b" use hostPorts 10000, 80, 9)');
    expect(detail(P('host-port-one'), 'baseline', 'latest')).toBe('hostPort (container "a" uses hostPort 8080)');
  });

  it('hostPathVolumes at baseline, restrictedVolumes instead at restricted', () => {
    expect(detail(P('host-paths-two'), 'baseline', 'latest')).toBe('hostPath volumes (volumes "h1", "h2")');
    expect(ids(P('host-paths-two'), 'restricted', 'latest')).not.toContain('hostPathVolumes');
    expect(ids(P('host-paths-two'), 'restricted', 'latest')).toContain('restrictedVolumes');
  });

  it('capabilities_baseline', () => {
    expect(detail(P('caps-net-admin'), 'baseline', 'latest')).toBe('non-default capabilities (container "a" must not include "NET_ADMIN", "SYS_TIME" in securityContext.capabilities.add)');
    expect(ids(P('caps-default-set'), 'baseline', 'latest')).toEqual([]);
    // restricted before v1.22 uses the baseline capability check
    expect(ids(P('caps-default-set'), 'restricted', 'v1.21')).not.toContain('capabilities_restricted');
    expect(ids(P('caps-net-admin'), 'restricted', 'v1.21')).toContain('capabilities_baseline');
  });

  it('appArmorProfile: annotation wording before v1.30 servers, field wording after', () => {
    expect(detail(P('apparmor-annotations-two'), 'baseline', 'latest', 24)).toBe(
      'forbidden AppArmor profiles (container.apparmor.security.beta.kubernetes.io/a="unconfined", container.apparmor.security.beta.kubernetes.io/b="unconfined")',
    );
    expect(detail(P('apparmor-annotation-unconfined'), 'baseline', 'latest', 37)).toBe(
      'forbidden AppArmor profile (annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/a="unconfined"")',
    );
    expect(detail(P('apparmor-field-container'), 'baseline', 'latest', 37)).toBe('forbidden AppArmor profile (container "a" must not set AppArmor profile type to "Unconfined")');
    expect(ids(P('apparmor-annotation-allowed'), 'baseline', 'latest')).toEqual([]);
    expect(ids(P('apparmor-field-unconfined'), 'baseline', 'latest', 24)).toEqual([]);
  });

  it('seLinuxOptions: container_engine_t from v1.31; servers before v1.26 name user/role only with a bad type', () => {
    expect(ids(P('selinux-container-engine'), 'baseline', 'v1.30')).toEqual(['seLinuxOptions']);
    expect(ids(P('selinux-container-engine'), 'baseline', 'v1.31')).toEqual([]);
    expect(detail(P('selinux-user-only'), 'baseline', 'latest', 37)).toBe('seLinuxOptions (container "a" set forbidden securityContext.seLinuxOptions: user may not be set)');
    expect(detail(P('selinux-user-only'), 'baseline', 'latest', 24)).toBe('seLinuxOptions (container "a" set forbidden securityContext.seLinuxOptions: )');
    expect(detail(P('selinux-user-only'), 'baseline', 'latest', 25)).toBe('seLinuxOptions (container "a" set forbidden securityContext.seLinuxOptions: )');
    expect(detail(P('selinux-user-only'), 'baseline', 'latest', 26)).toBe('seLinuxOptions (container "a" set forbidden securityContext.seLinuxOptions: user may not be set)');
    expect(detail(P('selinux-user-role-type'), 'baseline', 'latest')).toBe(
      'seLinuxOptions (pod and container "a" set forbidden securityContext.seLinuxOptions: types "other_t", "unconfined_t"; user may not be set; role may not be set)',
    );
    expect(ids(P('selinux-level-only'), 'baseline', 'latest')).toEqual([]);
  });

  it('procMount: relaxed for hostUsers: false at baseline from v1.35, never at restricted', () => {
    expect(ids(P('proc-mount-unmasked'), 'baseline', 'v1.34')).toEqual(['procMount']);
    expect(ids(P('proc-mount-unmasked'), 'baseline', 'v1.35')).toEqual([]);
    expect(ids(P('proc-mount-unmasked'), 'restricted', 'v1.35')).toContain('procMount_restricted');
    expect(detail(P('proc-mount-unmasked'), 'baseline', 'v1.34')).toBe('procMount (container "a" must not set securityContext.procMount to "Unmasked")');
    expect(ids(P('proc-mount-default'), 'baseline', 'latest')).toEqual([]);
  });

  it('seccompProfile_baseline: annotations before v1.19, fields from v1.19', () => {
    expect(detail(P('seccomp-annotation-pod-unconfined'), 'baseline', 'v1.18')).toBe('seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined")');
    expect(ids(P('seccomp-annotation-pod-unconfined'), 'baseline', 'v1.19')).toEqual([]);
    expect(ids(P('seccomp-pod-unconfined'), 'baseline', 'v1.18')).toEqual([]);
    expect(detail(P('seccomp-pod-unconfined'), 'baseline', 'v1.19')).toBe('seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")');
    expect(ids(P('seccomp-annotation-runtime-default'), 'baseline', 'v1.0')).toEqual([]);
  });

  it('sysctls: the allowed list grows at v1.27, v1.29, v1.32, v1.37', () => {
    const p = P('sysctls-by-version');
    expect(detail(p, 'baseline', 'v1.26')).toBe('forbidden sysctls (net.ipv4.ip_local_reserved_ports, net.ipv4.tcp_keepalive_time, net.ipv4.tcp_rmem, net.ipv4.tcp_slow_start_after_idle)');
    expect(detail(p, 'baseline', 'v1.27')).toBe('forbidden sysctls (net.ipv4.tcp_keepalive_time, net.ipv4.tcp_rmem, net.ipv4.tcp_slow_start_after_idle)');
    expect(detail(p, 'baseline', 'v1.29')).toBe('forbidden sysctls (net.ipv4.tcp_rmem, net.ipv4.tcp_slow_start_after_idle)');
    expect(detail(p, 'baseline', 'v1.32')).toBe('forbidden sysctls (net.ipv4.tcp_slow_start_after_idle)');
    expect(ids(p, 'baseline', 'v1.37')).toEqual([]);
    expect(ids(p, 'baseline', 'latest', 24)).toEqual(['sysctls']);
    expect(ids(P('sysctls-safe'), 'baseline', 'v1.0')).toEqual([]);
  });

  it('windowsHostProcess', () => {
    expect(detail(P('windows-host-process'), 'baseline', 'latest')).toBe(
      'host namespaces (hostNetwork=true), hostProcess (pod must not set securityContext.windowsOptions.hostProcess=true)',
    );
  });

  it('hostProbesAndHostLifecycle from v1.34: containers and hosts sorted', () => {
    expect(ids(P('probe-hosts'), 'baseline', 'v1.33')).toEqual([]);
    expect(detail(P('probe-hosts'), 'baseline', 'v1.34')).toBe('probe or lifecycle host (containers "a", "b" use probe or lifecycle hosts "10.0.0.1", "example.com")');
    expect(ids(P('probe-no-host'), 'baseline', 'latest')).toEqual([]);
    expect(ids(P('probe-hosts'), 'baseline', 'latest', 33)).toEqual([]);
  });
});

describe('restricted checks', () => {
  it('a restricted pod passes at every version', () => {
    for (let m = 0; m <= 37; m++) expect(ids(P('restricted-ok'), 'restricted', `v1.${m}`), `v1.${m}`).toEqual([]);
  });

  it('allowPrivilegeEscalation from v1.8', () => {
    expect(ids(P('ape-true'), 'restricted', 'v1.7')).toEqual([]);
    expect(detail(P('ape-true'), 'restricted', 'v1.8')).toBe('allowPrivilegeEscalation != false (container "a" must set securityContext.allowPrivilegeEscalation=false)');
  });

  it('capabilities_restricted from v1.22', () => {
    expect(detail(P('caps-restricted-chown'), 'restricted', 'v1.22')).toBe(
      'unrestricted capabilities (container "b" must set securityContext.capabilities.drop=["ALL"]; container "a" must not include "CHOWN" in securityContext.capabilities.add)',
    );
    expect(ids(P('caps-restricted-chown'), 'restricted', 'v1.21')).toEqual([]);
    expect(ids(P('caps-restricted-nbs'), 'restricted', 'latest')).toEqual([]);
    expect(ids(P('caps-drop-lowercase-all'), 'restricted', 'latest')).toEqual(['capabilities_restricted']);
  });

  it('runAsNonRoot: explicit false before implicit', () => {
    expect(detail(P('run-as-non-root-pod-false'), 'restricted', 'latest')).toBe('runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)');
    expect(detail(P('run-as-non-root-container-false'), 'restricted', 'latest')).toBe('runAsNonRoot != true (container "a" must not set securityContext.runAsNonRoot=false)');
    expect(detail(P('run-as-non-root-pod-and-container-false'), 'restricted', 'latest')).toBe('runAsNonRoot != true (pod and container "a" must not set securityContext.runAsNonRoot=false)');
    expect(detail(P('restricted-two-containers-one-bare'), 'restricted', 'latest')).toContain('runAsNonRoot != true (pod or container "b" must set securityContext.runAsNonRoot=true)');
    expect(ids(P('restricted-pod-level'), 'restricted', 'latest')).toEqual([]);
  });

  it('runAsUser from v1.23; hostUsers: false exempts runAsUser and runAsNonRoot from v1.35', () => {
    expect(ids(P('run-as-user-zero-container'), 'restricted', 'v1.22')).toEqual([]);
    expect(detail(P('run-as-user-zero-container'), 'restricted', 'v1.23')).toBe('runAsUser=0 (container "a" must not set runAsUser=0)');
    expect(detail(P('run-as-user-zero-pod'), 'restricted', 'v1.23')).toBe('runAsUser=0 (pod must not set runAsUser=0)');
    expect(ids(P('host-users-false-root'), 'restricted', 'v1.34')).toEqual(['runAsNonRoot', 'runAsUser']);
    expect(ids(P('host-users-false-root'), 'restricted', 'v1.35')).toEqual([]);
    expect(ids(P('run-as-user-1000'), 'restricted', 'latest')).toEqual([]);
  });

  it('seccompProfile_restricted from v1.19', () => {
    expect(detail(P('seccomp-container-unconfined'), 'restricted', 'latest')).toBe('seccompProfile (container "a" must not set securityContext.seccompProfile.type to "Unconfined")');
    expect(detail(P('seccomp-pod-runtime-container-unconfined'), 'restricted', 'latest')).toBe('seccompProfile (container "a" must not set securityContext.seccompProfile.type to "Unconfined")');
    expect(ids(P('seccomp-pod-set-containers-not'), 'restricted', 'latest')).toEqual([]);
    expect(ids(P('seccomp-localhost'), 'restricted', 'latest')).toEqual([]);
    const noSeccomp = restricted({}, { seccompProfile: undefined });
    expect(detail(noSeccomp, 'restricted', 'v1.19')).toBe('seccompProfile (pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")');
    expect(ids(noSeccomp, 'restricted', 'v1.18')).toEqual([]);
  });

  it('restrictedVolumes: types sorted, uses/use; image allowed on v1.33+ servers, cinder unknown on v1.26', () => {
    expect(detail(P('volumes-restricted'), 'restricted', 'latest')).toBe(
      'restricted volume types (volumes "n", "g", "h", "i", "f", "ceph" use restricted volume types "cephfs", "flexVolume", "gitRepo", "hostPath", "iscsi", "nfs")',
    );
    expect(ids(P('volumes-allowed'), 'restricted', 'latest')).toEqual([]);
    const image = restricted({ volumes: [{ name: 'img', image: { reference: 'x' } }] });
    expect(ids(image, 'restricted', 'latest', 37)).toEqual([]);
    expect(ids(image, 'restricted', 'latest', 33)).toEqual([]);
    expect(detail(image, 'restricted', 'latest', 32)).toBe('restricted volume types (volume "img" uses restricted volume type "unknown")');
    const cinder = restricted({ volumes: [{ name: 'c', cinder: { volumeID: 'v' } }] });
    expect(detail(cinder, 'restricted', 'latest', 26)).toBe('restricted volume types (volume "c" uses restricted volume type "unknown")');
    expect(detail(cinder, 'restricted', 'latest', 27)).toBe('restricted volume types (volume "c" uses restricted volume type "cinder")');
  });

  it('Windows pods are exempt from allowPrivilegeEscalation, capabilities and seccomp from v1.25', () => {
    expect(ids(P('windows-os-bare'), 'restricted', 'v1.24')).toEqual(['allowPrivilegeEscalation', 'capabilities_restricted', 'seccompProfile_restricted']);
    expect(ids(P('windows-os-bare'), 'restricted', 'v1.25')).toEqual([]);
    expect(ids(P('windows-os-bare'), 'restricted', 'latest', 24)).toHaveLength(3);
    expect(ids(P('windows-os-no-run-as'), 'restricted', 'latest')).toEqual(['runAsNonRoot']);
  });

  it('privileged evaluates nothing', () => {
    expect(evaluatePod(P('everything'), { level: 'privileged', version: 'v1.0' }).allowed).toBe(true);
  });
});

describe('evaluatePodAt', () => {
  it('equals evaluatePod at each level and version, on every corpus pod', () => {
    const lvs = (['baseline', 'restricted', 'privileged'] as const).flatMap((level) => ['v1.0', 'v1.18', 'v1.22', 'v1.25', 'v1.31', 'v1.35', 'latest'].map((version) => ({ level, version: version as PssVersion })));
    for (const k of handWrittenCases()) {
      for (const server of [24, 37]) {
        const all = evaluatePodAt(k.pod, lvs, { serverMinor: server });
        lvs.forEach((lv, i) => expect(all[i], `${k.name} ${lv.level}:${lv.version} @${server}`).toEqual(evaluatePodAt(k.pod, [lv], { serverMinor: server })[0]));
      }
    }
  });
});

describe('workloads', () => {
  const spec = { containers: [{ name: 'a', image: 'x', securityContext: { privileged: true } }] };
  const template = { metadata: { labels: { app: 'a' } }, spec };
  const kinds: [string, Record<string, unknown>][] = [
    ['Deployment', { replicas: 0, template }], ['ReplicaSet', { template }], ['StatefulSet', { template }], ['DaemonSet', { template }],
    ['Job', { template }], ['ReplicationController', { replicas: 0, template }], ['CronJob', { jobTemplate: { spec: { template } } }],
  ];
  it.each(kinds)('%s: its pod template is evaluated (replicas play no part)', (kind, s) => {
    const r = evaluateWorkload({ kind, metadata: { name: 'w' }, spec: s }, { level: 'baseline', version: 'latest' })!;
    expect(r.detail).toBe('privileged (container "a" must not set securityContext.privileged=true)');
  });
  it('a bare Pod is itself; a kind without a template is skipped', () => {
    expect(evaluateWorkload({ kind: 'Pod', metadata: { name: 'p' }, spec }, { level: 'baseline', version: 'latest' })!.allowed).toBe(false);
    expect(podTemplateOf({ kind: 'Service', spec: {} })).toBeUndefined();
    expect(podTemplateOf({ kind: 'ReplicationController', spec: {} })).toBeUndefined();
  });
});
