/**
 * The admission scenario suite's cluster: static RBAC (grants by ClusterRoleBinding, RoleBinding,
 * wildcard roles, the `extensions` group, and rules that only look like grants), a catalogue of
 * PSPs installed phase by phase, and the pods of each phase with the identity that creates them.
 */
import type { Pod } from '../lib/admission/pod';
import type { Identity } from '../lib/access/identity';
import type { RawObject } from '../lib/sources/to-model';
import { seededRandom } from '../lib/testing/prng';

const RBAC = 'rbac.authorization.k8s.io/v1';
const G = 'rbac.authorization.k8s.io';

export const NAMESPACES = ['team-a', 'team-b', 'team-c', 'default'];

const clusterRole = (name: string, rules: object[]): RawObject => ({ apiVersion: RBAC, kind: 'ClusterRole', metadata: { name }, rules });
const role = (namespace: string, name: string, rules: object[]): RawObject => ({ apiVersion: RBAC, kind: 'Role', metadata: { name, namespace }, rules });
const use = (...names: string[]) => ({ apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['use'], ...(names.length ? { resourceNames: names } : {}) });
const crb = (name: string, roleName: string, subjects: object[]): RawObject => ({ apiVersion: RBAC, kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: G, kind: 'ClusterRole', name: roleName }, subjects });
const rb = (namespace: string, name: string, roleRef: { kind: string; name: string }, subjects: object[]): RawObject => ({ apiVersion: RBAC, kind: 'RoleBinding', metadata: { name, namespace }, roleRef: { apiGroup: G, ...roleRef }, subjects });
const grp = (name: string) => ({ kind: 'Group', apiGroup: G, name });
const usr = (name: string) => ({ kind: 'User', apiGroup: G, name });
const sa = (name: string, namespace?: string) => ({ kind: 'ServiceAccount', name, ...(namespace ? { namespace } : {}) });

export function setupObjects(): RawObject[] {
  return [
    ...['team-b', 'team-c'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
    ...[['team-a', 'builder'], ['team-b', 'default'], ['team-b', 'privileged-sa'], ['team-c', 'default'], ['team-c', 'no-automount']].map(([namespace, name]) => ({
      apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace }, ...(name === 'no-automount' ? { automountServiceAccountToken: false } : {}),
    })),
    // Every requester may create pods; this role grants no PSP.
    clusterRole('scn:pod-creator', [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }]),
    crb('scn:pod-creators', 'scn:pod-creator', [grp('system:authenticated')]),
    // Every pod service account may use `restricted`, in every namespace.
    clusterRole('scn:use-restricted', [use('restricted')]),
    crb('scn:restricted-all-sas', 'scn:use-restricted', [grp('system:serviceaccounts')]),
    // `baseline` for team-a's service accounts and alice, only in team-a.
    clusterRole('scn:use-baseline', [use('baseline')]),
    rb('team-a', 'scn:baseline-team-a', { kind: 'ClusterRole', name: 'scn:use-baseline' }, [grp('system:serviceaccounts:team-a'), usr('alice')]),
    // `privileged` for group ops, one service account, and the controller manager's own user.
    clusterRole('scn:use-privileged', [use('privileged')]),
    crb('scn:privileged-ops', 'scn:use-privileged', [grp('ops'), sa('privileged-sa', 'team-b')]),
    crb('scn:kcm-privileged', 'scn:use-privileged', [usr('system:kube-controller-manager')]),
    // A Role with empty resourceNames: every PSP, for team-b's default account (namespace omitted).
    role('team-b', 'scn:use-any', [use()]),
    rb('team-b', 'scn:any-for-default', { kind: 'Role', name: 'scn:use-any' }, [sa('default')]),
    // Everything (*/*/*) for carol, but only in team-c.
    clusterRole('scn:star', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
    rb('team-c', 'scn:carol-star', { kind: 'ClusterRole', name: 'scn:star' }, [usr('carol')]),
    // The `extensions` group still counts; granted to the ReplicaSet controller.
    clusterRole('scn:use-defaulting-ext', [{ apiGroups: ['extensions'], resources: ['podsecuritypolicies'], verbs: ['use'], resourceNames: ['defaulting'] }]),
    crb('scn:rs-controller-defaulting', 'scn:use-defaulting-ext', [sa('replicaset-controller', 'kube-system')]),
    // verbs: ["*"] on one PSP, for team-a's builder account (namespace omitted in a RoleBinding).
    clusterRole('scn:verbstar-hostnet', [{ apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['*'], resourceNames: ['hostnet'] }]),
    rb('team-a', 'scn:hostnet-builder', { kind: 'ClusterRole', name: 'scn:verbstar-hostnet' }, [sa('builder')]),
    // A namespaced Role for group dev.
    role('team-a', 'scn:use-profiles', [use('seccomp-strict', 'apparmor')]),
    rb('team-a', 'scn:dev-profiles', { kind: 'Role', name: 'scn:use-profiles' }, [grp('dev')]),
    // The Job controller may use `permissive` everywhere.
    clusterRole('scn:use-permissive', [use('permissive')]),
    crb('scn:job-controller-permissive', 'scn:use-permissive', [sa('job-controller', 'kube-system')]),
    // Every authenticated requester may use the two volume PSPs.
    clusterRole('scn:use-volumes', [use('volumes-a', 'volumes-b')]),
    crb('scn:authenticated-volumes', 'scn:use-volumes', [grp('system:authenticated')]),
    // resources: ["*"] in group policy, for team-c's service accounts, only in team-c.
    role('team-c', 'scn:policy-star', [{ apiGroups: ['policy'], resources: ['*'], verbs: ['use'], resourceNames: ['sysctls', 'runtime', 'groups'] }]),
    rb('team-c', 'scn:team-c-sas', { kind: 'Role', name: 'scn:policy-star' }, [grp('system:serviceaccounts:team-c')]),
    // Rules that look like grants and are not: the singular and the short name of the resource.
    clusterRole('scn:wrong-resource', [{ apiGroups: ['policy'], resources: ['podsecuritypolicy', 'psp'], verbs: ['use'] }]),
    crb('scn:dave-wrong-resource', 'scn:wrong-resource', [usr('dave')]),
    // A binding to a role that does not exist grants nothing.
    rb('team-a', 'scn:dangling', { kind: 'ClusterRole', name: 'scn:does-not-exist' }, [usr('dave')]),
    // Runtime classes for the runtimeClass PSP.
    { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'gvisor' }, handler: 'runsc' },
    { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'kata' }, handler: 'kata' },
  ];
}

