import type { Psp } from '../model/types';
import { generateCapabilities, validateCapabilities } from './capabilities';
import { bool, int, invalid, nullValue, required, str, type FieldError, type GoValue } from './field-error';
import { cloneJson, podContainers, type Container, type Pod, type SELinuxOptions } from './pod';
import { generateAppArmor, generateSeccomp, SECCOMP_POD_ANNOTATION, validateAppArmor, validateContainerSeccomp, validatePodSeccomp } from './profiles';
import { effective, own, setEffective, setOwn, setPodLevel } from './security-context';
import { buildStrategies, inRanges, rangesText, type GroupStrategy, type Strategies } from './strategies';
import { validateSysctls } from './sysctls';
import { validateVolumes } from './volumes';

/**
 * One PSP's provider: `mutatePod` applies its defaults (pod level, then each init container and
 * container), `validatePod` checks the defaulted pod. Both take a PSP whose strategies can be built;
 * `strategiesOf` throws otherwise (selectPolicy skips such PSPs before calling these).
 */

export function strategiesOf(psp: Psp | Strategies): Strategies {
  if ('runAsUser' in psp && 'seccomp' in psp) return psp;
  const r = buildStrategies(psp);
  if (!r.ok) throw new Error(`PodSecurityPolicy ${psp.metadata.name}: ${r.error}`);
  return r.strategies;
}

/**
 * A copy of exactly what a provider may write (annotations, the pod and container security
 * contexts, runtimeClassName); the rest is shared with the input, which is never written. Sharing
 * also makes the "mutated?" comparison cheap: untouched subtrees are the same objects.
 */
function copyForMutation(input: Pod): Pod {
  const copyContainer = (c: Container): Container => (c.securityContext ? { ...c, securityContext: cloneJson(c.securityContext) } : { ...c });
  return {
    ...input,
    metadata: { ...input.metadata, ...(input.metadata.annotations ? { annotations: { ...input.metadata.annotations } } : {}) },
    spec: {
      ...input.spec,
      ...(input.spec.securityContext ? { securityContext: cloneJson(input.spec.securityContext) } : {}),
      containers: (input.spec.containers ?? []).map(copyContainer),
      ...(input.spec.initContainers ? { initContainers: input.spec.initContainers.map(copyContainer) } : {}),
    },
  };
}

/** The pod as this PSP would default it (a copy; the input is not changed). */
export function mutatePod(psp: Psp | Strategies, input: Pod): Pod {
  const st = strategiesOf(psp);
  const pod = copyForMutation(input);
  const sc = pod.spec.securityContext ?? undefined;
  if (sc?.supplementalGroups === undefined || sc?.supplementalGroups === null) {
    // An explicit empty list is not nil: it gets no default (and then fails MustRunAs).
    const groups = st.supplementalGroups.rule === 'MustRunAs' ? [st.supplementalGroups.ranges[0].min] : undefined;
    if (groups) setPodLevel(pod, 'supplementalGroups', groups);
  }
  if (sc?.fsGroup === undefined || sc?.fsGroup === null) {
    if (st.fsGroup.rule === 'MustRunAs') setPodLevel(pod, 'fsGroup', st.fsGroup.ranges[0].min);
  }
  if (!pod.spec.securityContext?.seLinuxOptions && st.seLinux.rule === 'MustRunAs') {
    setPodLevel(pod, 'seLinuxOptions', { ...st.seLinux.options } as SELinuxOptions);
  }
  const seccomp = generateSeccomp(st, pod);
  if (seccomp) pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [SECCOMP_POD_ANNOTATION]: seccomp };
  if (st.spec.runtimeClass && (pod.spec.runtimeClassName === undefined || pod.spec.runtimeClassName === null)) {
    if (st.spec.runtimeClass.defaultRuntimeClassName !== undefined) pod.spec.runtimeClassName = st.spec.runtimeClass.defaultRuntimeClassName;
  }
  for (const { container } of podContainers(pod)) mutateContainer(st, pod, container);
  return pod;
}

