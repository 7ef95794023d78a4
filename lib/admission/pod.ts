/**
 * The parts of a core/v1 Pod that PodSecurityPolicy admission reads or writes. Everything else is
 * kept as it came (index signatures), so a pod round-trips unchanged through the engine.
 */

export interface SELinuxOptions {
  user?: string;
  role?: string;
  type?: string;
  level?: string;
}

export interface SeccompProfile {
  type: 'RuntimeDefault' | 'Unconfined' | 'Localhost' | string;
  localhostProfile?: string;
}

export interface Capabilities {
  add?: string[] | null;
  drop?: string[] | null;
}

export interface ContainerSecurityContext {
  privileged?: boolean | null;
  capabilities?: Capabilities | null;
  runAsUser?: number | null;
  runAsGroup?: number | null;
  runAsNonRoot?: boolean | null;
  seLinuxOptions?: SELinuxOptions | null;
  readOnlyRootFilesystem?: boolean | null;
  allowPrivilegeEscalation?: boolean | null;
  procMount?: string | null;
  seccompProfile?: SeccompProfile | null;
  [k: string]: unknown;
}

export interface PodSecurityContext {
  runAsUser?: number | null;
  runAsGroup?: number | null;
  runAsNonRoot?: boolean | null;
  seLinuxOptions?: SELinuxOptions | null;
  supplementalGroups?: number[] | null;
  fsGroup?: number | null;
  sysctls?: { name: string; value: string }[] | null;
  seccompProfile?: SeccompProfile | null;
  [k: string]: unknown;
}

export interface ContainerPort {
  containerPort: number;
  hostPort?: number | null;
  protocol?: string;
  name?: string;
  hostIP?: string;
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean | null;
  [k: string]: unknown;
}

export interface Container {
  name: string;
  image?: string;
  ports?: ContainerPort[] | null;
  volumeMounts?: VolumeMount[] | null;
  securityContext?: ContainerSecurityContext | null;
  [k: string]: unknown;
}

/** A volume: its name plus exactly one source key (hostPath, secret, projected, …). */
export interface Volume {
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [source: string]: any;
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[] | null;
  ephemeralContainers?: Container[] | null;
  volumes?: Volume[] | null;
  securityContext?: PodSecurityContext | null;
  hostNetwork?: boolean | null;
  hostPID?: boolean | null;
  hostIPC?: boolean | null;
  serviceAccountName?: string | null;
  serviceAccount?: string | null;
  automountServiceAccountToken?: boolean | null;
  runtimeClassName?: string | null;
  [k: string]: unknown;
}

export interface Pod {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name?: string;
    generateName?: string;
    namespace?: string;
    labels?: Record<string, string> | null;
    annotations?: Record<string, string> | null;
    [k: string]: unknown;
  };
  spec: PodSpec;
  [k: string]: unknown;
}

/** A deep copy of a plain JSON pod (a hand-written walk: several times faster than structuredClone on small trees). */
export function clonePod(pod: Pod): Pod {
  return cloneJson(pod);
}

export function cloneJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  const out: Record<string, unknown> = {};
  for (const k in value) {
    if (Object.prototype.hasOwnProperty.call(value, k)) out[k] = cloneJson((value as Record<string, unknown>)[k]);
  }
  return out as T;
}

/** Every container PSP looks at, with its field path (init containers first, as the plugin walks them). */
export function podContainers(pod: Pod): { container: Container; path: string }[] {
  return [
    ...(pod.spec.initContainers ?? []).map((container, i) => ({ container, path: `spec.initContainers[${i}]` })),
    ...(pod.spec.containers ?? []).map((container, i) => ({ container, path: `spec.containers[${i}]` })),
  ];
}
