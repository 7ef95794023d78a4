import type { Pod, Volume } from './pod';
import { bool, invalid, str, type FieldError } from './field-error';
import type { Strategies } from './strategies';

/**
 * Volume checks: the volume's FSType must be allowed, then hostPath prefixes, flexVolume drivers and
 * inline CSI drivers are checked for the volumes that passed.
 */

/**
 * Volume source key → the FSType name PSPs list in `volumes`. They coincide except for one: the
 * policy API spells the `cephfs` source `cephFS` (the v1.24 server's list of supported values says so).
 */
export const FS_TYPE_OF_SOURCE: Record<string, string> = Object.fromEntries([
  ...[
    'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi',
    'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'flocker', 'downwardAPI', 'fc',
    'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'storageos', 'projected',
    'portworxVolume', 'scaleIO', 'csi', 'ephemeral',
  ].map((k) => [k, k]),
  ['cephfs', 'cephFS'],
]);

/** The FSType of a volume, or undefined when its source is none the policy API knows. */
export function volumeFsType(v: Volume): string | undefined {
  for (const k in v) {
    if (Object.prototype.hasOwnProperty.call(FS_TYPE_OF_SOURCE, k) && v[k] !== undefined && v[k] !== null) return FS_TYPE_OF_SOURCE[k];
  }
  return undefined;
}

/**
 * The projected volume the ServiceAccount admission plugin injects (token, kube-root-ca.crt, the
 * namespace): allowed wherever `secret` is, so that restrictive PSPs listing `secret` keep working.
 */
export function isServiceAccountTokenProjection(v: Volume): boolean {
  const sources: Record<string, any>[] = v.projected?.sources ?? [];
  return sources.every((s) => {
    if (s.serviceAccountToken) return s.serviceAccountToken.path === 'token' && !s.serviceAccountToken.audience;
    if (s.configMap) return s.configMap.name === 'kube-root-ca.crt';
    if (s.downwardAPI) {
      return (s.downwardAPI.items ?? []).every(
        (i: Record<string, any>) => i.path === 'namespace' && i.fieldRef?.apiVersion === 'v1' && i.fieldRef?.fieldPath === 'metadata.namespace',
      );
    }
    return false;
  });
}

function allowsVolumeType(st: Strategies, fsType: string, v: Volume): boolean {
  const allowed = st.spec.volumes ?? [];
  if (allowed.includes('*') || allowed.includes(fsType)) return true;
  return fsType === 'projected' && allowed.includes('secret') && isServiceAccountTokenProjection(v);
}

function trimSlashes(p: string): string {
  let out = p;
  while (out.length > 1 && out.endsWith('/')) out = out.slice(0, -1);
  return out;
}

/** Prefix match at a path-segment boundary: `/foo` matches `/foo` and `/foo/bar`, not `/fool`. */
export function hasPathPrefix(path: string, prefix: string): boolean {
  const s = trimSlashes(path);
  const p = trimSlashes(prefix);
  if (!s.startsWith(p)) return false;
  return s.length === p.length || p.endsWith('/') || s[p.length] === '/';
}

/** Whether a host path may be mounted, and whether only read-only. */
export function allowsHostPath(st: Strategies, path: string): { allowed: boolean; mustBeReadOnly: boolean } {
  const entries = st.spec.allowedHostPaths ?? [];
  if (entries.length === 0) return { allowed: true, mustBeReadOnly: false };
  let allowed = false;
  for (const e of entries) {
    if (!hasPathPrefix(path, e.pathPrefix ?? '')) continue;
    if (!e.readOnly) return { allowed: true, mustBeReadOnly: false };
    allowed = true;
  }
  return { allowed, mustBeReadOnly: allowed };
}

export function validateVolumes(st: Strategies, pod: Pod): FieldError[] {
  const errors: FieldError[] = [];
  (pod.spec.volumes ?? []).forEach((v, i) => {
    const path = `spec.volumes[${i}]`;
    const fsType = volumeFsType(v);
    if (!fsType) {
      errors.push(invalid(path, str(''), 'unknown volume type'));
      return;
    }
    if (!allowsVolumeType(st, fsType, v)) {
      errors.push(invalid(path, str(fsType), `${fsType} volumes are not allowed to be used`));
      return;
    }
    if (fsType === 'hostPath') {
      const hostPath: string = v.hostPath?.path ?? '';
      const { allowed, mustBeReadOnly } = allowsHostPath(st, hostPath);
      if (!allowed) errors.push(invalid(`${path}.hostPath.pathPrefix`, str(hostPath), 'is not allowed to be used'));
      else if (mustBeReadOnly) {
        for (const [list, listPath] of [[pod.spec.initContainers, 'spec.initContainers'], [pod.spec.containers, 'spec.containers']] as const) {
          (list ?? []).forEach((c, ci) => {
            (c.volumeMounts ?? []).forEach((m, mi) => {
              if (m.name === v.name && !m.readOnly) {
                errors.push(invalid(`${listPath}[${ci}].volumeMounts[${mi}].readOnly`, bool(false), 'must be read-only'));
              }
            });
          });
        }
      }
    } else if (fsType === 'flexVolume') {
      const drivers = st.spec.allowedFlexVolumes ?? [];
      const driver: string = v.flexVolume?.driver ?? '';
      if (drivers.length > 0 && !drivers.some((d) => d.driver === driver)) {
        errors.push(invalid(`${path}.driver`, str(driver), 'Flexvolume driver is not allowed to be used'));
      }
    } else if (fsType === 'csi') {
      const drivers = st.spec.allowedCSIDrivers ?? [];
      const driver: string = v.csi?.driver ?? '';
      if (drivers.length > 0 && !drivers.some((d) => d.name === driver)) {
        errors.push(invalid(`${path}.csi.driver`, str(driver), 'Inline CSI driver is not allowed to be used'));
      }
    }
  });
  return errors;
}
