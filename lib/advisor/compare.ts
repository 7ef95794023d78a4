import { hasPathPrefix } from '../admission/volumes';
import { APPARMOR_ALLOWED_ANNOTATION, defaultPsp, SECCOMP_ALLOWED_ANNOTATION } from '../admission/strategies';
import type { Psp, RuleWithRanges } from '../model/types';
import { rangesWithin } from './ranges';

/**
 * "No looser than the proposal", field by field: everything the existing PSP allows, the proposal
 * allows too, and every restriction of the proposal the existing PSP has too. Concretely:
 * - privileged, hostNetwork, hostPID, hostIPC: true only where the proposal has true;
 * - hostPorts, runAsUser/runAsGroup/fsGroup/supplementalGroups ranges: within the proposal's ranges;
 * - volumes, allowedCapabilities (with defaultAddCapabilities), allowedUnsafeSysctls,
 *   allowedProcMountTypes, flexVolume/CSI drivers, runtime classes, seccomp and AppArmor profiles:
 *   a subset of the proposal's (`*` only if the proposal has `*`; an empty driver or host path list
 *   where the proposal has one allows any);
 * - allowedHostPaths: each entry within (a sub-path of) a proposal entry, read-only where it is;
 * - strategies: RunAsAny only where the proposal has RunAsAny; MayRunAs only where it has MayRunAs
 *   or RunAsAny; MustRunAsNonRoot only where the proposal is not MustRunAs; seLinux RunAsAny only
 *   where the proposal's is;
 * - requiredDropCapabilities and forbiddenSysctls: a superset of the proposal's;
 *   readOnlyRootFilesystem and allowPrivilegeEscalation: at least as strict.
 * Returns the fields where the existing PSP is looser (empty: no looser).
 */