// ---------------------------------------------------------------------------------------------
// Identities

const authd = (user: string, ...groups: string[]): Identity => ({ user, groups: [...groups, 'system:authenticated'] });
const controller = (name: string): Identity => ({
  user: `system:serviceaccount:kube-system:${name}`,
  groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
});

export const REQUESTERS = {
  alice: authd('alice', 'dev'),
  bob: authd('bob', 'ops'),
  carol: authd('carol'),
  dave: authd('dave'),
  rs: controller('replicaset-controller'),
  job: controller('job-controller'),
  ds: controller('daemon-set-controller'),
  kcm: authd('system:kube-controller-manager'),
} satisfies Record<string, Identity>;
export type RequesterName = keyof typeof REQUESTERS;

// ---------------------------------------------------------------------------------------------
// PSPs

const PERMISSIVE_SPEC = {
  privileged: true, allowedCapabilities: ['*'], volumes: ['*'], hostNetwork: true, hostIPC: true, hostPID: true,
  hostPorts: [{ min: 0, max: 65535 }], runAsUser: { rule: 'RunAsAny' }, seLinux: { rule: 'RunAsAny' },
  supplementalGroups: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' },
};
const RUN_AS_ANY = { runAsUser: { rule: 'RunAsAny' }, seLinux: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' } };
const psp = (name: string, spec: object, annotations?: Record<string, string>): RawObject => ({
  apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: { name, ...(annotations ? { annotations } : {}) }, spec,
});
const SECCOMP_ALLOWED = 'seccomp.security.alpha.kubernetes.io/allowedProfileNames';
const SECCOMP_DEFAULT = 'seccomp.security.alpha.kubernetes.io/defaultProfileName';
const APPARMOR_ALLOWED = 'apparmor.security.beta.kubernetes.io/allowedProfileNames';
const APPARMOR_DEFAULT = 'apparmor.security.beta.kubernetes.io/defaultProfileName';

/** The docs' privileged PSP (allowPrivilegeEscalation left out: the API defaults it to true). */
export const PRIVILEGED = psp('privileged', PERMISSIVE_SPEC, { [SECCOMP_ALLOWED]: '*' });
/** The docs' restricted-psp.yaml. */
export const RESTRICTED = psp('restricted', {
  privileged: false, allowPrivilegeEscalation: false, requiredDropCapabilities: ['ALL'],
  volumes: ['configMap', 'emptyDir', 'projected', 'secret', 'downwardAPI', 'csi', 'persistentVolumeClaim', 'ephemeral'],
  hostNetwork: false, hostIPC: false, hostPID: false, runAsUser: { rule: 'MustRunAsNonRoot' }, seLinux: { rule: 'RunAsAny' },
  supplementalGroups: { rule: 'MustRunAs', ranges: [{ min: 1, max: 65535 }] }, fsGroup: { rule: 'MustRunAs', ranges: [{ min: 1, max: 65535 }] },
  readOnlyRootFilesystem: false,
}, { [SECCOMP_ALLOWED]: 'docker/default,runtime/default', [APPARMOR_ALLOWED]: 'runtime/default', [APPARMOR_DEFAULT]: 'runtime/default' });
/** The docs' baseline-psp.yaml (moby default capabilities, every volume but hostPath, seccomp default unconfined). */
export const BASELINE = psp('baseline', {
  privileged: false,
  allowedCapabilities: ['CHOWN', 'DAC_OVERRIDE', 'FSETID', 'FOWNER', 'MKNOD', 'NET_RAW', 'SETGID', 'SETUID', 'SETFCAP', 'SETPCAP', 'NET_BIND_SERVICE', 'SYS_CHROOT', 'KILL', 'AUDIT_WRITE'],
  volumes: ['configMap', 'downwardAPI', 'emptyDir', 'persistentVolumeClaim', 'secret', 'projected', 'csi', 'ephemeral', 'nfs', 'iscsi'],
  hostNetwork: false, hostIPC: false, hostPID: false, ...RUN_AS_ANY,
}, { [SECCOMP_ALLOWED]: 'docker/default,runtime/default,unconfined', [SECCOMP_DEFAULT]: 'unconfined' });

export const DEFAULTING = psp('defaulting', {
  volumes: ['*'], runAsUser: { rule: 'MustRunAs', ranges: [{ min: 1000, max: 2000 }] },
  runAsGroup: { rule: 'MustRunAs', ranges: [{ min: 3000, max: 3000 }] },
  fsGroup: { rule: 'MustRunAs', ranges: [{ min: 4000, max: 4100 }] },
  supplementalGroups: { rule: 'MustRunAs', ranges: [{ min: 5000, max: 5100 }] },
  seLinux: { rule: 'MustRunAs', seLinuxOptions: { level: 's0:c1,c2' } },
  readOnlyRootFilesystem: true, defaultAddCapabilities: ['CHOWN'], requiredDropCapabilities: ['NET_RAW'],
  defaultAllowPrivilegeEscalation: false,
});
export const PERMISSIVE = psp('permissive', PERMISSIVE_SPEC, { [SECCOMP_ALLOWED]: '*' });
export const HOSTNET = psp('hostnet', { hostNetwork: true, hostPorts: [{ min: 8000, max: 9000 }, { min: 53, max: 53 }], volumes: ['*'], ...RUN_AS_ANY });
export const VOLUMES_A = psp('volumes-a', {
  volumes: ['configMap', 'secret', 'emptyDir', 'hostPath'],
  allowedHostPaths: [{ pathPrefix: '/var/log', readOnly: true }, { pathPrefix: '/data/rw/' }],
  ...RUN_AS_ANY,
});
export const VOLUMES_B = psp('volumes-b', {
  volumes: ['flexVolume', 'csi', 'persistentVolumeClaim', 'secret'],
  allowedFlexVolumes: [{ driver: 'example/lvm' }], allowedCSIDrivers: [{ name: 'csi.example.com' }], ...RUN_AS_ANY,
});
export const SECCOMP_STRICT = psp('seccomp-strict', { volumes: ['*'], ...RUN_AS_ANY }, { [SECCOMP_ALLOWED]: 'runtime/default' });
/** Lists only the deprecated docker/default. */
export const SECCOMP_DOCKER = psp('seccomp-docker', { volumes: ['*'], ...RUN_AS_ANY }, { [SECCOMP_ALLOWED]: 'docker/default' });
/** A trailing comma meant to allow "unset" (the mapping doc's `runtime/default,`): v1.24 refuses to store it. */
export const SECCOMP_OPTIONAL = psp('seccomp-optional', { volumes: ['*'], ...RUN_AS_ANY }, { [SECCOMP_ALLOWED]: 'runtime/default,' });
/** AppArmor with a trailing comma and no default (open point: does the comma allow "unset"?). */
export const APPARMOR = psp('apparmor', { volumes: ['*'], ...RUN_AS_ANY }, { [APPARMOR_ALLOWED]: 'runtime/default,' });
export const SYSCTLS = psp('sysctls', {
  volumes: ['*'], ...RUN_AS_ANY, forbiddenSysctls: ['kernel.msg*'], allowedUnsafeSysctls: ['net.core.somaxconn'],
});
export const RUNTIME = psp('runtime', { volumes: ['*'], ...RUN_AS_ANY, runtimeClass: { allowedRuntimeClassNames: ['gvisor'], defaultRuntimeClassName: 'gvisor' } });
export const GROUPS = psp('groups', {
  volumes: ['*'], runAsUser: { rule: 'RunAsAny' }, seLinux: { rule: 'RunAsAny' },
  runAsGroup: { rule: 'MayRunAs', ranges: [{ min: 100, max: 200 }] },
  supplementalGroups: { rule: 'MustRunAs', ranges: [{ min: 100, max: 200 }] },
  fsGroup: { rule: 'MayRunAs', ranges: [{ min: 100, max: 200 }] },
});
/** Only `secret` volumes: the service-account token projection must still pass (open point 3). */
export const SECRET_ONLY = psp('secret-only', { volumes: ['secret'], ...RUN_AS_ANY });
/** A host path prefix of `/` (does it cover every path?). */
export const ROOT_PATH = psp('root-path', { volumes: ['hostPath', 'secret'], allowedHostPaths: [{ pathPrefix: '/', readOnly: true }], ...RUN_AS_ANY });

// ---------------------------------------------------------------------------------------------
// Pods

export interface Scenario {
  name: string;
  namespace: string;
  by: RequesterName;
  pod: Pod;
  /** A fact settled by experiment: the outcome the real server must give (beyond agreeing with the engine). */
  expect?: { psp?: string; rejected?: boolean; admitted?: boolean; messageIncludes?: string };
}

const IMAGE = 'registry.k8s.io/pause:3.7';

type PodPatch = Partial<Pod['spec']> & { container?: Record<string, unknown>; annotations?: Record<string, string>; sa?: string };

export function aPod(name: string, patch: PodPatch = {}): Pod {
  const { container, annotations, sa: saName, ...spec } = patch;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, ...(annotations ? { annotations } : {}) },
    spec: { ...(saName ? { serviceAccountName: saName } : {}), containers: [{ name: 'app', image: IMAGE, ...(container ?? {}) }], ...spec },
  };
}

