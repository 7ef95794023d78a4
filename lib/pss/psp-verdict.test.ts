import { describe, expect, it } from 'vitest';
import type { Psp } from '../model/types';
import { applyApiDefaults } from '../admission/api-defaults';
import { applySeccompVersionSkew } from '../admission/storage';
import { selectPolicy } from '../admission/select-policy';
import { pspFromTemplate } from '../plan/templates';
import { handWrittenCases, randomCases } from './cases';
import { evaluatePod } from './evaluate';
import { pspVerdict } from './psp-verdict';

function psp(name: string, spec: Psp['spec'], annotations?: Record<string, string>): Psp {
  return { kind: 'PodSecurityPolicy', metadata: { name, ...(annotations ? { annotations } : {}) }, spec };
}

const RESTRICTED_PSP = psp('restricted', {
  privileged: false, allowPrivilegeEscalation: false, requiredDropCapabilities: ['ALL'],
  volumes: ['configMap', 'emptyDir', 'projected', 'secret', 'downwardAPI', 'csi', 'persistentVolumeClaim', 'ephemeral'],
  hostNetwork: false, hostIPC: false, hostPID: false,
  runAsUser: { rule: 'MustRunAsNonRoot' }, seLinux: { rule: 'MustRunAs', seLinuxOptions: { type: 'container_t', level: 's0:c1,c2' } },
  supplementalGroups: { rule: 'MustRunAs', ranges: [{ min: 1, max: 65535 }] }, fsGroup: { rule: 'MustRunAs', ranges: [{ min: 1, max: 65535 }] },
  readOnlyRootFilesystem: true, allowedCSIDrivers: [{ name: 'csi.example.com' }],
}, {
  'seccomp.security.alpha.kubernetes.io/allowedProfileNames': 'runtime/default,docker/default',
  'seccomp.security.alpha.kubernetes.io/defaultProfileName': 'runtime/default',
  'apparmor.security.beta.kubernetes.io/allowedProfileNames': 'runtime/default',
  'apparmor.security.beta.kubernetes.io/defaultProfileName': 'runtime/default',
});

const BASELINE_PSP = psp('baseline', {
  privileged: false, allowedCapabilities: ['CHOWN', 'NET_BIND_SERVICE'], volumes: ['configMap', 'secret', 'emptyDir', 'nfs', 'projected'],
  runAsUser: { rule: 'MustRunAs', ranges: [{ min: 1000, max: 2000 }] }, seLinux: { rule: 'MustRunAs', seLinuxOptions: { type: 'container_t' } },
  supplementalGroups: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' }, allowedUnsafeSysctls: [], forbiddenSysctls: ['kernel.shm_rmid_forced'],
}, {
  'seccomp.security.alpha.kubernetes.io/allowedProfileNames': 'runtime/default,docker/default,localhost/*',
  'apparmor.security.beta.kubernetes.io/allowedProfileNames': 'runtime/default,localhost/*',
});

const PRIVILEGED_PSP = psp('privileged', {
  privileged: true, allowPrivilegeEscalation: true, allowedCapabilities: ['*'], volumes: ['*'], hostNetwork: true, hostPorts: [{ min: 0, max: 65535 }],
  hostIPC: true, hostPID: true, runAsUser: { rule: 'RunAsAny' }, seLinux: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' },
  allowedHostPaths: [{ pathPrefix: '/var/log', readOnly: true }], allowedUnsafeSysctls: ['net.core.*'],
}, { 'seccomp.security.alpha.kubernetes.io/allowedProfileNames': '*' });

