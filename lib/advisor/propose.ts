import type { Container, Pod } from '../admission/pod';
import { APPARMOR_CONTAINER_PREFIX, containerSeccompProfile, SECCOMP_POD_ANNOTATION, seccompAnnotationForField } from '../admission/profiles';
import { effective, own } from '../admission/security-context';
import { APPARMOR_ALLOWED_ANNOTATION, SECCOMP_ALLOWED_ANNOTATION } from '../admission/strategies';
import { SAFE_SYSCTLS } from '../admission/sysctls';
import { hasPathPrefix, isServiceAccountTokenProjection, volumeFsType } from '../admission/volumes';
import type { IdRange, Psp, PspSpec, RuleWithRanges } from '../model/types';
import { rangesText, toRanges } from './ranges';

/**
 * The least permissive PodSecurityPolicy that admits a set of pods unchanged. Each pod is the pod
 * as PSP admission sees it (after API defaulting and the ServiceAccount step: see
 * `prepareForAdmission`). Rules, field by field (each one is what the provider in
 * lib/admission/provider.ts accepts without defaulting anything):
 *
 * - privileged, hostNetwork, hostPID, hostIPC: true only if some pod uses it.
 * - hostPorts: the exact ports used (consecutive ones merged into a range).
 * - volumes: the FSTypes used; `projected` unless every projected volume is the service-account
 *   token projection and `secret` is listed anyway (which then allows it).
 * - allowedHostPaths: each path used (one not covered by another entry as loose), readOnly when
 *   every mount of every volume of that path is read-only.
 * - allowedCapabilities: what some container adds; requiredDropCapabilities: what every container drops.
 * - runAsUser: MustRunAs the exact UIDs when every container has one; else MustRunAsNonRoot when
 *   every container is non-root without defaulting (runAsNonRoot true or a UID, never false or 0);
 *   else RunAsAny.
 * - runAsGroup, fsGroup, supplementalGroups: MustRunAs the exact IDs when every container (pod) sets
 *   them; MayRunAs those IDs when some do; RunAsAny when none do (a range would allow IDs nobody uses).
 * - seLinux: MustRunAs when every pod sets the same options at pod level and no container differs.
 * - sysctls: allowedUnsafeSysctls = the unsafe ones used; forbiddenSysctls = `*` when no pod sets a
 *   sysctl, else the safe ones nobody uses.
 * - seccomp allowedProfileNames: the profiles used when every pod and container has one; none
 *   (setting a profile is refused) when nobody sets one; `*` when some do and some do not (the
 *   server refuses an empty entry in the list, so "unset" cannot be listed next to a name).
 * - AppArmor allowedProfileNames: the profiles used when every container has one; else absent
 *   (an allow list refuses containers without a profile).
 * - readOnlyRootFilesystem: true when every container sets it; allowPrivilegeEscalation: false when
 *   every container sets it false; allowedProcMountTypes, flexVolume and CSI drivers, runtime
 *   classes: what is used.
 * - Never a default* field or default annotation: the policy changes no pod.
 */

export interface AdvisedPod {
  /** `Kind namespace/name`, as reasons name it. */
  workload: string;
  pod: Pod;
}

export interface Reason {
  /** The PSP field (a spec path, or `annotations[...]`). */
  field: string;
  /** The value it gets because of these workloads. */
  value: string;
  workloads: string[];
  /** `hostNetwork: true — DaemonSet kube-system/aws-node`. */
  text: string;
}

export interface Proposal {
  psp: Psp;
  reasons: Reason[];
  /** Pods no PSP can admit unchanged (an unknown volume type, a seccomp field without its annotation). */
  notes: string[];
}

/** Every container whose security context PSP reads: init, regular, and ephemeral ones (validated on UPDATE). */
export function allContainers(pod: Pod): Container[] {
  return [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? []), ...(pod.spec.ephemeralContainers ?? [])];
}