const sc = (securityContext: Record<string, unknown>) => ({ securityContext });
const SECCOMP_POD = 'seccomp.security.alpha.kubernetes.io/pod';
const RUNTIME_DEFAULT = { [SECCOMP_POD]: 'runtime/default' };
const hostPathPod = (name: string, path: string, readOnly: boolean) =>
  aPod(name, { volumes: [{ name: 'host', hostPath: { path } }], container: { volumeMounts: [{ name: 'host', mountPath: '/host', readOnly }] } });

export interface Phase {
  name: string;
  psps: RawObject[];
  scenarios: Scenario[];
}

const s = (name: string, namespace: string, by: RequesterName, pod: Pod, expect?: Scenario['expect']): Scenario => ({ name, namespace, by, pod: { ...pod, metadata: { ...pod.metadata, name } }, expect });

export const PHASES: Phase[] = [
  {
    name: 'docs policies: privileged, restricted, baseline',
    psps: [PRIVILEGED, RESTRICTED, BASELINE],
    scenarios: [
      s('plain-team-a', 'team-a', 'dave', aPod('x')),
      s('seccomp-annotation-team-a', 'team-a', 'dave', aPod('x', { annotations: RUNTIME_DEFAULT })),
      s('seccomp-annotation-team-b', 'team-b', 'dave', aPod('x', { annotations: RUNTIME_DEFAULT })),
      s('plain-team-b', 'team-b', 'dave', aPod('x'), { psp: 'privileged' }),
      s('privileged-team-a-dave', 'team-a', 'dave', aPod('x', { container: sc({ privileged: true }) }), { rejected: true }),
      s('privileged-team-a-bob', 'team-a', 'bob', aPod('x', { container: sc({ privileged: true }) }), { psp: 'privileged' }),
      s('privileged-team-c-carol', 'team-c', 'carol', aPod('x', { container: sc({ privileged: true }) })),
      s('privileged-team-c-dave', 'team-c', 'dave', aPod('x', { container: sc({ privileged: true }) })),
      s('privileged-default-carol', 'default', 'carol', aPod('x', { container: sc({ privileged: true }) })),
      s('hostnetwork-privileged-sa', 'team-b', 'dave', aPod('x', { sa: 'privileged-sa', hostNetwork: true, container: { ports: [{ containerPort: 8080 }] } })),
      s('hostnetwork-team-a', 'team-a', 'dave', aPod('x', { hostNetwork: true, container: { ports: [{ containerPort: 8080 }] } })),
      s('hostpid-hostipc-team-a', 'team-a', 'alice', aPod('x', { hostPID: true, hostIPC: true })),
      s('root-uid-with-seccomp', 'team-a', 'dave', aPod('x', { annotations: RUNTIME_DEFAULT, securityContext: { runAsUser: 0 } })),
      s('seccomp-field-nonroot', 'team-a', 'dave', aPod('x', { securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } } })),
      s('cap-net-admin-alice', 'team-a', 'alice', aPod('x', { container: sc({ capabilities: { add: ['NET_ADMIN'] } }) })),
      s('cap-net-raw-alice', 'team-a', 'alice', aPod('x', { container: sc({ capabilities: { add: ['NET_RAW'] } }) })),
      s('hostpath-alice', 'team-a', 'alice', hostPathPod('x', '/etc', true)),
      s('hostpath-bob', 'team-a', 'bob', hostPathPod('x', '/etc', false)),
      s('restricted-compliant-team-c', 'team-c', 'dave', aPod('x', {
        annotations: { ...RUNTIME_DEFAULT, 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default' },
        securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 2000, supplementalGroups: [2000] },
        container: sc({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } }),
      }), { psp: 'restricted' }),
      s('restricted-after-defaulting-team-c', 'team-c', 'dave', aPod('x', { annotations: RUNTIME_DEFAULT, securityContext: { runAsUser: 1000 } }), { psp: 'restricted' }),
      s('restricted-uid0-team-c', 'team-c', 'dave', aPod('x', { annotations: RUNTIME_DEFAULT, container: sc({ runAsUser: 0 }) }), { rejected: true }),
      s('rs-controller-plain-team-a', 'team-a', 'rs', aPod('x')),
      s('kcm-privileged-team-a', 'team-a', 'kcm', aPod('x', { container: sc({ privileged: true }) }), { psp: 'privileged' }),
      s('job-controller-privileged-team-a', 'team-a', 'job', aPod('x', { container: sc({ privileged: true }) }), { rejected: true }),
      s('ds-controller-plain-team-c', 'team-c', 'ds', aPod('x', { annotations: RUNTIME_DEFAULT })),
      s('no-automount-team-c', 'team-c', 'dave', aPod('x', { sa: 'no-automount', annotations: RUNTIME_DEFAULT, securityContext: { runAsUser: 1000 } })),
      s('init-container-privileged-bob', 'team-b', 'bob', aPod('x', { initContainers: [{ name: 'init', image: IMAGE, securityContext: { privileged: true } }] })),
      s('dave-wrong-resource-rule', 'default', 'dave', aPod('x', { container: sc({ privileged: true }) }), { rejected: true }),
      s('automount-false-pod-team-a', 'team-a', 'dave', aPod('x', { automountServiceAccountToken: false, annotations: RUNTIME_DEFAULT })),
    ],
  },
  {
    name: 'defaulting and ordering',
    psps: [DEFAULTING, PERMISSIVE, HOSTNET, VOLUMES_A, VOLUMES_B, RESTRICTED],
    scenarios: [
      s('rs-plain-volumes-a-wins', 'team-a', 'rs', aPod('x'), { psp: 'volumes-a' }),
      s('rs-hostpath-etc-defaulting', 'team-a', 'rs', hostPathPod('x', '/etc', false), { psp: 'defaulting' }),
      s('rs-uid-500-rejected', 'team-a', 'rs', aPod('x', { volumes: [{ name: 'h', hostPath: { path: '/etc' } }], securityContext: { runAsUser: 500 } })),
      s('rs-pod-level-uid-in-range', 'team-a', 'rs', aPod('x', { volumes: [{ name: 'h', hostPath: { path: '/etc' } }], securityContext: { runAsUser: 1500, fsGroup: 4050 } })),
      s('rs-caps-already-dropped', 'team-a', 'rs', aPod('x', { volumes: [{ name: 'h', hostPath: { path: '/etc' } }], container: sc({ capabilities: { add: ['CHOWN'], drop: ['NET_RAW'] }, readOnlyRootFilesystem: false }) })),
      s('rs-caps-drop-chown', 'team-a', 'rs', aPod('x', { volumes: [{ name: 'h', hostPath: { path: '/etc' } }], container: sc({ capabilities: { drop: ['CHOWN'] } }) })),
      s('rs-ape-true', 'team-a', 'rs', aPod('x', { volumes: [{ name: 'h', hostPath: { path: '/etc' } }], container: sc({ allowPrivilegeEscalation: true }) })),
      s('rs-selinux-level-reordered', 'team-a', 'rs', aPod('x', { volumes: [{ name: 'h', hostPath: { path: '/etc' } }], securityContext: { seLinuxOptions: { level: 's0:c2,c1' } } })),
      s('rs-selinux-wrong-level', 'team-a', 'rs', aPod('x', { volumes: [{ name: 'h', hostPath: { path: '/etc' } }], securityContext: { seLinuxOptions: { level: 's0:c3' } } })),
      s('job-plain-permissive', 'team-a', 'job', aPod('x'), { psp: 'permissive' }),
      s('job-privileged-permissive', 'team-b', 'job', aPod('x', { container: sc({ privileged: true }) }), { psp: 'permissive' }),
      s('hostpath-var-log-ro', 'team-a', 'dave', hostPathPod('x', '/var/log/app', true), { psp: 'volumes-a' }),
      s('hostpath-var-log-rw', 'team-a', 'dave', hostPathPod('x', '/var/log', false), { rejected: true }),
      s('hostpath-var-logs-boundary', 'team-a', 'dave', hostPathPod('x', '/var/logs', true), { rejected: true }),
      s('hostpath-data-rw', 'team-a', 'dave', hostPathPod('x', '/data/rw/x', false), { psp: 'volumes-a' }),
      s('hostpath-data-rw-exact', 'team-a', 'dave', hostPathPod('x', '/data/rw', false)),
      s('flex-allowed', 'team-a', 'dave', aPod('x', { volumes: [{ name: 'f', flexVolume: { driver: 'example/lvm' } }] }), { psp: 'volumes-b' }),
      s('flex-other-driver', 'team-a', 'dave', aPod('x', { volumes: [{ name: 'f', flexVolume: { driver: 'example/nfs' } }] })),
      s('csi-allowed', 'team-a', 'dave', aPod('x', { volumes: [{ name: 'c', csi: { driver: 'csi.example.com' } }] })),
      s('csi-other-driver', 'team-a', 'dave', aPod('x', { volumes: [{ name: 'c', csi: { driver: 'csi.other.io' } }] })),
      s('builder-hostnet-8080', 'team-a', 'dave', aPod('x', { sa: 'builder', hostNetwork: true, container: { ports: [{ containerPort: 8080 }] } }), { psp: 'hostnet' }),
      s('builder-hostnet-9500', 'team-a', 'dave', aPod('x', { sa: 'builder', hostNetwork: true, container: { ports: [{ containerPort: 9500 }] } }), { rejected: true }),
      s('builder-hostport-53-no-hostnet', 'team-a', 'dave', aPod('x', { sa: 'builder', container: { ports: [{ containerPort: 53, hostPort: 53, protocol: 'UDP' }] } })),
      s('team-b-default-any', 'team-b', 'dave', aPod('x', { container: sc({ runAsUser: 0 }) })),
      s('projected-other-configmap', 'team-c', 'dave', aPod('x', {
        annotations: RUNTIME_DEFAULT, securityContext: { runAsUser: 1000 },
        volumes: [{ name: 'p', projected: { sources: [{ configMap: { name: 'app-config' } }] } }],
      })),
      s('pvc-volume-b', 'team-a', 'dave', aPod('x', { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] }), { psp: 'volumes-b' }),
    ],
  },
  {
    name: 'seccomp and AppArmor annotations',
    psps: [SECCOMP_STRICT, APPARMOR, RESTRICTED],
    scenarios: [
      s('alice-no-profiles', 'team-a', 'alice', aPod('x')),
      s('alice-apparmor-runtime-default', 'team-a', 'alice', aPod('x', { annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default' } }), { psp: 'apparmor' }),
      s('alice-seccomp-container-field', 'team-a', 'alice', aPod('x', { container: sc({ seccompProfile: { type: 'RuntimeDefault' } }) })),
      s('alice-seccomp-pod-field', 'team-a', 'alice', aPod('x', { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } })),
      // seccomp-strict lists only runtime/default, takes docker/default as the same, and needs no defaulting.
      s('alice-seccomp-docker-default', 'team-a', 'alice', aPod('x', { annotations: { [SECCOMP_POD]: 'docker/default' } }), { psp: 'seccomp-strict' }),
      s('alice-seccomp-unconfined-field', 'team-a', 'alice', aPod('x', { securityContext: { seccompProfile: { type: 'Unconfined' } } }), { rejected: true }),
      s('team-b-no-profile', 'team-b', 'dave', aPod('x')),
      s('team-b-container-annotation-unconfined', 'team-b', 'dave', aPod('x', { annotations: { ...RUNTIME_DEFAULT, 'container.seccomp.security.alpha.kubernetes.io/app': 'unconfined' } })),
      s('team-b-localhost-profile', 'team-b', 'dave', aPod('x', { securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/audit.json' } } })),
      s('team-b-apparmor-unconfined', 'team-b', 'dave', aPod('x', { annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' } })),
      s('team-c-restricted-apparmor-default', 'team-c', 'dave', aPod('x', { annotations: RUNTIME_DEFAULT, securityContext: { runAsUser: 1000 } }), { psp: 'restricted' }),
    ],
  },
  {
    name: 'sysctls, runtime classes, groups, secret-only volumes, root host path',
    psps: [SYSCTLS, RUNTIME, GROUPS, SECRET_ONLY, ROOT_PATH],
    scenarios: [
      s('sysctl-safe', 'team-c', 'dave', aPod('x', { securityContext: { sysctls: [{ name: 'kernel.shm_rmid_forced', value: '1' }] } })),
      // Open point 4: net.ipv4.ip_unprivileged_port_start is on v1.24's safe list (no PSP here allows it as unsafe).
      s('op4-sysctl-unprivileged-port-start', 'team-b', 'dave', aPod('x', { runtimeClassName: 'gvisor', securityContext: { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '80' }] } }), { admitted: true }),
      s('sysctl-allowed-unsafe', 'team-c', 'dave', aPod('x', { runtimeClassName: 'gvisor', securityContext: { sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] } }), { psp: 'sysctls' }),
      s('sysctl-forbidden', 'team-c', 'dave', aPod('x', { securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '65536' }] } })),
      s('sysctl-unsafe', 'team-c', 'dave', aPod('x', { securityContext: { sysctls: [{ name: 'net.ipv4.tcp_keepalive_time', value: '60' }] } }), { rejected: true }),
      s('runtime-default-applied', 'team-c', 'dave', aPod('x', { securityContext: { supplementalGroups: [150], runAsGroup: 300 } })),
      s('runtime-kata', 'team-c', 'dave', aPod('x', { runtimeClassName: 'kata', securityContext: { supplementalGroups: [150] } })),
      s('groups-explicit-empty-supplemental', 'team-c', 'dave', aPod('x', { runtimeClassName: 'kata', securityContext: { supplementalGroups: [] } })),
      s('groups-in-range', 'team-c', 'dave', aPod('x', { runtimeClassName: 'kata', securityContext: { supplementalGroups: [150], fsGroup: 120, runAsGroup: 199 } }), { psp: 'groups' }),
      s('groups-fsgroup-out', 'team-c', 'dave', aPod('x', { runtimeClassName: 'kata', securityContext: { supplementalGroups: [150], fsGroup: 50 } })),
      // Neither root-path nor secret-only lists `projected`: the injected token volume passes because `secret` is listed.
      s('secret-only-token-projection', 'team-b', 'dave', aPod('x', { runtimeClassName: 'kata', securityContext: { supplementalGroups: [1] } }), { psp: 'root-path' }),
      s('root-prefix-covers-all', 'team-b', 'dave', aPod('x', { runtimeClassName: 'kata', securityContext: { supplementalGroups: [1] }, volumes: [{ name: 'h', hostPath: { path: '/etc/ssl' } }], container: { volumeMounts: [{ name: 'h', mountPath: '/h', readOnly: true }] } })),
      s('root-prefix-rw', 'team-b', 'dave', aPod('x', { runtimeClassName: 'kata', securityContext: { supplementalGroups: [1] }, volumes: [{ name: 'h', hostPath: { path: '/etc/ssl' } }], container: { volumeMounts: [{ name: 'h', mountPath: '/h' }] } })),
    ],
  },
];

/**
 * The open points of the semantics reference (§6), each settled by what the v1.24 server does.
 * dave in team-b: the namespace's default service account may use every PSP there.
 */
PHASES.push({
  name: 'open points: seccomp field translation and docker/default, AppArmor trailing comma',
  psps: [SECCOMP_DOCKER, APPARMOR],
  scenarios: [
    // docker/default and runtime/default are interchangeable: a PSP listing one allows the other.
    s('op1-runtime-default-where-docker-default-listed', 'team-b', 'dave', aPod('x', { annotations: RUNTIME_DEFAULT }), { psp: 'seccomp-docker' }),
    // The pod-level field is translated and written to the pod annotation (a mutation).
    s('op1-pod-field-translated', 'team-b', 'dave', aPod('x', { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }), { psp: 'seccomp-docker' }),
    // A container field alone leaves the pod profile unset, which a list without "" refuses.
    s('op1-container-field-only', 'team-b', 'dave', aPod('x', { container: sc({ seccompProfile: { type: 'RuntimeDefault' } }) }),
      { rejected: true, messageIncludes: 'pod.metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]: Forbidden:  is not an allowed seccomp profile. Valid values are docker/default' }),
    // AppArmor `runtime/default,` does not allow an unset profile: the empty check comes first.
    s('op2-apparmor-trailing-comma-unset', 'team-b', 'dave', aPod('x'), { rejected: true, messageIncludes: 'AppArmor profile must be set' }),
    s('op2-apparmor-set', 'team-b', 'dave', aPod('x', { annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default' } }), { psp: 'apparmor' }),
  ],
});

/**
 * Error strings: pods that every PSP refuses, so the refusal lists every rule's message and value
 * formatting (team-b's default account may use every PSP there).
 */
export const STRICT_MISC = psp('strict-misc', {
  readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, volumes: ['configMap'],
  runAsUser: { rule: 'MustRunAs', ranges: [{ min: 100, max: 200 }, { min: 300, max: 300 }] },
  runAsGroup: { rule: 'MustRunAs', ranges: [{ min: 100, max: 200 }] },
  seLinux: { rule: 'MustRunAs', seLinuxOptions: { user: 'system_u', role: 'system_r', type: 'container_t', level: 's0' } },
  supplementalGroups: { rule: 'MayRunAs', ranges: [{ min: 100, max: 200 }] }, fsGroup: { rule: 'MayRunAs', ranges: [{ min: 100, max: 200 }] },
  allowedCapabilities: ['NET_BIND_SERVICE'], requiredDropCapabilities: ['ALL'], forbiddenSysctls: ['*'],
});
const everything = (extra: PodPatch = {}) => aPod('x', {
  runtimeClassName: 'kata',
  securityContext: { runAsUser: 50, runAsGroup: 50, fsGroup: 50, supplementalGroups: [50, 150], seLinuxOptions: { user: 'u', role: 'r', type: 't', level: 's1:c1' }, sysctls: [{ name: 'kernel.shm_rmid_forced', value: '1' }, { name: 'net.core.somaxconn', value: '1' }] },
  container: sc({ privileged: true, readOnlyRootFilesystem: false, allowPrivilegeEscalation: true, capabilities: { add: ['SYS_ADMIN', 'NET_BIND_SERVICE'], drop: ['NET_RAW'] } }),
  volumes: [{ name: 'h', hostPath: { path: '/' } }, { name: 'e', emptyDir: {} }],
  ...extra,
});
PHASES.push({
  name: 'error strings of every rule',
  psps: [DEFAULTING, GROUPS, RUNTIME, STRICT_MISC, RESTRICTED],
  scenarios: [
    s('errors-everything', 'team-b', 'rs', everything(), { rejected: true }),
    s('errors-host-namespaces-and-ports', 'team-b', 'rs', everything({ hostPID: true, hostIPC: true, hostNetwork: true, container: { ports: [{ containerPort: 8443 }], securityContext: { privileged: true } } }), { rejected: true }),
    s('errors-init-container', 'team-b', 'rs', aPod('x', {
      initContainers: [{ name: 'init', image: IMAGE, securityContext: { runAsUser: 0, capabilities: { add: ['NET_ADMIN'] } }, volumeMounts: [{ name: 'h', mountPath: '/h' }] }],
      volumes: [{ name: 'h', hostPath: { path: '/var/lib' } }], container: { ports: [{ containerPort: 80, hostPort: 80 }] },
    }), { rejected: true }),
    s('errors-unset-everything', 'team-b', 'rs', aPod('x', { securityContext: { supplementalGroups: [] }, runtimeClassName: 'kata', volumes: [{ name: 'g', gitRepo: { repository: 'https://example.com/r.git' } }] }), { rejected: true }),
    s('errors-seccomp-and-apparmor', 'team-b', 'rs', aPod('x', {
      runtimeClassName: 'kata',
      annotations: { [SECCOMP_POD]: 'unconfined', 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' },
      securityContext: { supplementalGroups: [] },
    }), { rejected: true }),
  ],
});

/** Names of every PSP the suite creates, for the SubjectAccessReview comparison. */
export const ALL_PSP_NAMES = [...new Set(PHASES.flatMap((p) => p.psps.map((x) => (x.metadata as { name: string }).name)))].sort();

// ---------------------------------------------------------------------------------------------
// Workloads created for real: their pods come from the controllers of kube-controller-manager.

export interface WorkloadScenario {
  kind: 'Deployment' | 'StatefulSet' | 'Job' | 'ReplicationController';
  name: string;
  namespace: string;
  template: { annotations?: Record<string, string>; spec: Partial<Pod['spec']> & { containers?: Pod['spec']['containers'] } };
  expect?: { psp?: string; rejected?: boolean };
}

export const WORKLOAD_PSPS = [PRIVILEGED, RESTRICTED, BASELINE, DEFAULTING, PERMISSIVE];

const container = (securityContext?: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ name: 'app', image: IMAGE, ...(securityContext ? { securityContext } : {}), ...extra });

export const WORKLOADS: WorkloadScenario[] = [
  // The ReplicaSet controller may use `defaulting`; team-a's pods `baseline` and `restricted`.
  { kind: 'Deployment', name: 'web-plain', namespace: 'team-a', template: { spec: { containers: [container()] } }, expect: { psp: 'baseline' } },
  { kind: 'Deployment', name: 'web-seccomp', namespace: 'team-a', template: { annotations: RUNTIME_DEFAULT, spec: { containers: [container()] } }, expect: { psp: 'baseline' } },
  { kind: 'Deployment', name: 'web-hostpath', namespace: 'team-a', template: { spec: { volumes: [{ name: 'h', hostPath: { path: '/etc' } }], containers: [container(undefined, { volumeMounts: [{ name: 'h', mountPath: '/h' }] })] } }, expect: { psp: 'defaulting' } },
  { kind: 'Deployment', name: 'web-privileged', namespace: 'team-a', template: { spec: { containers: [container({ privileged: true })] } }, expect: { rejected: true } },
  { kind: 'Deployment', name: 'web-privileged-sa', namespace: 'team-b', template: { spec: { serviceAccountName: 'privileged-sa', containers: [container({ privileged: true })] } }, expect: { psp: 'privileged' } },
  // The Job controller may use `permissive` everywhere, so every Job pod gets it.
  { kind: 'Job', name: 'batch-privileged', namespace: 'team-a', template: { spec: { restartPolicy: 'Never', containers: [container({ privileged: true })] } }, expect: { psp: 'permissive' } },
  { kind: 'Job', name: 'batch-plain', namespace: 'team-c', template: { spec: { restartPolicy: 'Never', containers: [container()] } }, expect: { psp: 'permissive' } },
  { kind: 'StatefulSet', name: 'db-privileged', namespace: 'team-a', template: { spec: { containers: [container({ privileged: true })] } }, expect: { rejected: true } },
  { kind: 'StatefulSet', name: 'db-plain', namespace: 'team-b', template: { spec: { containers: [container()] } }, expect: { psp: 'permissive' } },
  { kind: 'ReplicationController', name: 'legacy', namespace: 'team-c', template: { annotations: RUNTIME_DEFAULT, spec: { securityContext: { runAsUser: 1000 }, containers: [container()] } }, expect: { psp: 'restricted' } },
  { kind: 'ReplicationController', name: 'legacy-root', namespace: 'team-c', template: { annotations: RUNTIME_DEFAULT, spec: { securityContext: { runAsUser: 0 }, containers: [container()] } }, expect: { rejected: true } },
];

/** The workload object and the collection it is created in. */
export function workloadObject(w: WorkloadScenario): { path: string; object: RawObject } {
  const labels = { 'scn-workload': w.name };
  const template = { metadata: { labels, ...(w.template.annotations ? { annotations: w.template.annotations } : {}) }, spec: w.template.spec };
  const meta = { name: w.name, namespace: w.namespace };
  switch (w.kind) {
    case 'Deployment':
      return { path: `/apis/apps/v1/namespaces/${w.namespace}/deployments`, object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta, spec: { replicas: 1, selector: { matchLabels: labels }, template } } };
    case 'StatefulSet':
      return { path: `/apis/apps/v1/namespaces/${w.namespace}/statefulsets`, object: { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta, spec: { replicas: 1, serviceName: w.name, selector: { matchLabels: labels }, template } } };
    case 'Job':
      return { path: `/apis/batch/v1/namespaces/${w.namespace}/jobs`, object: { apiVersion: 'batch/v1', kind: 'Job', metadata: meta, spec: { backoffLimit: 0, template } } };
    case 'ReplicationController':
      return { path: `/api/v1/namespaces/${w.namespace}/replicationcontrollers`, object: { apiVersion: 'v1', kind: 'ReplicationController', metadata: meta, spec: { replicas: 1, selector: labels, template } } };
  }
}

// ---------------------------------------------------------------------------------------------
// Random pods: a seeded generator of varied (valid) pods, each with a namespace and a requester,
// run against every PSP of the suite at once.

export const RANDOM_PSPS = [PRIVILEGED, RESTRICTED, BASELINE, DEFAULTING, PERMISSIVE, HOSTNET, VOLUMES_A, VOLUMES_B, SECCOMP_STRICT, SECCOMP_DOCKER, APPARMOR, SYSCTLS, RUNTIME, GROUPS, SECRET_ONLY, ROOT_PATH, STRICT_MISC];


export function randomScenarios(count: number, seed: number): Scenario[] {
  const rnd = seededRandom(seed);
  const chance = (p: number) => rnd() < p;
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const maybe = <T,>(p: number, f: () => T): T | undefined => (chance(p) ? f() : undefined);
  const compact = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  const accounts: Record<string, string[]> = { 'team-a': ['default', 'builder'], 'team-b': ['default', 'privileged-sa'], 'team-c': ['default', 'no-automount'], default: ['default'] };
  const out: Scenario[] = [];
  for (let i = 0; i < count; i++) {
    const namespace = pick(NAMESPACES);
    const by = pick(Object.keys(REQUESTERS) as RequesterName[]);
    const hostNetwork = chance(0.12);
    const seccompField = maybe(0.2, () => pick([{ type: 'RuntimeDefault' }, { type: 'Unconfined' }]));
    const containerSc = () => compact({
      privileged: maybe(0.15, () => true),
      runAsUser: maybe(0.25, () => pick([0, 50, 150, 1000, 1500])),
      runAsGroup: maybe(0.15, () => pick([50, 150, 3000])),
      runAsNonRoot: maybe(0.15, () => chance(0.7)),
      readOnlyRootFilesystem: maybe(0.2, () => chance(0.6)),
      allowPrivilegeEscalation: maybe(0.25, () => chance(0.3)),
      capabilities: maybe(0.3, () => compact({
        add: maybe(0.6, () => [pick(['NET_RAW', 'NET_ADMIN', 'CHOWN', 'NET_BIND_SERVICE', 'SYS_ADMIN', 'CAP_SYS_ADMIN'])]),
        drop: maybe(0.6, () => [pick(['ALL', 'NET_RAW', 'CHOWN'])]),
      })),
      seLinuxOptions: maybe(0.08, () => ({ level: pick(['s0:c1,c2', 's0:c2,c1', 's0']) })),
      seccompProfile: maybe(0.1, () => ({ type: 'RuntimeDefault' })),
    });
    const volumeChoices = [
      { name: 'empty', emptyDir: {} }, { name: 'logs', hostPath: { path: '/var/log/app' } }, { name: 'etc', hostPath: { path: '/etc' } },
      { name: 'cfg', configMap: { name: 'cfg' } }, { name: 'sec', secret: { secretName: 's' } }, { name: 'pvc', persistentVolumeClaim: { claimName: 'c' } },
      { name: 'flex', flexVolume: { driver: 'example/lvm' } }, { name: 'csi', csi: { driver: 'csi.example.com' } }, { name: 'git', gitRepo: { repository: 'https://example.com/r.git' } },
    ];
    const volumes = volumeChoices.filter(() => chance(0.12));
    const mounts = volumes.map((v) => ({ name: v.name, mountPath: `/mnt/${v.name}`, ...(chance(0.5) ? { readOnly: true } : {}) }));
    const port = maybe(0.3, () => ({ containerPort: pick([53, 8080, 8443, 9500]), ...(hostNetwork || chance(0.5) ? {} : { hostPort: pick([53, 8080, 9500]) }) }));
    const annotations = compact({
      'seccomp.security.alpha.kubernetes.io/pod': seccompField ? undefined : maybe(0.35, () => pick(['runtime/default', 'docker/default', 'unconfined'])),
      'container.apparmor.security.beta.kubernetes.io/app': maybe(0.25, () => pick(['runtime/default', 'unconfined'])),
    }) as Record<string, string>;
    const podSc = compact({
      runAsUser: maybe(0.25, () => pick([0, 150, 1000, 1500])),
      runAsNonRoot: maybe(0.15, () => chance(0.7)),
      fsGroup: maybe(0.25, () => pick([50, 120, 4050])),
      supplementalGroups: maybe(0.25, () => pick([[], [150], [5050], [50, 150]])),
      seLinuxOptions: maybe(0.08, () => ({ level: pick(['s0:c1,c2', 's0']) })),
      sysctls: maybe(0.1, () => [{ name: pick(['kernel.shm_rmid_forced', 'net.core.somaxconn', 'kernel.msgmax', 'net.ipv4.ip_unprivileged_port_start']), value: '1' }]),
      seccompProfile: seccompField,
    });
    const pod = aPod('x', {
      sa: pick(accounts[namespace]),
      ...(Object.keys(annotations).length ? { annotations } : {}),
      ...(hostNetwork ? { hostNetwork } : {}), ...(chance(0.08) ? { hostPID: true } : {}), ...(chance(0.08) ? { hostIPC: true } : {}),
      ...(chance(0.15) ? { runtimeClassName: pick(['gvisor', 'kata']) } : {}),
      ...(Object.keys(podSc).length ? { securityContext: podSc } : {}),
      ...(volumes.length ? { volumes } : {}),
      ...(chance(0.15) ? { initContainers: [{ name: 'init', image: IMAGE, securityContext: containerSc() }] } : {}),
      container: { securityContext: containerSc(), ...(port ? { ports: [port] } : {}), ...(mounts.length ? { volumeMounts: mounts } : {}) },
    });
    out.push({ name: `random-${seed}-${i}`, namespace, by, pod: { ...pod, metadata: { ...pod.metadata, name: `random-${seed}-${i}` } } });
  }
  return out;
}

/** Random RBAC for the access comparison: rules and subjects that grant `use`, or only look as if they do. */
export function randomRbac(seed: number, count: number): { objects: RawObject[]; identities: Identity[]; pspNames: string[] } {
  const rnd = seededRandom(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const pspNames = ['fz-1', 'fz-2', 'fz-3', 'fz-4'];
  const rule = () => ({
    apiGroups: pick([['policy'], ['extensions'], ['*'], ['apps'], ['policy', 'apps'], ['']]),
    resources: pick([['podsecuritypolicies'], ['*'], ['podsecuritypolicy'], ['pods'], ['podsecuritypolicies', 'pods']]),
    verbs: pick([['use'], ['*'], ['get'], ['use', 'get'], ['list']]),
    ...pick([{}, {}, { resourceNames: ['fz-1'] }, { resourceNames: ['fz-2', 'fz-3'] }, { resourceNames: ['fz-4', 'missing'] }]),
  });
  const subject = (bindingNs?: string) => pick([
    () => usr(pick(['fz-u1', 'fz-u2', 'fz-u3'])),
    () => grp(pick(['fz-g1', 'fz-g2', 'system:authenticated', 'system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:serviceaccounts:team-b'])),
    () => sa(pick(['fz-s1', 'fz-s2']), bindingNs && rnd() < 0.5 ? undefined : pick(['team-a', 'team-b'])),
  ])();
  const objects: RawObject[] = [];
  for (let i = 0; i < count; i++) {
    objects.push(clusterRole(`fz-cr-${i}`, [rule(), ...(rnd() < 0.3 ? [rule()] : [])]));
    const ns = pick(['team-a', 'team-b', 'team-c']);
    objects.push(role(ns, `fz-r-${i}`, [rule()]));
    if (rnd() < 0.4) objects.push(crb(`fz-crb-${i}`, `fz-cr-${i}`, [subject(), ...(rnd() < 0.3 ? [subject()] : [])]));
    else {
      const toRole = rnd() < 0.5;
      objects.push(rb(ns, `fz-rb-${i}`, toRole ? { kind: 'Role', name: `fz-r-${i}` } : { kind: 'ClusterRole', name: `fz-cr-${Math.floor(rnd() * (i + 1))}` }, [subject(ns), ...(rnd() < 0.3 ? [subject(ns)] : [])]));
    }
  }
  const identities: Identity[] = [
    authd('fz-u1'), authd('fz-u2', 'fz-g1'), authd('fz-u3', 'fz-g2', 'fz-g1'), authd('fz-u4'),
    { user: 'fz-u5', groups: ['fz-g2'] },
    ...['team-a', 'team-b', 'team-c'].flatMap((ns) => ['fz-s1', 'fz-s2'].map((n) => ({ user: `system:serviceaccount:${ns}:${n}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`] }))),
    controller('replicaset-controller'),
  ];
  return { objects, identities, pspNames };
}
