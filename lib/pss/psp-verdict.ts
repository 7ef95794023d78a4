/**
 * PSP → Pod Security Standards: for one PodSecurityPolicy, the strictest level that every pod it
 * admits (as PSP stores it, after its defaults) meets, the PSP fields that make it looser, the fields
 * that mutate pods (which stop applying when PSP goes away), and the settings PSS has no equivalent
 * for: what becomes allowed after migrating to that level (the security gaps).
 */
import type { IdRange, Psp, PspSpec } from '../model/types';
import { APPARMOR_ALLOWED_ANNOTATION, APPARMOR_DEFAULT_ANNOTATION, SECCOMP_ALLOWED_ANNOTATION, SECCOMP_DEFAULT_ANNOTATION } from '../admission/strategies';
import { safeSysctls, type CheckId } from './checks';
import { effectiveMinor, type PssLevel, type PssVersion } from './version';

export interface LooserField {
  /** The PSP field (`spec.hostNetwork`, `metadata.annotations[…]`, or `(no PSP field)`). */
  field: string;
  value: string;
  /** The PSS check a pod admitted through this field can fail. */
  check: CheckId;
  /** The strictest level this field rules out (`baseline` rules out restricted too). */
  rulesOut: 'baseline' | 'restricted';
  why: string;
}

export interface MutatingField {
  field: string;
  value: string;
  /** What PSP writes into pods that leave the field unset; PSA never does this. */
  effect: string;
}

export interface SecurityGap {
  field: string;
  value: string;
  /** What a pod may do under PSS at the verdict's level that this PSP refuses. */
  allowedAfter: string;
}

export interface PspVerdict {
  psp: string;
  /** The policy version the verdict is for, as given, and the minor it evaluates as. */
  version: PssVersion;
  evaluatedMinor: number;
  level: PssLevel;
  looser: LooserField[];
  mutating: MutatingField[];
  gaps: SecurityGap[];
}

export interface VerdictOptions {
  /** Default `latest`. */
  version?: PssVersion;
  /** The server whose `latest` is meant; default 24 (the last minor that serves PSPs). */
  serverMinor?: number;
}

const BASELINE_CAPS = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

function list(v: string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  return v.split(',').map((s) => s.trim());
}

function ranges(r: IdRange[] | undefined): string {
  return (r ?? []).map((x) => (x.min === x.max ? `${x.min}` : `${x.min}-${x.max}`)).join(', ');
}

const rangeHasZero = (r: IdRange[] | undefined) => (r ?? []).some((x) => x.min <= 0 && x.max >= 0);