class Collector {
  private readonly map = new Map<string, Map<string, Set<string>>>();
  add(field: string, value: string, workload: string): void {
    let byValue = this.map.get(field);
    if (!byValue) this.map.set(field, (byValue = new Map()));
    let set = byValue.get(value);
    if (!set) byValue.set(value, (set = new Set()));
    set.add(workload);
  }
  workloads(field: string, value?: string): string[] {
    const byValue = this.map.get(field);
    if (!byValue) return [];
    const out = new Set<string>();
    for (const [v, ws] of byValue) if (value === undefined || v === value) ws.forEach((w) => out.add(w));
    return [...out].sort();
  }
  workloadsExcept(field: string, value: string): string[] {
    const byValue = this.map.get(field);
    if (!byValue) return [];
    const out = new Set<string>();
    for (const [v, ws] of byValue) if (v !== value) ws.forEach((w) => out.add(w));
    return [...out].sort();
  }
  values(field: string): string[] {
    return [...(this.map.get(field)?.keys() ?? [])];
  }
}

const sortStrings = (xs: Iterable<string>) => [...new Set(xs)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** Whether every entry of `xs` satisfies `f` (and there is at least one). */
const all = <T,>(xs: T[], f: (x: T) => boolean) => xs.length > 0 && xs.every(f);

function groupRule(values: (number | undefined)[]): RuleWithRanges {
  const set = values.filter((v): v is number => v !== undefined);
  if (set.length === 0) return { rule: 'RunAsAny' };
  return { rule: set.length === values.length ? 'MustRunAs' : 'MayRunAs', ranges: toRanges(set) };
}

export function proposePsp(pods: AdvisedPod[], name: string): Proposal {
  const why = new Collector();
  const notes: string[] = [];
  const spec: PspSpec = {};
  const annotations: Record<string, string> = {};

  // Per-container and per-pod facts, with the workload each came from.
  type C = { w: string; pod: Pod; c: Container };
  const containers: C[] = pods.flatMap(({ workload, pod }) => allContainers(pod).map((c) => ({ w: workload, pod, c })));

  // privileged and host namespaces
  for (const { w, c } of containers) if (own(c, 'privileged') === true) why.add('privileged', 'true', w);
  for (const { workload, pod } of pods) {
    if (pod.spec.hostNetwork) why.add('hostNetwork', 'true', workload);
    if (pod.spec.hostPID) why.add('hostPID', 'true', workload);
    if (pod.spec.hostIPC) why.add('hostIPC', 'true', workload);
  }
  spec.privileged = why.workloads('privileged').length > 0;
  spec.hostNetwork = why.workloads('hostNetwork').length > 0;
  spec.hostPID = why.workloads('hostPID').length > 0;
  spec.hostIPC = why.workloads('hostIPC').length > 0;

  // host ports (hostNetwork pods already have hostPort = containerPort from API defaulting)
  const ports = new Set<number>();
  for (const { w, c } of containers) {
    for (const p of c.ports ?? []) {
      if (p.hostPort && p.hostPort > 0) {
        ports.add(p.hostPort);
        why.add('hostPorts', String(p.hostPort), w);
      }
    }
  }
  spec.hostPorts = toRanges(ports);

  // volumes, host paths, flexVolume and CSI drivers
  const fsTypes = new Set<string>();
  const tokenOnly: string[] = [];
  const hostPaths = new Map<string, { readOnly: boolean; workloads: Set<string> }>();
  const flex = new Set<string>();
  const csi = new Set<string>();
  for (const { workload, pod } of pods) {
    for (const v of pod.spec.volumes ?? []) {
      const t = volumeFsType(v);
      if (!t) {
        notes.push(`${workload}: volume ${v.name} has a source no PodSecurityPolicy knows; no PSP admits it`);
        continue;
      }
      if (t === 'projected' && isServiceAccountTokenProjection(v)) {
        tokenOnly.push(workload);
        continue;
      }
      fsTypes.add(t);
      why.add('volumes', t, workload);
      if (t === 'hostPath') {
        const path = trimSlash(String(v.hostPath?.path ?? ''));
        const mounts = allContainers(pod).flatMap((c) => (c.volumeMounts ?? []).filter((m) => m.name === v.name));
        const ro = mounts.every((m) => m.readOnly === true);
        const e = hostPaths.get(path) ?? { readOnly: true, workloads: new Set<string>() };
        e.readOnly = e.readOnly && ro;
        e.workloads.add(workload);
        hostPaths.set(path, e);
      }
      if (t === 'flexVolume') {
        flex.add(String(v.flexVolume?.driver ?? ''));
        why.add('allowedFlexVolumes', String(v.flexVolume?.driver ?? ''), workload);
      }
      if (t === 'csi') {
        csi.add(String(v.csi?.driver ?? ''));
        why.add('allowedCSIDrivers', String(v.csi?.driver ?? ''), workload);
      }
    }
  }
  if (tokenOnly.length) {
    // The ServiceAccount plugin's token volume: `secret` allows it; without secret volumes, list `projected`.
    const viaSecret = fsTypes.has('secret');
    if (!viaSecret) fsTypes.add('projected');
    for (const w of tokenOnly) why.add('volumes', viaSecret ? 'secret' : 'projected', w);
    if (!viaSecret) why.add('tokenVolume', 'projected', tokenOnly[0]);
  }
  spec.volumes = sortStrings(fsTypes);
  if (hostPaths.size) {
    const entries = [...hostPaths.entries()].map(([pathPrefix, e]) => ({ pathPrefix, readOnly: e.readOnly, workloads: e.workloads }));
    // An entry another entry already allows as loosely (a read-write prefix, or a read-only prefix of a read-only path) is left out.
    const kept = entries.filter((e) => !entries.some((o) => o !== e && hasPathPrefix(e.pathPrefix, o.pathPrefix) && o.pathPrefix !== e.pathPrefix && (!o.readOnly || e.readOnly)));
    spec.allowedHostPaths = kept.map(({ pathPrefix, readOnly }) => ({ pathPrefix, readOnly })).sort((a, b) => (a.pathPrefix < b.pathPrefix ? -1 : 1));
    for (const e of entries) {
      for (const w of e.workloads) why.add('allowedHostPaths', `${e.pathPrefix}${e.readOnly ? ' (read-only)' : ''}`, w);
    }
  }
  if (flex.size) spec.allowedFlexVolumes = sortStrings(flex).map((driver) => ({ driver }));
  if (csi.size) spec.allowedCSIDrivers = sortStrings(csi).map((n) => ({ name: n }));

  // capabilities
  const added = new Set<string>();
  for (const { w, c } of containers) {
    for (const cap of own(c, 'capabilities')?.add ?? []) {
      added.add(cap);
      why.add('allowedCapabilities', cap, w);
    }
  }
  if (added.size) spec.allowedCapabilities = sortStrings(added);
  let drops: Set<string> | undefined;
  for (const { c } of containers) {
    const d = new Set(own(c, 'capabilities')?.drop ?? []);
    drops = drops ? new Set([...drops].filter((x) => d.has(x))) : d;
  }
  if (drops?.size) {
    spec.requiredDropCapabilities = sortStrings(drops);
    for (const cap of drops) for (const { w } of containers) why.add('requiredDropCapabilities', cap, w);
  }

  // runAsUser
  const uids = containers.map(({ pod, c }) => effective(pod, c, 'runAsUser') ?? undefined);
  const nonRoots = containers.map(({ pod, c }) => effective(pod, c, 'runAsNonRoot') ?? undefined);
  if (all(uids, (u) => u !== undefined)) {
    spec.runAsUser = { rule: 'MustRunAs', ranges: toRanges(uids as number[]) };
    containers.forEach(({ w }, i) => why.add('runAsUser', String(uids[i]), w));
  } else if (containers.length > 0 && containers.every((_, i) => nonRoots[i] !== false && uids[i] !== 0 && (nonRoots[i] === true || uids[i] !== undefined))) {
    spec.runAsUser = { rule: 'MustRunAsNonRoot' };
    containers.forEach(({ w }) => why.add('runAsUser', 'non-root', w));
  } else {
    spec.runAsUser = { rule: 'RunAsAny' };
    containers.forEach(({ w }, i) => {
      if (uids[i] === 0) why.add('runAsUser', 'UID 0', w);
      else if (nonRoots[i] === false) why.add('runAsUser', 'runAsNonRoot: false', w);
      else if (uids[i] === undefined && nonRoots[i] !== true) why.add('runAsUser', 'no UID and no runAsNonRoot', w);
    });
  }

  // runAsGroup (per container), fsGroup and supplementalGroups (per pod)
  const gids = containers.map(({ pod, c }) => effective(pod, c, 'runAsGroup') ?? undefined);
  spec.runAsGroup = groupRule(gids);
  containers.forEach(({ w }, i) => why.add('runAsGroup', gids[i] === undefined ? 'unset' : String(gids[i]), w));
  const fsGroups = pods.map(({ pod }) => pod.spec.securityContext?.fsGroup ?? undefined);
  spec.fsGroup = groupRule(fsGroups);
  pods.forEach(({ workload }, i) => why.add('fsGroup', fsGroups[i] === undefined ? 'unset' : String(fsGroups[i]), workload));
  const supp = pods.map(({ pod }) => pod.spec.securityContext?.supplementalGroups ?? undefined);
  const suppIds = supp.flatMap((s) => s ?? []);
  if (suppIds.length === 0) spec.supplementalGroups = { rule: 'RunAsAny' };
  else if (supp.every((s) => s !== undefined && s.length > 0)) spec.supplementalGroups = { rule: 'MustRunAs', ranges: toRanges(suppIds) };
  // MayRunAs checks only the groups given: an explicit empty list and an absent one both pass.
  else spec.supplementalGroups = { rule: 'MayRunAs', ranges: toRanges(suppIds) };
  pods.forEach(({ workload }, i) => why.add('supplementalGroups', supp[i]?.length ? supp[i]!.join(',') : 'unset', workload));

  // seLinux: MustRunAs only when no pod needs defaulting and every effective value is the same.
  const podSe = pods.map(({ pod }) => pod.spec.securityContext?.seLinuxOptions ?? undefined);
  const key = (o: object | undefined) => (o ? JSON.stringify(Object.fromEntries(['user', 'role', 'type', 'level'].map((k) => [k, (o as Record<string, string>)[k] ?? '']))) : '');
  const seKeys = new Set([...podSe.map(key), ...containers.map(({ pod, c }) => key(effective(pod, c, 'seLinuxOptions')))]);
  if (podSe.every((s) => s !== undefined) && seKeys.size === 1 && !seKeys.has('')) {
    const opts = Object.fromEntries(Object.entries(JSON.parse([...seKeys][0]) as Record<string, string>).filter(([, v]) => v !== ''));
    spec.seLinux = { rule: 'MustRunAs', seLinuxOptions: opts };
    pods.forEach(({ workload }) => why.add('seLinux', 'MustRunAs', workload));
  } else {
    spec.seLinux = { rule: 'RunAsAny' };
    pods.forEach(({ workload }, i) => why.add('seLinux', podSe[i] ? 'set' : 'unset', workload));
  }

  // sysctls
  const sysctls = new Set<string>();
  const unsafe = new Set<string>();
  for (const { workload, pod } of pods) {
    for (const s of pod.spec.securityContext?.sysctls ?? []) {
      sysctls.add(s.name);
      if (!SAFE_SYSCTLS.includes(s.name)) {
        unsafe.add(s.name);
        why.add('allowedUnsafeSysctls', s.name, workload);
      }
    }
  }
  if (unsafe.size) spec.allowedUnsafeSysctls = sortStrings(unsafe);
  spec.forbiddenSysctls = sysctls.size === 0 ? ['*'] : SAFE_SYSCTLS.filter((s) => !sysctls.has(s));
  if (spec.forbiddenSysctls.length === 0) delete spec.forbiddenSysctls;

  // seccomp profiles (pod and containers)
  const seccomp: { w: string; p: string }[] = [];
  for (const { workload, pod } of pods) {
    const a = pod.metadata.annotations?.[SECCOMP_POD_ANNOTATION];
    const field = pod.spec.securityContext?.seccompProfile;
    seccomp.push({ w: workload, p: a ?? (field ? seccompAnnotationForField(field) : '') });
    if (a === undefined && field) {
      notes.push(`${workload}: the pod sets the seccomp field without its annotation; admission writes the annotation (every PSP "changes" such a pod, as the API server would store it anyway)`);
    }
    for (const c of allContainers(pod)) seccomp.push({ w: workload, p: containerSeccompProfile(pod, c) });
  }
  const seccompSet = new Set(seccomp.map((s) => s.p));
  // The plugin allows docker/default wherever runtime/default is listed (and the reverse): list one.
  if (seccompSet.has('docker/default') && seccompSet.has('runtime/default')) {
    seccompSet.delete('docker/default');
    for (const s of seccomp) if (s.p === 'docker/default') s.p = 'runtime/default';
  }
  if (seccompSet.has('') && seccompSet.size > 1) annotations[SECCOMP_ALLOWED_ANNOTATION] = '*';
  else if (!seccompSet.has('') && seccompSet.size > 0) annotations[SECCOMP_ALLOWED_ANNOTATION] = sortStrings(seccompSet).join(',');
  for (const s of seccomp) why.add(`annotations[${SECCOMP_ALLOWED_ANNOTATION}]`, s.p || 'unset', s.w);

  // AppArmor profiles (containers)
  const apparmor = containers.map(({ w, pod, c }) => ({ w, p: pod.metadata.annotations?.[APPARMOR_CONTAINER_PREFIX + c.name] ?? '' }));
  if (all(apparmor, (a) => a.p !== '')) annotations[APPARMOR_ALLOWED_ANNOTATION] = sortStrings(apparmor.map((a) => a.p)).join(',');
  for (const a of apparmor) why.add(`annotations[${APPARMOR_ALLOWED_ANNOTATION}]`, a.p || 'unset', a.w);

  // read-only root, privilege escalation, proc mounts
  spec.readOnlyRootFilesystem = all(containers, ({ c }) => own(c, 'readOnlyRootFilesystem') === true);
  for (const { w, c } of containers) why.add('readOnlyRootFilesystem', String(own(c, 'readOnlyRootFilesystem') === true), w);
  spec.allowPrivilegeEscalation = !all(containers, ({ c }) => own(c, 'allowPrivilegeEscalation') === false);
  for (const { w, c } of containers) why.add('allowPrivilegeEscalation', own(c, 'allowPrivilegeEscalation') === false ? 'false' : 'true', w);
  const procMounts = new Set<string>();
  for (const { w, c } of containers) {
    const pm = own(c, 'procMount');
    if (pm && pm !== 'Default') {
      procMounts.add(pm);
      why.add('allowedProcMountTypes', pm, w);
    }
  }
  if (procMounts.size) spec.allowedProcMountTypes = ['Default', ...sortStrings(procMounts)];

  // runtime classes
  const classes = new Set<string>();
  for (const { workload, pod } of pods) {
    if (pod.spec.runtimeClassName) {
      classes.add(pod.spec.runtimeClassName);
      why.add('runtimeClass.allowedRuntimeClassNames', pod.spec.runtimeClassName, workload);
    }
  }
  if (classes.size) spec.runtimeClass = { allowedRuntimeClassNames: sortStrings(classes) };

  const psp: Psp = {
    apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy',
    metadata: { name, ...(Object.keys(annotations).length ? { annotations } : {}) },
    spec: orderSpec(spec),
  };
  return { psp, reasons: reasonsOf(psp, why), notes: [...new Set(notes)] };
}

function trimSlash(p: string): string {
  let out = p;
  while (out.length > 1 && out.endsWith('/')) out = out.slice(0, -1);
  return out;
}

/** The spec's keys in the order `kubectl get psp -o yaml` prints them (alphabetical). */
function orderSpec(spec: PspSpec): PspSpec {
  return Object.fromEntries(Object.entries(spec).sort(([a], [b]) => (a < b ? -1 : 1))) as PspSpec;
}

/** One reason per allowance or restriction, naming the workloads that set it. */
function reasonsOf(psp: Psp, why: Collector): Reason[] {
  const s = psp.spec;
  const out: Reason[] = [];
  const push = (field: string, value: string, workloads: string[]) => {
    if (!workloads.length) return;
    out.push({ field, value, workloads, text: `${field}: ${value} — ${workloads.join(', ')}` });
  };
  for (const f of ['privileged', 'hostNetwork', 'hostPID', 'hostIPC'] as const) if (s[f]) push(f, 'true', why.workloads(f));
  for (const p of why.values('hostPorts').map(Number).sort((a, b) => a - b)) push('hostPorts', String(p), why.workloads('hostPorts', String(p)));
  for (const v of s.volumes ?? []) push('volumes', v === 'projected' && why.workloads('tokenVolume').length && why.workloads('volumes', v).length ? 'projected (incl. the service-account token volume)' : v, why.workloads('volumes', v));
  for (const v of why.values('allowedHostPaths').sort()) push('allowedHostPaths', v, why.workloads('allowedHostPaths', v));
  for (const d of s.allowedFlexVolumes ?? []) push('allowedFlexVolumes', d.driver, why.workloads('allowedFlexVolumes', d.driver));
  for (const d of s.allowedCSIDrivers ?? []) push('allowedCSIDrivers', d.name, why.workloads('allowedCSIDrivers', d.name));
  for (const c of s.allowedCapabilities ?? []) push('allowedCapabilities', c, why.workloads('allowedCapabilities', c));
  for (const c of s.requiredDropCapabilities ?? []) push('requiredDropCapabilities', c, why.workloads('requiredDropCapabilities', c));
  const ranged = (r?: RuleWithRanges) => (r?.ranges?.length ? `${r.rule} ${rangesText(r.ranges as IdRange[])}` : r?.rule ?? 'RunAsAny');
  push('runAsUser', ranged(s.runAsUser), why.workloads('runAsUser'));
  for (const f of ['runAsGroup', 'fsGroup', 'supplementalGroups'] as const) {
    const r = s[f];
    // RunAsAny is forced by the workloads that set nothing; a range by those that set an ID.
    push(f, ranged(r), r?.rule === 'RunAsAny' ? why.workloads(f, 'unset') : why.workloadsExcept(f, 'unset'));
  }
  push('seLinux', s.seLinux?.rule ?? 'RunAsAny', s.seLinux?.rule === 'RunAsAny' ? (why.workloads('seLinux', 'unset').length ? why.workloads('seLinux', 'unset') : why.workloads('seLinux')) : why.workloads('seLinux'));
  for (const u of s.allowedUnsafeSysctls ?? []) push('allowedUnsafeSysctls', u, why.workloads('allowedUnsafeSysctls', u));
  const sec = `annotations[${SECCOMP_ALLOWED_ANNOTATION}]`;
  const secValue = psp.metadata.annotations?.[SECCOMP_ALLOWED_ANNOTATION];
  if (secValue === '*') push(sec, '* (some pods set a profile, some do not)', why.workloads(sec));
  else if (secValue) for (const p of secValue.split(',')) push(sec, p, why.workloads(sec, p));
  const aa = `annotations[${APPARMOR_ALLOWED_ANNOTATION}]`;
  const aaValue = psp.metadata.annotations?.[APPARMOR_ALLOWED_ANNOTATION];
  if (aaValue) for (const p of aaValue.split(',')) push(aa, p, why.workloads(aa, p));
  else if (why.workloads(aa, 'unset').length && why.values(aa).length > 1) push(aa, 'absent (some containers have no profile)', why.workloads(aa, 'unset'));
  push('readOnlyRootFilesystem', String(!!s.readOnlyRootFilesystem), s.readOnlyRootFilesystem ? why.workloads('readOnlyRootFilesystem') : why.workloads('readOnlyRootFilesystem', 'false'));
  push('allowPrivilegeEscalation', String(!!s.allowPrivilegeEscalation), s.allowPrivilegeEscalation ? why.workloads('allowPrivilegeEscalation', 'true') : why.workloads('allowPrivilegeEscalation'));
  for (const p of why.values('allowedProcMountTypes')) push('allowedProcMountTypes', p, why.workloads('allowedProcMountTypes', p));
  for (const c of s.runtimeClass?.allowedRuntimeClassNames ?? []) push('runtimeClass.allowedRuntimeClassNames', c, why.workloads('runtimeClass.allowedRuntimeClassNames', c));
  return out;
}
