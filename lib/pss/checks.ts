/**
 * The Pod Security Standards checks, with PodSecurity admission's check IDs, the policy versions in
 * which each applies or changes, and the plugin's own reason and detail wording. Written from the
 * behaviour of k8s.io/pod-security-admission v0.24.17 and v0.37.2 (policy/check_*.go); where
 * servers word a check differently, `server` (the API server's minor) selects the wording. The
 * release boundaries of those differences come from the library's history (SELinux message v1.26,
 * AppArmor fields v1.30, image volumes v1.33); only v1.24 and v1.37 are proven on real servers.
 */
import type { Container, PodSpec } from '../admission/pod';

export type CheckId =
  | 'allowPrivilegeEscalation'
  | 'appArmorProfile'
  | 'capabilities_baseline'
  | 'capabilities_restricted'
  | 'hostNamespaces'
  | 'hostPathVolumes'
  | 'hostPorts'
  | 'hostProbesAndHostLifecycle'
  | 'privileged'
  | 'procMount'
  | 'procMount_restricted'
  | 'restrictedVolumes'
  | 'runAsNonRoot'
  | 'runAsUser'
  | 'seLinuxOptions'
  | 'seccompProfile_baseline'
  | 'seccompProfile_restricted'
  | 'sysctls'
  | 'windowsHostProcess';

/** A failed check: `reason (detail)` in the plugin's messages. */
export interface CheckViolation {
  id: CheckId;
  reason: string;
  detail: string;
}

export interface PodMetaView {
  annotations?: Record<string, string> | null;
  [k: string]: unknown;
}

/** What a check function sees: the pod (or template) metadata and spec, and the server's minor. */
export interface CheckInput {
  meta: PodMetaView;
  spec: PodSpec;
  /** visitContainers(spec), computed once per evaluation. */
  containers: Container[];
  /** The API server's minor version: its wording of some checks differs (see each check). */
  server: number;
}

/** undefined: allowed. */
type CheckFn = (input: CheckInput) => { reason: string; detail: string } | undefined;

export interface VersionedCheck {
  /** The first policy minor (1.x) this variant applies to; it applies until the next variant. */
  minor: number;
  check: CheckFn;
  /** Baseline checks this (restricted) check replaces at the restricted level from this version on. */
  overrides?: CheckId[];
  /** What changed at this version, for people. */
  note: string;
}

export interface CheckDefinition {
  id: CheckId;
  level: 'baseline' | 'restricted';
  /** Strictly increasing minors. */
  versions: VersionedCheck[];
}

// ---------------------------------------------------------------------------------------------
// Helpers with the plugin's formatting

type Rec = Record<string, unknown>;

function obj(v: unknown): Rec | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : undefined;
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** `"a", "b"` (Go: joinQuote). */
export function joinQuote(items: string[]): string {
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}