function mutateContainer(st: Strategies, pod: Pod, c: Container): void {
  if (effective(pod, c, 'runAsUser') === undefined && st.runAsUser.rule === 'MustRunAs') {
    setEffective(pod, c, 'runAsUser', st.runAsUser.ranges[0].min);
  }
  if (effective(pod, c, 'runAsGroup') === undefined && st.runAsGroup.rule === 'MustRunAs') {
    setEffective(pod, c, 'runAsGroup', st.runAsGroup.ranges[0].min);
  }
  if (effective(pod, c, 'seLinuxOptions') === undefined && st.seLinux.rule === 'MustRunAs') {
    setEffective(pod, c, 'seLinuxOptions', { ...st.seLinux.options } as SELinuxOptions);
  }
  generateAppArmor(st, pod, c);
  // The non-root marker lets the kubelet check the image's user when no UID is given.
  if (st.runAsUser.rule === 'MustRunAsNonRoot' && effective(pod, c, 'runAsNonRoot') === undefined && effective(pod, c, 'runAsUser') === undefined) {
    setEffective(pod, c, 'runAsNonRoot', true);
  }
  setOwn(c, 'capabilities', generateCapabilities(st, c));
  if (st.spec.readOnlyRootFilesystem && own(c, 'readOnlyRootFilesystem') === undefined) setOwn(c, 'readOnlyRootFilesystem', true);
  const dape = st.spec.defaultAllowPrivilegeEscalation;
  if (dape !== undefined && dape !== null && own(c, 'allowPrivilegeEscalation') === undefined) setOwn(c, 'allowPrivilegeEscalation', dape);
  if (!st.spec.allowPrivilegeEscalation && own(c, 'allowPrivilegeEscalation') === undefined) setOwn(c, 'allowPrivilegeEscalation', false);
}

const int64s = (v: number[] | null): GoValue => ({ kind: 'int64s', value: v });

function validateGroups(s: GroupStrategy, path: string, groups: number[] | null): FieldError[] {
  if (s.rule === 'RunAsAny') return [];
  const errors: FieldError[] = [];
  if (s.rule === 'MustRunAs' && (groups ?? []).length === 0) {
    errors.push(invalid(path, int64s(groups), 'unable to validate empty groups against required ranges'));
  }
  for (const g of groups ?? []) {
    if (!inRanges(g, s.ranges)) errors.push(invalid(path, int64s(groups), `group ${g} must be in the ranges: ${rangesText(s.ranges)}`));
  }
  return errors;
}

function validateSeLinux(st: Strategies, path: string, se: SELinuxOptions | null | undefined): FieldError[] {
  if (st.seLinux.rule !== 'MustRunAs') return [];
  if (!se) return [required(path)];
  const want = st.seLinux.options ?? {};
  const errors: FieldError[] = [];
  if (!equalLevels(want.level ?? '', se.level ?? '')) errors.push(invalid(`${path}.level`, str(se.level ?? ''), `must be ${want.level ?? ''}`));
  if ((se.role ?? '') !== (want.role ?? '')) errors.push(invalid(`${path}.role`, str(se.role ?? ''), `must be ${want.role ?? ''}`));
  if ((se.type ?? '') !== (want.type ?? '')) errors.push(invalid(`${path}.type`, str(se.type ?? ''), `must be ${want.type ?? ''}`));
  if ((se.user ?? '') !== (want.user ?? '')) errors.push(invalid(`${path}.user`, str(se.user ?? ''), `must be ${want.user ?? ''}`));
  return errors;
}

/** SELinux levels are equal when the sensitivity matches and the category sets do, in any order. */
export function equalLevels(expected: string, actual: string): boolean {
  if (expected === actual) return true;
  const [eSens, eCats = ''] = splitLevel(expected);
  const [aSens, aCats = ''] = splitLevel(actual);
  if (eSens !== aSens) return false;
  const set = (s: string) => [...new Set(s.split(',').filter(Boolean))].sort().join(',');
  return set(eCats) === set(aCats);
}

function splitLevel(level: string): [string, string?] {
  const i = level.indexOf(':');
  return i < 0 ? [level] : [level.slice(0, i), level.slice(i + 1)];
}

function validateRunAsUser(st: Strategies, scPath: string, nonRoot: boolean | undefined, uid: number | undefined): FieldError[] {
  switch (st.runAsUser.rule) {
    case 'MustRunAs':
      if (uid === undefined) return [required(`${scPath}.runAsUser`)];
      return inRanges(uid, st.runAsUser.ranges) ? [] : [invalid(`${scPath}.runAsUser`, int(uid), `must be in the ranges: ${rangesText(st.runAsUser.ranges)}`)];
    case 'MustRunAsNonRoot':
      if (nonRoot === undefined && uid === undefined) return [required(`${scPath}.runAsNonRoot`, 'must be true')];
      if (nonRoot === false) return [invalid(`${scPath}.runAsNonRoot`, bool(false), 'must be true')];
      if (uid === 0) return [invalid(`${scPath}.runAsUser`, int(0), 'running with the root UID is forbidden')];
      return [];
    default:
      return [];
  }
}

