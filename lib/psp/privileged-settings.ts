import type { Psp, PspSpec } from '../model/types';

/** Capabilities that amount to root on the node or break isolation when added to a container. */
export const DANGEROUS_CAPABILITIES = [
  'SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_BOOT', 'SYS_TIME',
  'DAC_READ_SEARCH', 'BPF', 'PERFMON', 'NET_RAW', 'MAC_ADMIN', 'MAC_OVERRIDE', 'SYSLOG', 'ALL',
];

export interface PrivilegedSetting {
  field: string;
  value: string;
  /**
   * critical: lets a pod take over its node (privileged, host namespaces, host paths, any or
   * dangerous capabilities, root); elevated: loosens isolation without that on its own.
   */
  severity: 'critical' | 'elevated';
  /** What a pod admitted by this PSP may then do. */
  why: string;
}

function caps(list: string[] | undefined): string[] {
  return (list ?? []).map((c) => c.toUpperCase().replace(/^CAP_/, ''));
}

function rangeAllowsRoot(ranges: { min: number; max: number }[] | undefined): boolean {
  return (ranges ?? []).some((r) => r.min <= 0 && r.max >= 0);
}

/**
 * The settings of a PSP that let pods escape the usual isolation. The PSP API server defaults
 * `allowPrivilegeEscalation` to true when unset, so an unset value counts as allowed here too.
 */
export function privilegedSettings(spec: PspSpec): PrivilegedSetting[] {
  const out: PrivilegedSetting[] = [];
  const add = (field: string, value: unknown, why: string, severity: PrivilegedSetting['severity'] = 'critical') =>
    out.push({ field, value: String(value), why, severity });
  if (spec.privileged) add('privileged', true, 'containers may run privileged, with full access to the node');
  if (spec.hostPID) add('hostPID', true, 'pods may see and signal every process on the node');
  if (spec.hostIPC) add('hostIPC', true, "pods may share the node's IPC namespace");
  if (spec.hostNetwork) add('hostNetwork', true, "pods may use the node's network stack");
  if ((spec.hostPorts ?? []).length > 0) {
    add('hostPorts', spec.hostPorts!.map((r) => `${r.min}-${r.max}`).join(','), 'pods may bind ports on the node', 'elevated');
  }
  const volumes = spec.volumes ?? [];
  if (volumes.includes('*')) add('volumes', '*', 'pods may mount any volume type, hostPath included');
  else if (volumes.includes('hostPath')) {
    const paths = (spec.allowedHostPaths ?? []).map((p) => p.pathPrefix).filter(Boolean);
    add('volumes', 'hostPath', paths.length ? `pods may mount host paths under ${paths.join(', ')}` : 'pods may mount any path of the node');
  }
  const allowed = caps(spec.allowedCapabilities);
  if (allowed.includes('*')) add('allowedCapabilities', '*', 'containers may add any Linux capability');
  else {
    const danger = allowed.filter((c) => DANGEROUS_CAPABILITIES.includes(c));
    if (danger.length) add('allowedCapabilities', danger.join(','), 'containers may add dangerous capabilities');
    else if (allowed.length) add('allowedCapabilities', allowed.join(','), 'containers may add capabilities', 'elevated');
  }
  const defaults = caps(spec.defaultAddCapabilities);
  if (defaults.length) {
    const critical = defaults.some((c) => c === '*' || DANGEROUS_CAPABILITIES.includes(c));
    add('defaultAddCapabilities', defaults.join(','), 'every container gets these capabilities added', critical ? 'critical' : 'elevated');
  }
  const runAsUser = spec.runAsUser?.rule;
  if (runAsUser === 'RunAsAny') add('runAsUser', 'RunAsAny', 'containers may run as root (UID 0)');
  else if (runAsUser === 'MustRunAs' && rangeAllowsRoot(spec.runAsUser?.ranges)) {
    add('runAsUser', 'MustRunAs (0 in range)', 'containers may run as root (UID 0)');
  }
  if (spec.allowPrivilegeEscalation !== false) {
    add('allowPrivilegeEscalation', spec.allowPrivilegeEscalation ?? 'true (default)', 'processes may gain more privileges than their parent (setuid)', 'elevated');
  }
  if ((spec.allowedUnsafeSysctls ?? []).length) add('allowedUnsafeSysctls', spec.allowedUnsafeSysctls!.join(','), 'pods may set unsafe kernel parameters', 'elevated');
  if ((spec.allowedProcMountTypes ?? []).includes('Unmasked')) add('allowedProcMountTypes', 'Unmasked', 'containers may see an unmasked /proc');
  return out;
}

/**
 * Whether a PSP lets pods take over the node: the settings the audit and the attach guardrail treat
 * as "privileged" (allowPrivilegeEscalation alone does not count).
 */
export function isPrivilegedPsp(spec: PspSpec): boolean {
  return privilegedSettings(spec).some((s) => s.severity === 'critical');
}

/** The columns of `kubectl get psp`. */
export interface PspRow {
  name: string;
  priv: boolean;
  caps: string;
  selinux: string;
  runAsUser: string;
  fsGroup: string;
  supGroup: string;
  readOnlyRootFs: boolean;
  volumes: string;
  privileged: PrivilegedSetting[];
  isPrivileged: boolean;
}

export function pspRow(psp: Psp): PspRow {
  const s = psp.spec ?? {};
  return {
    name: psp.metadata.name,
    priv: !!s.privileged,
    caps: (s.allowedCapabilities ?? []).join(','),
    selinux: s.seLinux?.rule ?? '',
    runAsUser: s.runAsUser?.rule ?? '',
    fsGroup: s.fsGroup?.rule ?? '',
    supGroup: s.supplementalGroups?.rule ?? '',
    readOnlyRootFs: !!s.readOnlyRootFilesystem,
    volumes: (s.volumes ?? []).join(','),
    privileged: privilegedSettings(s),
    isPrivileged: isPrivilegedPsp(s),
  };
}

/** `kubectl get psp` as text, for the tree-like CLI parity and for exports. */
export function renderPspTable(rows: PspRow[]): string {
  const header = ['NAME', 'PRIV', 'CAPS', 'SELINUX', 'RUNASUSER', 'FSGROUP', 'SUPGROUP', 'READONLYROOTFS', 'VOLUMES'];
  const cells = rows.map((r) => [r.name, String(r.priv), r.caps, r.selinux, r.runAsUser, r.fsGroup, r.supGroup, String(r.readOnlyRootFs), r.volumes]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i] + 3))).join('').trimEnd();
  return [line(header), ...cells.map(line)].join('\n') + '\n';
}