export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** A sorted, de-duplicated list (Go: sets.String.List(), byte order; names are ASCII). */
function sortedSet(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/** Go's %q for the strings in these messages: a JSON string is the same for printable text. */
function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** Init containers, containers, then ephemeral containers, as the plugin visits them. */
export function visitContainers(spec: PodSpec): Container[] {
  return [...arr(spec.initContainers), ...arr(spec.containers), ...arr(spec.ephemeralContainers)].filter((c) => obj(c)) as Container[];
}

function sc(c: Container): Rec | undefined {
  return obj(c.securityContext);
}

function podSc(spec: PodSpec): Rec | undefined {
  return obj(spec.securityContext);
}

function containersPhrase(names: string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}

function isWindows(spec: PodSpec): boolean {
  return obj(spec.os)?.name === 'windows';
}

/** hostUsers: false (a user namespace) relaxes some checks from v1.35. */
function inUserNamespace(spec: PodSpec): boolean {
  return spec.hostUsers === false;
}

function exemptWindows(f: CheckFn): CheckFn {
  return (input) => (isWindows(input.spec) ? undefined : f(input));
}

function relaxUserNamespace(f: CheckFn): CheckFn {
  return (input) => (inUserNamespace(input.spec) ? undefined : f(input));
}

// ---------------------------------------------------------------------------------------------
// Baseline

const privileged: CheckFn = ({ containers }) => {
  const bad = containers.filter((c) => sc(c)?.privileged === true).map((c) => c.name);
  if (bad.length === 0) return undefined;
  return { reason: 'privileged', detail: `${containersPhrase(bad)} must not set securityContext.privileged=true` };
};

const hostNamespaces: CheckFn = ({ spec }) => {
  const used: string[] = [];
  if (spec.hostNetwork === true) used.push('hostNetwork=true');
  if (spec.hostPID === true) used.push('hostPID=true');
  if (spec.hostIPC === true) used.push('hostIPC=true');
  if (used.length === 0) return undefined;
  return { reason: 'host namespaces', detail: used.join(', ') };
};

const hostPathVolumes: CheckFn = ({ spec }) => {
  const bad = arr(spec.volumes).filter((v) => obj(obj(v)?.hostPath)).map((v) => String(obj(v)!.name));
  if (bad.length === 0) return undefined;
  return { reason: 'hostPath volumes', detail: `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)}` };
};

const hostPorts: CheckFn = ({ containers }) => {
  const bad: string[] = [];
  const ports = new Set<string>();
  for (const c of containers) {
    let valid = true;
    for (const p of arr(c.ports)) {
      const hp = Number(obj(p)?.hostPort ?? 0);
      if (hp !== 0) {
        valid = false;
        ports.add(String(hp));
      }
    }
    if (!valid) bad.push(c.name);
  }
  if (bad.length === 0) return undefined;
  // The ports are a set of strings: sorted as text ("10000" before "80").
  const list = sortedSet(ports);
  return {
    reason: 'hostPort',
    detail: `${containersPhrase(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', list.length)} ${list.join(', ')}`,
  };
};

const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

const capabilitiesBaseline: CheckFn = ({ containers }) => {
  const bad: string[] = [];
  const caps = new Set<string>();
  for (const c of containers) {
    const capabilities = obj(sc(c)?.capabilities);
    if (!capabilities) continue;
    let valid = true;
    for (const cap of arr(capabilities.add)) {
      if (!BASELINE_CAPABILITIES.has(String(cap))) {
        valid = false;
        caps.add(String(cap));
      }
    }
    if (!valid) bad.push(c.name);
  }
  if (bad.length === 0) return undefined;
  return { reason: 'non-default capabilities', detail: `${containersPhrase(bad)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add` };
};

const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

const appArmorProfile: CheckFn = ({ meta, spec, server, containers }) => {
  const annotationAllowed = (v: string) => v === '' || v === 'runtime/default' || v.startsWith('localhost/');
  const forbiddenAnnotations = Object.entries(meta.annotations ?? {})
    .filter(([k, v]) => k.startsWith(APPARMOR_ANNOTATION_PREFIX) && !annotationAllowed(String(v)))
    .map(([k, v]) => `${k}=${goQuote(String(v))}`)
    .sort();
  if (server < 30) {
    // Servers before the appArmorProfile fields (v1.30): annotations only, listed as the detail.
    if (forbiddenAnnotations.length === 0) return undefined;
    return { reason: pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', forbiddenAnnotations.length), detail: forbiddenAnnotations.join(', ') };
  }
  const typeAllowed = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost';
  const setters: string[] = [];
  const values = new Set<string>();
  const podProfile = obj(podSc(spec)?.appArmorProfile);
  if (podProfile && !typeAllowed(podProfile.type)) {
    setters.push('pod');
    values.add(String(podProfile.type ?? ''));
  }
  const bad: string[] = [];
  for (const c of containers) {
    const p = obj(sc(c)?.appArmorProfile);
    if (p && !typeAllowed(p.type)) {
      bad.push(c.name);
      values.add(String(p.type ?? ''));
    }
  }
  if (bad.length > 0) setters.push(containersPhrase(bad));
  const list = [...sortedSet(values), ...forbiddenAnnotations];
  if (forbiddenAnnotations.length > 0) setters.push(pluralize('annotation', 'annotations', forbiddenAnnotations.length));
  if (setters.length === 0) return undefined;
  return {
    reason: pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', list.length),
    detail: `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(list)}`,
  };
};

const SELINUX_TYPES_1_0 = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const SELINUX_TYPES_1_31 = new Set([...SELINUX_TYPES_1_0, 'container_engine_t']);

function seLinuxOptions(allowedTypes: Set<string>): CheckFn {
  return ({ spec, server, containers }) => {
    const badTypes = new Set<string>();
    let setUser = false;
    let setRole = false;
    const valid = (o: Rec) => {
      let ok = true;
      const type = typeof o.type === 'string' ? o.type : '';
      if (!allowedTypes.has(type)) {
        ok = false;
        badTypes.add(type);
      }
      if (typeof o.user === 'string' && o.user.length > 0) {
        ok = false;
        setUser = true;
      }
      if (typeof o.role === 'string' && o.role.length > 0) {
        ok = false;
        setRole = true;
      }
      return ok;
    };
    const setters: string[] = [];
    const podOpts = obj(podSc(spec)?.seLinuxOptions);
    if (podOpts && !valid(podOpts)) setters.push('pod');
    const bad: string[] = [];
    for (const c of containers) {
      const o = obj(sc(c)?.seLinuxOptions);
      if (o && !valid(o)) bad.push(c.name);
    }
    if (bad.length > 0) setters.push(containersPhrase(bad));
    if (setters.length === 0) return undefined;
    const data: string[] = [];
    const types = sortedSet(badTypes);
    if (types.length > 0) data.push(`${pluralize('type', 'types', types.length)} ${joinQuote(types)}`);
    // Before v1.26 the plugin names a user or role only when a type is also forbidden (the detail
    // then ends with ": "); v1.26 fixed the message.
    if (server >= 26 || types.length > 0) {
      if (setUser) data.push('user may not be set');
      if (setRole) data.push('role may not be set');
    }
    return { reason: 'seLinuxOptions', detail: `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}` };
  };
}

const procMountCheck: CheckFn = ({ containers }) => {
  const bad: string[] = [];
  const types = new Set<string>();
  for (const c of containers) {
    const pm = sc(c)?.procMount;
    if (pm === undefined || pm === null) continue;
    if (pm !== 'Default') {
      bad.push(c.name);
      types.add(String(pm));
    }
  }
  if (bad.length === 0) return undefined;
  return { reason: 'procMount', detail: `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}` };
};

const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

/** Before v1.19 the baseline looks at the seccomp annotations only. */
const seccompBaseline_1_0: CheckFn = ({ meta, containers }) => {
  const annotations = meta.annotations ?? {};
  const validValue = (v: string) => v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');
  const forbidden = new Set<string>();
  if (Object.prototype.hasOwnProperty.call(annotations, SECCOMP_POD_ANNOTATION)) {
    const v = String(annotations[SECCOMP_POD_ANNOTATION]);
    if (!validValue(v)) forbidden.add(`${SECCOMP_POD_ANNOTATION}=${goQuote(v)}`);
  }
  for (const c of containers) {
    const key = SECCOMP_CONTAINER_ANNOTATION_PREFIX + c.name;
    if (Object.prototype.hasOwnProperty.call(annotations, key)) {
      const v = String(annotations[key]);
      if (!validValue(v)) forbidden.add(`${key}=${goQuote(v)}`);
    }
  }
  if (forbidden.size === 0) return undefined;
  return { reason: 'seccompProfile', detail: `forbidden ${pluralize('annotation', 'annotations', forbidden.size)} ${sortedSet(forbidden).join(', ')}` };
};

const validSeccompType = (t: unknown) => t === 'Localhost' || t === 'RuntimeDefault';

/** The explicit bad setters of seccompProfile.type, shared by baseline and restricted. */
function seccompFields(spec: PodSpec, containers: Container[]): { setters: string[]; values: string[]; podSet: boolean; implicit: string[] } {
  const setters: string[] = [];
  const values = new Set<string>();
  let podSet = false;
  const podProfile = obj(podSc(spec)?.seccompProfile);
  if (podProfile) {
    if (!validSeccompType(podProfile.type)) {
      setters.push('pod');
      values.add(String(podProfile.type ?? ''));
    } else podSet = true;
  }
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of containers) {
    const p = obj(sc(c)?.seccompProfile);
    if (p) {
      if (!validSeccompType(p.type)) {
        explicit.push(c.name);
        values.add(String(p.type ?? ''));
      }
    } else if (!podSet) implicit.push(c.name);
  }
  if (explicit.length > 0) setters.push(containersPhrase(explicit));
  return { setters, values: sortedSet(values), podSet, implicit };
}

const seccompBaseline_1_19: CheckFn = ({ spec, containers }) => {
  const { setters, values } = seccompFields(spec, containers);
  if (setters.length === 0) return undefined;
  return { reason: 'seccompProfile', detail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(values)}` };
};

const SYSCTLS_1_0 = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'];
const SYSCTLS_1_27 = [...SYSCTLS_1_0, 'net.ipv4.ip_local_reserved_ports'];
const SYSCTLS_1_29 = [...SYSCTLS_1_27, 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
const SYSCTLS_1_32 = [...SYSCTLS_1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
const SYSCTLS_1_37 = [...SYSCTLS_1_32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];

/** The sysctls the baseline allows at a policy minor. */
export function safeSysctls(minor: number): readonly string[] {
  return minor >= 37 ? SYSCTLS_1_37 : minor >= 32 ? SYSCTLS_1_32 : minor >= 29 ? SYSCTLS_1_29 : minor >= 27 ? SYSCTLS_1_27 : SYSCTLS_1_0;
}

function sysctls(allowedList: readonly string[]): CheckFn {
  const allowed = new Set(allowedList);
  return ({ spec }) => {
    const forbidden = arr(podSc(spec)?.sysctls).map((s) => String(obj(s)?.name ?? '')).filter((n) => !allowed.has(n));
    if (forbidden.length === 0) return undefined;
    return { reason: 'forbidden sysctls', detail: forbidden.join(', ') };
  };
}

const windowsHostProcess: CheckFn = ({ spec, containers }) => {
  const isHostProcess = (s: Rec | undefined) => obj(s?.windowsOptions)?.hostProcess === true;
  const bad = containers.filter((c) => isHostProcess(sc(c))).map((c) => c.name);
  const setters: string[] = [];
  if (isHostProcess(podSc(spec))) setters.push('pod');
  if (bad.length > 0) setters.push(containersPhrase(bad));
  if (setters.length === 0) return undefined;
  return { reason: 'hostProcess', detail: `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true` };
};

function handlerHosts(h: unknown): string[] {
  const o = obj(h);
  if (!o) return [];
  const hosts: string[] = [];
  const httpHost = obj(o.httpGet)?.host;
  if (typeof httpHost === 'string' && httpHost !== '') hosts.push(httpHost);
  const tcpHost = obj(o.tcpSocket)?.host;
  if (typeof tcpHost === 'string' && tcpHost !== '') hosts.push(tcpHost);
  return hosts;
}

const hostProbesAndHostLifecycle: CheckFn = ({ containers }) => {
  const bad = new Set<string>();
  const hosts = new Set<string>();
  for (const c of containers) {
    const lifecycle = obj(c.lifecycle);
    for (const h of [c.livenessProbe, c.readinessProbe, c.startupProbe, lifecycle?.postStart, lifecycle?.preStop]) {
      const found = handlerHosts(h);
      if (found.length > 0) {
        bad.add(c.name);
        found.forEach((x) => hosts.add(x));
      }
    }
  }
  if (bad.size === 0) return undefined;
  // Both are sets here: the containers are sorted by name, not in pod order.
  const names = sortedSet(bad);
  const list = sortedSet(hosts);
  return {
    reason: 'probe or lifecycle host',
    detail: `${containersPhrase(names)} ${pluralize('uses', 'use', names.length)} ${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', list.length)} ${joinQuote(list)}`,
  };
};

// ---------------------------------------------------------------------------------------------
// Restricted

const allowPrivilegeEscalation: CheckFn = ({ containers }) => {
  const bad = containers.filter((c) => sc(c)?.allowPrivilegeEscalation !== false).map((c) => c.name);
  if (bad.length === 0) return undefined;
  return { reason: 'allowPrivilegeEscalation != false', detail: `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false` };
};

const capabilitiesRestricted: CheckFn = ({ containers }) => {
  const missingDrop: string[] = [];
  const adding: string[] = [];
  const caps = new Set<string>();
  for (const c of containers) {
    const capabilities = obj(sc(c)?.capabilities);
    if (!capabilities) {
      missingDrop.push(c.name);
      continue;
    }
    if (!arr(capabilities.drop).some((d) => d === 'ALL')) missingDrop.push(c.name);
    let addsForbidden = false;
    for (const a of arr(capabilities.add)) {
      if (a !== 'NET_BIND_SERVICE') {
        addsForbidden = true;
        caps.add(String(a));
      }
    }
    if (addsForbidden) adding.push(c.name);
  }
  const details: string[] = [];
  if (missingDrop.length > 0) details.push(`${containersPhrase(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
  if (adding.length > 0) details.push(`${containersPhrase(adding)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`);
  if (details.length === 0) return undefined;
  return { reason: 'unrestricted capabilities', detail: details.join('; ') };
};

const ALLOWED_VOLUME_SOURCES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
/** The plugin's order of the restricted types and their names in the detail. */
const RESTRICTED_VOLUME_SOURCES: [string, string][] = [
  ['hostPath', 'hostPath'], ['gcePersistentDisk', 'gcePersistentDisk'], ['awsElasticBlockStore', 'awsElasticBlockStore'], ['gitRepo', 'gitRepo'],
  ['nfs', 'nfs'], ['iscsi', 'iscsi'], ['glusterfs', 'glusterfs'], ['rbd', 'rbd'], ['flexVolume', 'flexVolume'], ['cinder', 'cinder'],
  ['cephfs', 'cephfs'], ['flocker', 'flocker'], ['fc', 'fc'], ['azureFile', 'azureFile'], ['vsphereVolume', 'vsphereVolume'],
  ['quobyte', 'quobyte'], ['azureDisk', 'azureDisk'], ['photonPersistentDisk', 'photonPersistentDisk'], ['portworxVolume', 'portworxVolume'],
  ['scaleIO', 'scaleIO'], ['storageos', 'storageos'],
];

const restrictedVolumes: CheckFn = ({ spec, server }) => {
  // `image` volumes (v1.31+) are allowed from v1.33 servers on; v1.31–v1.32 call them "unknown".
  const allowed = server >= 33 ? [...ALLOWED_VOLUME_SOURCES, 'image'] : ALLOWED_VOLUME_SOURCES;
  const bad: string[] = [];
  const types = new Set<string>();
  for (const raw of arr(spec.volumes)) {
    const v = obj(raw);
    if (!v) continue;
    if (allowed.some((k) => obj(v[k]))) continue;
    bad.push(String(v.name));
    // The v1.26 plugin had dropped cinder from its list (restored in v1.27): "unknown" there.
    const known = RESTRICTED_VOLUME_SOURCES.find(([k]) => obj(v[k]) && !(k === 'cinder' && server === 26));
    types.add(known?.[1] ?? 'unknown');
  }
  if (bad.length === 0) return undefined;
  const list = sortedSet(types);
  return {
    reason: 'restricted volume types',
    detail: `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('restricted volume type', 'restricted volume types', list.length)} ${joinQuote(list)}`,
  };
};

const runAsNonRoot: CheckFn = ({ spec, containers }) => {
  const setters: string[] = [];
  let podNonRoot = false;
  const podValue = podSc(spec)?.runAsNonRoot;
  if (podValue !== undefined && podValue !== null) {
    if (podValue === false) setters.push('pod');
    else podNonRoot = true;
  }
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of containers) {
    const v = sc(c)?.runAsNonRoot;
    if (v !== undefined && v !== null) {
      if (v === false) explicit.push(c.name);
    } else if (!podNonRoot) implicit.push(c.name);
  }
  if (explicit.length > 0) setters.push(containersPhrase(explicit));
  if (setters.length > 0) return { reason: 'runAsNonRoot != true', detail: `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false` };
  if (implicit.length > 0) return { reason: 'runAsNonRoot != true', detail: `pod or ${containersPhrase(implicit)} must set securityContext.runAsNonRoot=true` };
  return undefined;
};

const runAsUser: CheckFn = ({ spec, containers }) => {
  const setters: string[] = [];
  if (podSc(spec)?.runAsUser === 0) setters.push('pod');
  const bad = containers.filter((c) => sc(c)?.runAsUser === 0).map((c) => c.name);
  if (bad.length > 0) setters.push(containersPhrase(bad));
  if (setters.length === 0) return undefined;
  return { reason: 'runAsUser=0', detail: `${setters.join(' and ')} must not set runAsUser=0` };
};

const seccompRestricted: CheckFn = ({ spec, containers }) => {
  const { setters, values, implicit } = seccompFields(spec, containers);
  if (setters.length > 0) return { reason: 'seccompProfile', detail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(values)}` };
  if (implicit.length > 0) {
    return { reason: 'seccompProfile', detail: `pod or ${containersPhrase(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"` };
  }
  return undefined;
};

// ---------------------------------------------------------------------------------------------
// The registry

export const CHECKS: readonly CheckDefinition[] = [
  { id: 'allowPrivilegeEscalation', level: 'restricted', versions: [
    { minor: 8, check: allowPrivilegeEscalation, note: 'containers must set allowPrivilegeEscalation=false' },
    { minor: 25, check: exemptWindows(allowPrivilegeEscalation), note: 'pods with spec.os.name=windows are exempt' },
  ] },
  { id: 'appArmorProfile', level: 'baseline', versions: [
    { minor: 0, check: appArmorProfile, note: 'AppArmor: RuntimeDefault, Localhost or unset (annotations: runtime/default, localhost/*, empty)' },
  ] },
  { id: 'capabilities_baseline', level: 'baseline', versions: [
    { minor: 0, check: capabilitiesBaseline, note: 'only the default capabilities may be added' },
  ] },
  { id: 'capabilities_restricted', level: 'restricted', versions: [
    { minor: 22, check: capabilitiesRestricted, overrides: ['capabilities_baseline'], note: 'drop ALL; add only NET_BIND_SERVICE' },
    { minor: 25, check: exemptWindows(capabilitiesRestricted), overrides: ['capabilities_baseline'], note: 'pods with spec.os.name=windows are exempt' },
  ] },
  { id: 'hostNamespaces', level: 'baseline', versions: [{ minor: 0, check: hostNamespaces, note: 'no hostNetwork, hostPID, hostIPC' }] },
  { id: 'hostPathVolumes', level: 'baseline', versions: [{ minor: 0, check: hostPathVolumes, note: 'no hostPath volumes' }] },
  { id: 'hostPorts', level: 'baseline', versions: [{ minor: 0, check: hostPorts, note: 'no host ports' }] },
  { id: 'hostProbesAndHostLifecycle', level: 'baseline', versions: [
    { minor: 34, check: hostProbesAndHostLifecycle, note: 'probes and lifecycle handlers must not set host' },
  ] },
  { id: 'privileged', level: 'baseline', versions: [{ minor: 0, check: privileged, note: 'no privileged containers' }] },
  { id: 'procMount', level: 'baseline', versions: [
    { minor: 0, check: procMountCheck, note: 'procMount must be Default' },
    { minor: 35, check: relaxUserNamespace(procMountCheck), note: 'any procMount with hostUsers: false' },
  ] },
  { id: 'procMount_restricted', level: 'restricted', versions: [
    { minor: 35, check: procMountCheck, overrides: ['procMount'], note: 'procMount must be Default, even with hostUsers: false' },
  ] },
  { id: 'restrictedVolumes', level: 'restricted', versions: [
    { minor: 0, check: restrictedVolumes, overrides: ['hostPathVolumes'], note: 'only configMap, csi, downwardAPI, emptyDir, ephemeral, (image,) persistentVolumeClaim, projected, secret' },
  ] },
  { id: 'runAsNonRoot', level: 'restricted', versions: [
    { minor: 0, check: runAsNonRoot, note: 'runAsNonRoot=true on the pod or every container' },
    { minor: 35, check: relaxUserNamespace(runAsNonRoot), note: 'pods with hostUsers: false are exempt' },
  ] },
  { id: 'runAsUser', level: 'restricted', versions: [
    { minor: 23, check: runAsUser, note: 'runAsUser must not be 0' },
    { minor: 35, check: relaxUserNamespace(runAsUser), note: 'pods with hostUsers: false are exempt' },
  ] },
  { id: 'seLinuxOptions', level: 'baseline', versions: [
    { minor: 0, check: seLinuxOptions(SELINUX_TYPES_1_0), note: 'SELinux type container_t, container_init_t, container_kvm_t or unset; no user or role' },
    { minor: 31, check: seLinuxOptions(SELINUX_TYPES_1_31), note: 'container_engine_t allowed too' },
  ] },
  { id: 'seccompProfile_baseline', level: 'baseline', versions: [
    { minor: 0, check: seccompBaseline_1_0, note: 'seccomp annotations: runtime/default, docker/default, localhost/* or unset' },
    { minor: 19, check: seccompBaseline_1_19, note: 'seccompProfile.type: RuntimeDefault, Localhost or unset' },
  ] },
  { id: 'seccompProfile_restricted', level: 'restricted', versions: [
    { minor: 19, check: seccompRestricted, overrides: ['seccompProfile_baseline'], note: 'seccompProfile.type RuntimeDefault or Localhost required' },
    { minor: 25, check: exemptWindows(seccompRestricted), overrides: ['seccompProfile_baseline'], note: 'pods with spec.os.name=windows are exempt' },
  ] },
  { id: 'sysctls', level: 'baseline', versions: [
    { minor: 0, check: sysctls(SYSCTLS_1_0), note: 'only the safe sysctls' },
    { minor: 27, check: sysctls(SYSCTLS_1_27), note: '+ net.ipv4.ip_local_reserved_ports' },
    { minor: 29, check: sysctls(SYSCTLS_1_29), note: '+ net.ipv4.tcp_keepalive_time, tcp_fin_timeout, tcp_keepalive_intvl, tcp_keepalive_probes' },
    { minor: 32, check: sysctls(SYSCTLS_1_32), note: '+ net.ipv4.tcp_rmem, tcp_wmem' },
    { minor: 37, check: sysctls(SYSCTLS_1_37), note: '+ net.ipv4.tcp_slow_start_after_idle, tcp_notsent_lowat' },
  ] },
  { id: 'windowsHostProcess', level: 'baseline', versions: [{ minor: 0, check: windowsHostProcess, note: 'no Windows HostProcess' }] },
];

export const CHECK_IDS: readonly CheckId[] = CHECKS.map((c) => c.id);

/** The variant of a check in force at a policy minor, or undefined when the check does not apply yet. */
export function checkAt(def: CheckDefinition, minor: number): VersionedCheck | undefined {
  let found: VersionedCheck | undefined;
  for (const v of def.versions) if (v.minor <= minor) found = v;
  return found;
}

const BASELINE_IDS = CHECKS.filter((c) => c.level === 'baseline').map((c) => c.id).sort();
const RESTRICTED_IDS = CHECKS.filter((c) => c.level === 'restricted').map((c) => c.id).sort();
const ORDER = [...BASELINE_IDS, ...RESTRICTED_IDS];

const cache = new Map<string, { id: CheckId; check: VersionedCheck }[]>();

/**
 * The checks a level runs at a policy minor, in the plugin's order (baseline IDs sorted, then
 * restricted IDs sorted); at restricted a baseline check is left out while a restricted check in
 * force overrides it.
 */
export function checksFor(level: 'baseline' | 'restricted', minor: number): { id: CheckId; check: VersionedCheck }[] {
  const key = `${level}:${minor}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const inForce = new Map<CheckId, VersionedCheck>();
  for (const def of CHECKS) {
    if (def.level === 'restricted' && level === 'baseline') continue;
    const v = checkAt(def, minor);
    if (v) inForce.set(def.id, v);
  }
  if (level === 'restricted') {
    for (const def of CHECKS) {
      if (def.level !== 'restricted') continue;
      for (const o of inForce.get(def.id)?.overrides ?? []) inForce.delete(o);
    }
  }
  const out = ORDER.filter((id) => inForce.has(id)).map((id) => ({ id, check: inForce.get(id)! }));
  cache.set(key, out);
  return out;
}