/** Every reason this PSP refuses the (already defaulted) pod, in the order the plugin finds them. */
export function validatePod(psp: Psp | Strategies, pod: Pod): FieldError[] {
  const st = strategiesOf(psp);
  const sc = pod.spec.securityContext ?? {};
  const scPath = 'spec.securityContext';
  const errors: FieldError[] = [];
  const fsGroup = sc.fsGroup ?? undefined;
  errors.push(...validateGroups(st.fsGroup, `${scPath}.fsGroup`, fsGroup === undefined ? null : [fsGroup]));
  errors.push(...validateGroups(st.supplementalGroups, `${scPath}.supplementalGroups`, sc.supplementalGroups ?? null));
  errors.push(...validatePodSeccomp(st, pod));
  errors.push(...validateSeLinux(st, `${scPath}.seLinuxOptions`, sc.seLinuxOptions));
  if (!st.spec.hostNetwork && pod.spec.hostNetwork) errors.push(invalid(`${scPath}.hostNetwork`, bool(true), 'Host network is not allowed to be used'));
  if (!st.spec.hostPID && pod.spec.hostPID) errors.push(invalid(`${scPath}.hostPID`, bool(true), 'Host PID is not allowed to be used'));
  if (!st.spec.hostIPC && pod.spec.hostIPC) errors.push(invalid(`${scPath}.hostIPC`, bool(true), 'Host IPC is not allowed to be used'));
  errors.push(...validateSysctls(st, pod));
  errors.push(...validateVolumes(st, pod));
  if (st.spec.runtimeClass) errors.push(...validateRuntimeClass(st, pod.spec.runtimeClassName ?? undefined));
  for (const { container, path } of podContainers(pod)) errors.push(...validateContainer(st, pod, container, path));
  return errors;
}

function validateRuntimeClass(st: Strategies, name: string | undefined): FieldError[] {
  if (name === undefined) return [];
  const allowed = st.spec.runtimeClass?.allowedRuntimeClassNames ?? [];
  if (allowed.some((n) => n === '*' || n === name)) return [];
  return [invalid('spec.runtimeClassName', str(name), '')];
}

function validateContainer(st: Strategies, pod: Pod, c: Container, path: string): FieldError[] {
  const scPath = `${path}.securityContext`;
  const errors: FieldError[] = [];
  const uid = effective(pod, c, 'runAsUser') ?? undefined;
  errors.push(...validateRunAsUser(st, scPath, effective(pod, c, 'runAsNonRoot') ?? undefined, uid));
  const gid = effective(pod, c, 'runAsGroup') ?? undefined;
  // The plugin reports runAsGroup errors at the security context itself, not at .runAsGroup.
  errors.push(...validateGroups(st.runAsGroup, scPath, gid === undefined ? null : [gid]));
  errors.push(...validateSeLinux(st, `${scPath}.seLinuxOptions`, effective(pod, c, 'seLinuxOptions')));
  errors.push(...validateAppArmor(st, pod, c));
  errors.push(...validateContainerSeccomp(st, pod, c));
  if (!st.spec.privileged && own(c, 'privileged') === true) errors.push(invalid(`${scPath}.privileged`, bool(true), 'Privileged containers are not allowed'));
  const procMount = own(c, 'procMount') ?? 'Default';
  const procMounts = st.spec.allowedProcMountTypes?.length ? st.spec.allowedProcMountTypes : ['Default'];
  if (!procMounts.includes(procMount)) errors.push(invalid(`${scPath}.procMount`, str(procMount), 'ProcMountType is not allowed.'));
  errors.push(...validateCapabilities(st, scPath, own(c, 'capabilities')));
  for (const port of c.ports ?? []) {
    const hostPort = port.hostPort ?? 0;
    if (hostPort > 0 && !(st.spec.hostPorts ?? []).some((r) => hostPort >= r.min && hostPort <= r.max)) {
      const allowed = (st.spec.hostPorts ?? []).map((r) => (r.min === r.max ? `${r.min}` : `${r.min}-${r.max}`)).join(',');
      errors.push(invalid(`${path}.hostPort`, int(hostPort), `Host port ${hostPort} is not allowed to be used. Allowed ports: [${allowed}]`));
    }
  }
  if (st.spec.readOnlyRootFilesystem) {
    const ro = own(c, 'readOnlyRootFilesystem');
    if (ro === undefined) errors.push(invalid(`${scPath}.readOnlyRootFilesystem`, nullValue, 'ReadOnlyRootFilesystem may not be nil and must be set to true'));
    else if (!ro) errors.push(invalid(`${scPath}.readOnlyRootFilesystem`, bool(false), 'ReadOnlyRootFilesystem must be set to true'));
  }
  const ape = own(c, 'allowPrivilegeEscalation');
  if (!st.spec.allowPrivilegeEscalation && ape !== false) {
    errors.push(invalid(`${scPath}.allowPrivilegeEscalation`, ape === undefined ? nullValue : bool(true), 'Allowing privilege escalation for containers is not allowed'));
  }
  return errors;
}