export function pspVerdict(psp: Psp, opts: VerdictOptions = {}): PspVerdict {
  const version = opts.version ?? 'latest';
  const minor = effectiveMinor(version, opts.serverMinor ?? 24);
  const s: PspSpec = psp.spec ?? {};
  const ann = psp.metadata.annotations ?? {};
  const looser: LooserField[] = [];
  const mutating: MutatingField[] = [];
  const gaps: SecurityGap[] = [];
  const loose = (field: string, value: unknown, check: CheckId, rulesOut: LooserField['rulesOut'], why: string) =>
    looser.push({ field, value: typeof value === 'string' ? value : JSON.stringify(value), check, rulesOut, why });

  // --- baseline
  if (s.privileged) loose('spec.privileged', true, 'privileged', 'baseline', 'privileged containers are admitted');
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC'] as const) if (s[f]) loose(`spec.${f}`, true, 'hostNamespaces', 'baseline', `${f}: true is admitted`);
  if (s.hostNetwork) loose('spec.hostNetwork', true, 'windowsHostProcess', 'baseline', 'Windows HostProcess pods (which need hostNetwork) are admitted');
  if ((s.hostPorts ?? []).some((r) => r.max > 0)) loose('spec.hostPorts', s.hostPorts, 'hostPorts', 'baseline', 'host ports are admitted');
  const volumes = s.volumes ?? [];
  const anyVolume = volumes.includes('*');
  if (anyVolume || volumes.includes('hostPath')) loose('spec.volumes', volumes, 'hostPathVolumes', 'baseline', 'hostPath volumes are admitted');
  const addable = [...(s.allowedCapabilities ?? []), ...(s.defaultAddCapabilities ?? [])];
  const nonDefault = addable.filter((c) => c === '*' || !BASELINE_CAPS.has(c));
  if (nonDefault.length > 0) loose('spec.allowedCapabilities', [...new Set(nonDefault)], 'capabilities_baseline', 'baseline', 'capabilities beyond the default set may be added');
  const seccompAllowed = list(ann[SECCOMP_ALLOWED_ANNOTATION]);
  if (!seccompAllowed || seccompAllowed.some((p) => p === '*' || p === 'unconfined')) {
    loose(`metadata.annotations[${SECCOMP_ALLOWED_ANNOTATION}]`, ann[SECCOMP_ALLOWED_ANNOTATION] ?? '(unset: any profile)', 'seccompProfile_baseline', 'baseline', 'an Unconfined seccomp profile is admitted');
  }
  const appArmorAllowed = list(ann[APPARMOR_ALLOWED_ANNOTATION]);
  if (!appArmorAllowed || appArmorAllowed.some((p) => p !== 'runtime/default' && !p.startsWith('localhost/'))) {
    loose(`metadata.annotations[${APPARMOR_ALLOWED_ANNOTATION}]`, ann[APPARMOR_ALLOWED_ANNOTATION] ?? '(unset: any profile)', 'appArmorProfile', 'baseline', 'an unconfined AppArmor profile is admitted');
  }
  const seLinux = s.seLinux ?? { rule: 'RunAsAny' };
  const seLinuxOpts = seLinux.seLinuxOptions ?? {};
  const seLinuxTypes = minor >= 31 ? ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'] : ['', 'container_t', 'container_init_t', 'container_kvm_t'];
  if (seLinux.rule !== 'MustRunAs' || !seLinuxTypes.includes(seLinuxOpts.type ?? '') || seLinuxOpts.user || seLinuxOpts.role) {
    loose('spec.seLinux', seLinux, 'seLinuxOptions', 'baseline', seLinux.rule === 'MustRunAs' ? 'the SELinux options it sets are forbidden' : 'any SELinux type, user and role are admitted');
  }
  if ((s.allowedProcMountTypes ?? []).includes('Unmasked')) {
    loose('spec.allowedProcMountTypes', s.allowedProcMountTypes, 'procMount', 'baseline', 'an Unmasked /proc is admitted');
  }
  const safe = new Set(safeSysctls(minor));
  const unsafe = (s.allowedUnsafeSysctls ?? []).filter((n) => n.includes('*') || !safe.has(n));
  if (unsafe.length > 0) loose('spec.allowedUnsafeSysctls', unsafe, 'sysctls', 'baseline', 'sysctls outside the safe set are admitted');
  if (minor >= 34) loose('(no PSP field)', 'probe and lifecycle hosts are never checked by PSP', 'hostProbesAndHostLifecycle', 'baseline', 'probes and lifecycle handlers with a host are admitted (checked by PSS from v1.34)');

  // --- restricted
  if (minor >= 8 && s.allowPrivilegeEscalation !== false) loose('spec.allowPrivilegeEscalation', s.allowPrivilegeEscalation ?? '(unset: true)', 'allowPrivilegeEscalation', 'restricted', 'privilege escalation is admitted');
  if (minor >= 22) {
    const dropsAll = (s.requiredDropCapabilities ?? []).includes('ALL');
    const beyondNbs = addable.filter((c) => c !== 'NET_BIND_SERVICE');
    if (!dropsAll) loose('spec.requiredDropCapabilities', s.requiredDropCapabilities ?? [], 'capabilities_restricted', 'restricted', 'containers need not drop ALL');
    if (beyondNbs.length > 0) loose('spec.allowedCapabilities', [...new Set(beyondNbs)], 'capabilities_restricted', 'restricted', 'capabilities other than NET_BIND_SERVICE may be added');
  }
  const runAsUser = s.runAsUser ?? { rule: 'RunAsAny' };
  const nonRoot = runAsUser.rule === 'MustRunAsNonRoot';
  // No PSP rule guarantees runAsNonRoot=true: MustRunAsNonRoot writes it only into containers that
  // set neither runAsUser nor runAsNonRoot, and admits a container with a non-zero runAsUser as it is.
  loose('spec.runAsUser', runAsUser, 'runAsNonRoot', 'restricted', nonRoot
    ? 'a container that sets a non-zero runAsUser is admitted without runAsNonRoot=true (PSP sets it only when both are unset)'
    : 'pods need not set runAsNonRoot=true');
  if (minor >= 23 && !nonRoot && !(runAsUser.rule === 'MustRunAs' && !rangeHasZero(runAsUser.ranges))) loose('spec.runAsUser', runAsUser, 'runAsUser', 'restricted', 'runAsUser: 0 is admitted');
  if (minor >= 19 && (!seccompAllowed || seccompAllowed.some((p) => p === '*' || p === 'unconfined'))) {
    loose(`metadata.annotations[${SECCOMP_ALLOWED_ANNOTATION}]`, ann[SECCOMP_ALLOWED_ANNOTATION] ?? '(unset)', 'seccompProfile_restricted', 'restricted', 'pods without a RuntimeDefault or Localhost seccomp profile are admitted');
  }
  const nonRestrictedVolumes = anyVolume ? ['*'] : volumes.filter((v) => !RESTRICTED_VOLUMES.has(v));
  if (nonRestrictedVolumes.length > 0) loose('spec.volumes', nonRestrictedVolumes, 'restrictedVolumes', 'restricted', 'volume types outside the restricted set are admitted');
  if (minor >= 35 && (s.allowedProcMountTypes ?? []).includes('Unmasked')) loose('spec.allowedProcMountTypes', s.allowedProcMountTypes, 'procMount_restricted', 'restricted', 'an Unmasked /proc is admitted');

  const level: PssLevel = looser.some((l) => l.rulesOut === 'baseline') ? 'privileged' : looser.length > 0 ? 'baseline' : 'restricted';

  // --- mutating fields
  const mut = (field: string, value: unknown, effect: string) => mutating.push({ field, value: typeof value === 'string' ? value : JSON.stringify(value), effect });
  if (s.defaultAddCapabilities?.length) mut('spec.defaultAddCapabilities', s.defaultAddCapabilities, 'adds these capabilities to every container');
  if (s.requiredDropCapabilities?.length) mut('spec.requiredDropCapabilities', s.requiredDropCapabilities, 'adds these to every container\'s capabilities.drop');
  if (s.defaultAllowPrivilegeEscalation !== undefined) mut('spec.defaultAllowPrivilegeEscalation', s.defaultAllowPrivilegeEscalation, 'sets allowPrivilegeEscalation on containers that leave it unset');
  else if (s.allowPrivilegeEscalation === false) mut('spec.allowPrivilegeEscalation', false, 'sets allowPrivilegeEscalation=false on containers that leave it unset');
  if (runAsUser.rule === 'MustRunAs') mut('spec.runAsUser', runAsUser, `sets runAsUser=${runAsUser.ranges?.[0]?.min ?? '?'} on containers that leave it unset`);
  if (nonRoot) mut('spec.runAsUser', runAsUser, 'sets runAsNonRoot=true on containers that set neither runAsUser nor runAsNonRoot');
  if (s.runAsGroup?.rule === 'MustRunAs') mut('spec.runAsGroup', s.runAsGroup, `sets runAsGroup=${s.runAsGroup.ranges?.[0]?.min ?? '?'} when unset`);
  if (s.supplementalGroups?.rule === 'MustRunAs') mut('spec.supplementalGroups', s.supplementalGroups, `sets supplementalGroups=[${s.supplementalGroups.ranges?.[0]?.min ?? '?'}] when unset`);
  if (s.fsGroup?.rule === 'MustRunAs') mut('spec.fsGroup', s.fsGroup, `sets fsGroup=${s.fsGroup.ranges?.[0]?.min ?? '?'} when unset`);
  if (seLinux.rule === 'MustRunAs') mut('spec.seLinux', seLinux, 'sets these seLinuxOptions when unset');
  if (s.readOnlyRootFilesystem) mut('spec.readOnlyRootFilesystem', true, 'sets readOnlyRootFilesystem=true on containers that leave it unset');
  if (ann[SECCOMP_DEFAULT_ANNOTATION]) mut(`metadata.annotations[${SECCOMP_DEFAULT_ANNOTATION}]`, ann[SECCOMP_DEFAULT_ANNOTATION], 'sets the pod\'s seccomp profile when unset');
  if (ann[APPARMOR_DEFAULT_ANNOTATION]) mut(`metadata.annotations[${APPARMOR_DEFAULT_ANNOTATION}]`, ann[APPARMOR_DEFAULT_ANNOTATION], 'sets each container\'s AppArmor profile when unset');
  if (s.runtimeClass?.defaultRuntimeClassName) mut('spec.runtimeClass.defaultRuntimeClassName', s.runtimeClass.defaultRuntimeClassName, 'sets runtimeClassName when unset');

  // --- gaps: what PSS at `level` allows that this PSP refuses
  const gap = (field: string, value: unknown, allowedAfter: string) => gaps.push({ field, value: typeof value === 'string' ? value : JSON.stringify(value), allowedAfter });
  const atLeastBaseline = level !== 'privileged';
  if (s.readOnlyRootFilesystem) gap('spec.readOnlyRootFilesystem', true, 'containers with a writable root filesystem (no PSS level requires a read-only root)');
  if (runAsUser.rule === 'MustRunAs') gap('spec.runAsUser', runAsUser, level === 'restricted' ? `any non-zero UID, not only ${ranges(runAsUser.ranges)}` : `any UID, root included, not only ${ranges(runAsUser.ranges)}`);
  if (nonRoot && level !== 'restricted') gap('spec.runAsUser', runAsUser, 'containers running as root (only restricted requires runAsNonRoot)');
  for (const f of ['runAsGroup', 'supplementalGroups', 'fsGroup'] as const) {
    const r = s[f];
    if (r && (r.rule === 'MustRunAs' || r.rule === 'MayRunAs') && r.ranges?.length) gap(`spec.${f}`, r, `any ${f === 'fsGroup' ? 'fsGroup' : f === 'runAsGroup' ? 'group' : 'supplemental group'}, root's included, not only ${ranges(r.ranges)}`);
  }
  if (s.allowedHostPaths?.length && !atLeastBaseline && (anyVolume || volumes.includes('hostPath'))) {
    gap('spec.allowedHostPaths', s.allowedHostPaths, 'any host path, writable, not only these prefixes');
  }
  if (s.allowedFlexVolumes?.length && level !== 'restricted' && (anyVolume || volumes.includes('flexVolume'))) gap('spec.allowedFlexVolumes', s.allowedFlexVolumes, 'any flexVolume driver');
  if (s.allowedCSIDrivers?.length && (anyVolume || volumes.includes('csi'))) gap('spec.allowedCSIDrivers', s.allowedCSIDrivers, 'any CSI driver (every level allows inline CSI volumes)');
  if (!anyVolume) {
    if (level === 'restricted') {
      const newly = [...RESTRICTED_VOLUMES].filter((v) => !volumes.includes(v));
      if (newly.length > 0) gap('spec.volumes', volumes, `volume types it does not list: ${newly.join(', ')}`);
    } else gap('spec.volumes', volumes, `volume types it does not list (${level} allows ${level === 'baseline' ? 'every type but hostPath' : 'every type'})`);
  }
  if (s.allowedUnsafeSysctls?.length && !atLeastBaseline) gap('spec.allowedUnsafeSysctls', s.allowedUnsafeSysctls, 'any sysctl, not only these');
  if (s.forbiddenSysctls?.length) gap('spec.forbiddenSysctls', s.forbiddenSysctls, atLeastBaseline ? `the safe sysctls it forbids (${safeSysctls(minor).filter((n) => s.forbiddenSysctls!.some((f) => f === '*' || f === n || (f.endsWith('*') && n.startsWith(f.slice(0, -1))))).join(', ') || 'none'})` : 'every sysctl');
  // Ranges that already cover every port (0–65535) leave nothing more to allow.
  const allPorts = (s.hostPorts ?? []).some((r) => r.min <= 0 && r.max >= 65535);
  if (!atLeastBaseline && s.hostPorts?.length && !allPorts) gap('spec.hostPorts', s.hostPorts, 'any host port, not only these ranges');
  if (!atLeastBaseline && addable.length && !addable.includes('*')) gap('spec.allowedCapabilities', s.allowedCapabilities ?? [], 'any capability');
  if (level === 'baseline') {
    const notListed = [...BASELINE_CAPS].filter((c) => !addable.includes(c) && !addable.includes('*'));
    if (notListed.length > 0) gap('spec.allowedCapabilities', s.allowedCapabilities ?? [], `adding the default capabilities it does not list (${notListed.join(', ')})`);
    if (s.requiredDropCapabilities?.length) gap('spec.requiredDropCapabilities', s.requiredDropCapabilities, 'keeping these capabilities (baseline requires no drops)');
    if (s.allowPrivilegeEscalation === false) gap('spec.allowPrivilegeEscalation', false, 'privilege escalation (baseline allows it)');
    if (seccompAllowed) gap(`metadata.annotations[${SECCOMP_ALLOWED_ANNOTATION}]`, ann[SECCOMP_ALLOWED_ANNOTATION], 'pods with no seccomp profile (Unconfined on runtimes without a default), and any localhost profile');
  }
  if (level === 'restricted' && seccompAllowed && seccompAllowed.some((p) => p.startsWith('localhost/'))) {
    gap(`metadata.annotations[${SECCOMP_ALLOWED_ANNOTATION}]`, ann[SECCOMP_ALLOWED_ANNOTATION], 'any localhost seccomp profile, not only these');
  }
  if (atLeastBaseline && appArmorAllowed) gap(`metadata.annotations[${APPARMOR_ALLOWED_ANNOTATION}]`, ann[APPARMOR_ALLOWED_ANNOTATION], 'any localhost AppArmor profile, and no profile at all');
  if (atLeastBaseline && seLinux.rule === 'MustRunAs' && seLinuxOpts.level) gap('spec.seLinux', seLinux, `any SELinux level (MCS categories), not only ${seLinuxOpts.level}`);
  if (s.runtimeClass?.allowedRuntimeClassNames?.length && !s.runtimeClass.allowedRuntimeClassNames.includes('*')) gap('spec.runtimeClass.allowedRuntimeClassNames', s.runtimeClass.allowedRuntimeClassNames, 'any runtime class');
  if ((s.allowedProcMountTypes ?? []).length === 0 && minor >= 35 && level === 'baseline') gap('spec.allowedProcMountTypes', s.allowedProcMountTypes ?? [], 'an Unmasked /proc in pods with hostUsers: false (baseline from v1.35)');

  return { psp: psp.metadata.name, version, evaluatedMinor: minor, level, looser, mutating, gaps };
}
