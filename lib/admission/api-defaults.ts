import { clonePod, type Pod, type Volume } from './pod';

/**
 * The API defaulting (at decode, before any admission plugin) that changes what PSP sees. Run it
 * before the ServiceAccount step and selectPolicy.
 */
export function applyApiDefaults(input: Pod): Pod {
  const pod = clonePod(input);
  // The internal pod always has a security context; an absent one decodes as empty.
  pod.spec.securityContext = pod.spec.securityContext ?? {};
  if (pod.spec.hostNetwork) {
    // With the host's network a container port is a host port: hostPort defaults to containerPort.
    for (const c of [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])]) {
      for (const port of c.ports ?? []) {
        if (!port.hostPort) port.hostPort = port.containerPort;
      }
    }
  }
  // The deprecated alias is copied into serviceAccountName when only it is given.
  if (!pod.spec.serviceAccountName && pod.spec.serviceAccount) pod.spec.serviceAccountName = pod.spec.serviceAccount;
  return pod;
}

export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface ServiceAccountAdmissionOptions {
  /** Whether the service account itself opts out of token automounting (its `automountServiceAccountToken: false`). */
  serviceAccountAutomount?: boolean;
  /** The volume name suffix; the API server picks 5 random characters. */
  suffix?: string;
  /** Static (mirror) pods get no service account at all. */
  mirrorPod?: boolean;
}

/**
 * The ServiceAccount admission plugin, which runs before PSP: `serviceAccountName` defaults to
 * `default`, and (unless automounting is off) the `kube-api-access-*` projected token volume is
 * added and mounted read-only in every container that does not already mount that path.
 */
export function applyServiceAccountAdmission(input: Pod, opts: ServiceAccountAdmissionOptions = {}): Pod {
  const pod = clonePod(input);
  if (opts.mirrorPod) return pod;
  if (!pod.spec.serviceAccountName) pod.spec.serviceAccountName = 'default';
  const automount = pod.spec.automountServiceAccountToken ?? opts.serviceAccountAutomount ?? true;
  if (!automount) return pod;
  const existing = (pod.spec.volumes ?? []).find((v) => v.name.startsWith('kube-api-access-'));
  const name = existing?.name ?? `kube-api-access-${opts.suffix ?? 'xxxxx'}`;
  let needsVolume = false;
  // Per container: one that already mounts something at the token path gets nothing injected.
  for (const c of [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])]) {
    if ((c.volumeMounts ?? []).some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH)) continue;
    c.volumeMounts = [...(c.volumeMounts ?? []), { name, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH }];
    needsVolume = true;
  }
  if (!existing && needsVolume) pod.spec.volumes = [...(pod.spec.volumes ?? []), serviceAccountTokenVolume(name)];
  return pod;
}

export function serviceAccountTokenVolume(name: string): Volume {
  return {
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
}
