import type { Container, Pod } from '../admission/pod';
import type { PspSpec } from '../model/types';

/** Plain-object pod builders for admission tests. */

export const IMAGE = 'registry.k8s.io/pause:3.7';

export function aContainer(name = 'app', extra: Partial<Container> = {}): Container {
  return { name, image: IMAGE, ...extra };
}

export function aPod(extra: { name?: string; namespace?: string; annotations?: Record<string, string>; spec?: Partial<Pod['spec']>; container?: Partial<Container> } = {}): Pod {
  const { name = 'p', namespace = 'default', annotations, spec, container } = extra;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
    spec: { containers: [aContainer('app', container)], ...spec },
  };
}

/** A PSP spec that allows everything, so a test changes only the field it is about. */
export const ALLOW_ALL: PspSpec = {
  privileged: true, allowedCapabilities: ['*'], volumes: ['*'], hostNetwork: true, hostPID: true, hostIPC: true,
  hostPorts: [{ min: 0, max: 65535 }], runAsUser: { rule: 'RunAsAny' }, seLinux: { rule: 'RunAsAny' },
  supplementalGroups: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' }, allowPrivilegeEscalation: true,
};

/** Every strategy RunAsAny, nothing else allowed. */
export const RUN_AS_ANY: PspSpec = {
  runAsUser: { rule: 'RunAsAny' }, seLinux: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' },
};