export function looserFields(existingRaw: Psp, proposal: Psp): string[] {
  const e = defaultPsp(existingRaw).spec;
  const p = proposal.spec;
  const out: string[] = [];
  for (const f of ['privileged', 'hostNetwork', 'hostPID', 'hostIPC'] as const) if (e[f] && !p[f]) out.push(f);
  if (!rangesWithin(e.hostPorts ?? [], p.hostPorts ?? [])) out.push('hostPorts');
  const sub = (a: string[] | undefined, b: string[] | undefined) => (a ?? []).every((x) => (b ?? []).includes(x));
  if (!sub(e.volumes, p.volumes)) out.push('volumes');
  const hostPathAllowed = (e.volumes ?? []).some((v) => v === '*' || v === 'hostPath');
  if (hostPathAllowed) {
    const ep = e.allowedHostPaths ?? [];
    const pp = p.allowedHostPaths ?? [];
    const covered = ep.length === 0
      ? pp.length === 0 && (p.volumes ?? []).includes('hostPath')
      : ep.every((x) => pp.some((y) => hasPathPrefix(x.pathPrefix ?? '', y.pathPrefix ?? '') && (x.readOnly || !y.readOnly)));
    if (!covered) out.push('allowedHostPaths');
  }
  const listLooser = (a: { length: number } | undefined, typeAllowed: boolean, b: { length: number } | undefined) => typeAllowed && (a?.length ?? 0) === 0 && (b?.length ?? 0) > 0;
  const flexAllowed = (e.volumes ?? []).some((v) => v === '*' || v === 'flexVolume');
  if (listLooser(e.allowedFlexVolumes, flexAllowed, p.allowedFlexVolumes) || !sub(e.allowedFlexVolumes?.map((d) => d.driver), p.allowedFlexVolumes?.map((d) => d.driver))) out.push('allowedFlexVolumes');
  const csiAllowed = (e.volumes ?? []).some((v) => v === '*' || v === 'csi');
  if (listLooser(e.allowedCSIDrivers, csiAllowed, p.allowedCSIDrivers) || !sub(e.allowedCSIDrivers?.map((d) => d.name), p.allowedCSIDrivers?.map((d) => d.name))) out.push('allowedCSIDrivers');
  if (!sub([...(e.allowedCapabilities ?? []), ...(e.defaultAddCapabilities ?? [])], p.allowedCapabilities)) out.push('allowedCapabilities');
  if (!(e.allowedCapabilities ?? []).includes('*') && !sub(p.requiredDropCapabilities, e.requiredDropCapabilities)) out.push('requiredDropCapabilities');
  if (!sub(e.allowedUnsafeSysctls, p.allowedUnsafeSysctls)) out.push('allowedUnsafeSysctls');
  const forbidden = e.forbiddenSysctls ?? [];
  if (!forbidden.includes('*') && !sub(p.forbiddenSysctls, forbidden)) out.push('forbiddenSysctls');
  const procs = (x?: string[]) => (x?.length ? x : ['Default']);
  if (!sub(procs(e.allowedProcMountTypes), procs(p.allowedProcMountTypes))) out.push('allowedProcMountTypes');
  if (p.runtimeClass && (!e.runtimeClass || !sub(e.runtimeClass.allowedRuntimeClassNames, p.runtimeClass.allowedRuntimeClassNames))) out.push('runtimeClass');
  if (p.readOnlyRootFilesystem && !e.readOnlyRootFilesystem) out.push('readOnlyRootFilesystem');
  if (p.allowPrivilegeEscalation === false && e.allowPrivilegeEscalation !== false) out.push('allowPrivilegeEscalation');
  if (userLooser(e.runAsUser, p.runAsUser)) out.push('runAsUser');
  if (groupLooser(e.runAsGroup ?? { rule: 'RunAsAny' }, p.runAsGroup ?? { rule: 'RunAsAny' })) out.push('runAsGroup');
  if (groupLooser(e.fsGroup, p.fsGroup)) out.push('fsGroup');
  if (groupLooser(e.supplementalGroups, p.supplementalGroups)) out.push('supplementalGroups');
  if (e.seLinux?.rule !== 'MustRunAs' && p.seLinux?.rule === 'MustRunAs') out.push('seLinux');
  if (e.seLinux?.rule === 'MustRunAs' && p.seLinux?.rule === 'MustRunAs' && JSON.stringify(e.seLinux.seLinuxOptions) !== JSON.stringify(p.seLinux.seLinuxOptions)) out.push('seLinux');
  const profiles = (psp: Psp, key: string) => psp.metadata.annotations?.[key];
  const es = profiles(existingRaw, SECCOMP_ALLOWED_ANNOTATION);
  const ps = profiles(proposal, SECCOMP_ALLOWED_ANNOTATION);
  if (es !== undefined && es !== '' && ps !== '*' && !sub(es.split(','), ps?.split(','))) out.push(`annotations[${SECCOMP_ALLOWED_ANNOTATION}]`);
  const ea = profiles(existingRaw, APPARMOR_ALLOWED_ANNOTATION);
  const pa = profiles(proposal, APPARMOR_ALLOWED_ANNOTATION);
  if (pa !== undefined && (ea === undefined || !sub(ea.split(','), pa.split(',')))) out.push(`annotations[${APPARMOR_ALLOWED_ANNOTATION}]`);
  return out;
}

function userLooser(e: RuleWithRanges | undefined, p: RuleWithRanges | undefined): boolean {
  const er = e?.rule ?? 'RunAsAny';
  const pr = p?.rule ?? 'RunAsAny';
  if (pr === 'RunAsAny') return false;
  if (er === 'RunAsAny') return true;
  if (pr === 'MustRunAsNonRoot') return er === 'MustRunAs' && (e!.ranges ?? []).some((r) => r.min === 0);
  // The proposal is MustRunAs.
  return er !== 'MustRunAs' || !rangesWithin(e!.ranges ?? [], p!.ranges ?? []);
}

function groupLooser(e: RuleWithRanges | undefined, p: RuleWithRanges | undefined): boolean {
  const rank = { MustRunAs: 0, MayRunAs: 1, RunAsAny: 2 } as Record<string, number>;
  const er = rank[e?.rule ?? 'RunAsAny'] ?? 2;
  const pr = rank[p?.rule ?? 'RunAsAny'] ?? 2;
  if (pr === 2) return false;
  if (er > pr) return true;
  return !rangesWithin(e?.ranges ?? [], p?.ranges ?? []);
}
