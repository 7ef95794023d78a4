import type { Psp } from '../model/types';
import { PSP_API } from './types';

export const PSP_TEMPLATES = ['privileged', 'restricted', 'baseline'] as const;
export type PspTemplate = (typeof PSP_TEMPLATES)[number];

/**
 * The policies a platform admin starts from: `privileged` is the article's eks.privileged spec,
 * `restricted` the EKS best-practice spec the article applies to system:authenticated, `baseline`
 * the Kubernetes docs' baseline-psp.yaml (Pod Security Standards, baseline level).
 */
export function pspFromTemplate(template: PspTemplate, name: string): Psp {
  const metadata = (annotations: Record<string, string>) => ({ name, annotations });
  switch (template) {
    case 'privileged':
      return {
        apiVersion: PSP_API, kind: 'PodSecurityPolicy',
        metadata: metadata({
          'kubernetes.io/description': 'privileged allows full unrestricted access to pod features, as if the PodSecurityPolicy controller was not enabled.',
          'seccomp.security.alpha.kubernetes.io/allowedProfileNames': '*',
        }),
        spec: {
          allowPrivilegeEscalation: true, allowedCapabilities: ['*'], fsGroup: { rule: 'RunAsAny' }, hostIPC: true, hostNetwork: true, hostPID: true,
          hostPorts: [{ min: 0, max: 65535 }], privileged: true, runAsUser: { rule: 'RunAsAny' }, seLinux: { rule: 'RunAsAny' },
          supplementalGroups: { rule: 'RunAsAny' }, volumes: ['*'],
        },
      };
    case 'restricted':
      return {
        apiVersion: PSP_API, kind: 'PodSecurityPolicy',
        metadata: metadata({
          'seccomp.security.alpha.kubernetes.io/allowedProfileNames': 'docker/default,runtime/default',
          'apparmor.security.beta.kubernetes.io/allowedProfileNames': 'runtime/default',
          'seccomp.security.alpha.kubernetes.io/defaultProfileName': 'runtime/default',
          'apparmor.security.beta.kubernetes.io/defaultProfileName': 'runtime/default',
        }),
        spec: {
          privileged: false, allowPrivilegeEscalation: false, requiredDropCapabilities: ['ALL'],
          volumes: ['configMap', 'emptyDir', 'projected', 'secret', 'downwardAPI', 'persistentVolumeClaim'],
          hostNetwork: false, hostIPC: false, hostPID: false,
          runAsUser: { rule: 'MustRunAsNonRoot' }, seLinux: { rule: 'RunAsAny' },
          supplementalGroups: { rule: 'MustRunAs', ranges: [{ min: 1, max: 65535 }] },
          fsGroup: { rule: 'MustRunAs', ranges: [{ min: 1, max: 65535 }] },
          readOnlyRootFilesystem: false,
        },
      };
    case 'baseline':
      return {
        apiVersion: PSP_API, kind: 'PodSecurityPolicy',
        metadata: metadata({
          'seccomp.security.alpha.kubernetes.io/allowedProfileNames': 'docker/default,runtime/default,unconfined',
          'seccomp.security.alpha.kubernetes.io/defaultProfileName': 'unconfined',
          'apparmor.security.beta.kubernetes.io/allowedProfileNames': 'runtime/default',
          'apparmor.security.beta.kubernetes.io/defaultProfileName': 'runtime/default',
        }),
        spec: {
          privileged: false,
          // The container runtime's default capabilities (moby's set), NET_RAW included.
          allowedCapabilities: ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'NET_RAW', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'],
          volumes: [
            'configMap', 'emptyDir', 'projected', 'secret', 'downwardAPI', 'csi', 'persistentVolumeClaim', 'ephemeral',
            'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephFS', 'cinder', 'fc', 'flexVolume', 'flocker', 'gcePersistentDisk',
            'gitRepo', 'glusterfs', 'iscsi', 'nfs', 'photonPersistentDisk', 'portworxVolume', 'quobyte', 'rbd', 'scaleIO', 'storageos', 'vsphereVolume',
          ],
          hostNetwork: false, hostIPC: false, hostPID: false, readOnlyRootFilesystem: false,
          runAsUser: { rule: 'RunAsAny' }, seLinux: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' },
        },
      };
  }
}