describe('pspVerdict', () => {
  it('a restricted-looking PSP is baseline: no PSP rule guarantees runAsNonRoot=true', () => {
    const v = pspVerdict(RESTRICTED_PSP);
    expect(v.level).toBe('baseline');
    expect(v.looser.map((l) => [l.field, l.check, l.rulesOut])).toEqual([['spec.runAsUser', 'runAsNonRoot', 'restricted']]);
    expect(v.evaluatedMinor).toBe(24);
    expect(v.mutating.map((m) => m.field)).toEqual([
      'spec.requiredDropCapabilities', 'spec.allowPrivilegeEscalation', 'spec.runAsUser', 'spec.supplementalGroups', 'spec.fsGroup', 'spec.seLinux', 'spec.readOnlyRootFilesystem',
      'metadata.annotations[seccomp.security.alpha.kubernetes.io/defaultProfileName]', 'metadata.annotations[apparmor.security.beta.kubernetes.io/defaultProfileName]',
    ]);
    const gaps = v.gaps.map((g) => g.field);
    expect(gaps).toEqual(expect.arrayContaining(['spec.readOnlyRootFilesystem', 'spec.allowedCSIDrivers', 'spec.seLinux', 'spec.fsGroup', 'spec.runAsUser', 'spec.requiredDropCapabilities', 'spec.allowPrivilegeEscalation']));
    expect(v.gaps.find((g) => g.field === 'spec.runAsUser')?.allowedAfter).toBe('containers running as root (only restricted requires runAsNonRoot)');
  });

  it('at v1.34+ no PSP guarantees baseline: PSP never checks probe hosts', () => {
    const v = pspVerdict(RESTRICTED_PSP, { version: 'latest', serverMinor: 37 });
    expect(v.level).toBe('privileged');
    expect(v.looser.map((l) => l.check)).toEqual(['hostProbesAndHostLifecycle', 'runAsNonRoot']);
    expect(pspVerdict(RESTRICTED_PSP, { version: 'v1.33', serverMinor: 37 }).level).toBe('baseline');
  });

  it('a baseline PSP: baseline, and the fields that keep it from restricted', () => {
    const v = pspVerdict(BASELINE_PSP);
    expect(v.level).toBe('baseline');
    expect(new Set(v.looser.map((l) => l.check))).toEqual(new Set(['allowPrivilegeEscalation', 'capabilities_restricted', 'runAsNonRoot', 'restrictedVolumes']));
    expect(v.looser.every((l) => l.rulesOut === 'restricted')).toBe(true);
    expect(v.gaps.find((g) => g.field === 'spec.runAsUser')?.allowedAfter).toBe('any UID, root included, not only 1000-2000');
    expect(v.gaps.find((g) => g.field === 'spec.forbiddenSysctls')?.allowedAfter).toBe('the safe sysctls it forbids (kernel.shm_rmid_forced)');
    // before v1.19 the restricted seccomp check does not exist; before v1.8 neither does allowPrivilegeEscalation
    expect(pspVerdict(BASELINE_PSP, { version: 'v1.7' }).looser.map((l) => l.check)).not.toContain('allowPrivilegeEscalation');
    expect(pspVerdict(BASELINE_PSP, { version: 'v1.21' }).looser.map((l) => l.check)).not.toContain('capabilities_restricted');
  });

  it('a privileged PSP: privileged, every field that makes it so, and what is lost', () => {
    const v = pspVerdict(PRIVILEGED_PSP);
    expect(v.level).toBe('privileged');
    expect(new Set(v.looser.filter((l) => l.rulesOut === 'baseline').map((l) => l.check))).toEqual(new Set([
      'privileged', 'hostNamespaces', 'windowsHostProcess', 'hostPorts', 'hostPathVolumes', 'capabilities_baseline', 'seccompProfile_baseline', 'appArmorProfile', 'seLinuxOptions', 'sysctls',
    ]));
    expect(v.gaps.map((g) => g.field)).toEqual(expect.arrayContaining(['spec.allowedHostPaths', 'spec.allowedUnsafeSysctls']));
  });

  it('the app templates', () => {
    expect(pspVerdict(pspFromTemplate('privileged', 'p')).level).toBe('privileged');
    // the EKS restricted template leaves SELinux at RunAsAny: any type, user and role
    const r = pspVerdict(pspFromTemplate('restricted', 'r'));
    expect(r.level).toBe('privileged');
    expect(r.looser.filter((l) => l.rulesOut === 'baseline').map((l) => l.check)).toEqual(['seLinuxOptions']);
  });
});

describe('pspVerdict is sound: every pod the PSP admits (v1.24 PSP admission engine) meets its level', () => {
  // Pods the API server refuses as invalid never reach PSP; the PSP engine does not model that validation.
  const pods = [...handWrittenCases(), ...randomCases(4242, 400)].filter((k) => !k.invalid);
  const psps = [RESTRICTED_PSP, BASELINE_PSP, PRIVILEGED_PSP, pspFromTemplate('restricted', 'tpl-restricted'), pspFromTemplate('baseline', 'tpl-baseline')];
  it.each(psps.map((p) => [p.metadata.name, p] as const))('%s', (_name, p) => {
    const v = pspVerdict(p);
    let admitted = 0;
    for (const k of pods) {
      const r = selectPolicy({ pod: applyApiDefaults(k.pod), namespace: 'ns', psps: [p], isAuthorized: () => true, diffEveryPolicy: false });
      if (!r.allowed) continue;
      admitted++;
      const stored = applySeccompVersionSkew(r.pod!);
      const e = evaluatePod(stored, { level: v.level, version: 'latest' }, { serverMinor: 24 });
      expect(e.detail, `${k.name} admitted by ${p.metadata.name} (verdict ${v.level})`).toBe('');
    }
    expect(admitted).toBeGreaterThan(0);
  });
});

describe('pspVerdict gaps: host ports', () => {
  it('a range list short of every port is a gap; 0–65535 (eks.privileged) leaves nothing more to allow', () => {
    const some = pspVerdict(psp('some-ports', { privileged: true, hostNetwork: true, hostPorts: [{ min: 8000, max: 9000 }] }));
    expect(some.gaps.map((g) => g.field)).toContain('spec.hostPorts');
    const all = pspVerdict(psp('all-ports', { privileged: true, hostNetwork: true, hostPorts: [{ min: 0, max: 65535 }] }));
    expect(all.gaps.map((g) => g.field)).not.toContain('spec.hostPorts');
  });
});
