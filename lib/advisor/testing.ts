import { seededRandom } from '../testing/prng';
import type { PodSpec } from '../admission/pod';
import type { Workload, WorkloadKind } from '../model/types';

/** Test inputs for the advisor: workloads from pod specs, and a seeded generator of varied ones. */

export function workload(kind: WorkloadKind, name: string, podSpec: Partial<PodSpec> & Record<string, unknown>, opts: { namespace?: string; annotations?: Record<string, string>; extraSpec?: Record<string, unknown> } = {}): Workload {
  const namespace = opts.namespace ?? 'apps';
  const labels = { app: name };
  const template = { metadata: { labels, ...(opts.annotations ? { annotations: opts.annotations } : {}) }, spec: { containers: [{ name: 'main', image: 'x' }], ...podSpec } };
  const metadata = { name, namespace };
  switch (kind) {
    case 'Pod':
      return { apiVersion: 'v1', kind, metadata: { ...metadata, labels, ...(opts.annotations ? { annotations: opts.annotations } : {}) }, spec: template.spec };
    case 'CronJob':
      return { apiVersion: 'batch/v1', kind, metadata, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { ...template, spec: { restartPolicy: 'OnFailure', ...template.spec } } } } } };
    case 'Job':
      return { apiVersion: 'batch/v1', kind, metadata, spec: { template: { ...template, spec: { restartPolicy: 'Never', ...template.spec } } } };
    case 'ReplicationController':
      // core/v1: the selector is a plain label map.
      return { apiVersion: 'v1', kind, metadata, spec: { selector: labels, template, ...(opts.extraSpec ?? {}) } };
    default:
      return { apiVersion: 'apps/v1', kind, metadata, spec: { selector: { matchLabels: labels }, template, ...(kind === 'StatefulSet' ? { serviceName: name } : {}), ...(opts.extraSpec ?? {}) } };
  }
}


const KINDS: WorkloadKind[] = ['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'Job', 'CronJob', 'ReplicationController', 'Pod'];

/**
 * A namespace's worth of varied workloads, every one valid for the v1.24 API server (no nodes needed:
 * pods stay Pending). `live` leaves out what the test cluster cannot create as given (flexVolume and
 * CSI drivers are fine; everything here is).
 */
export function generateWorkloads(seed: number, count: number, namespace = 'gen'): Workload[] {
  const r = seededRandom(seed);
  const pick = <T,>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const chance = (p: number) => r() < p;
  const out: Workload[] = [];
  for (let i = 0; i < count; i++) {
    const kind = pick(KINDS);
    const name = `w${i}-${kind.toLowerCase()}`;
    const spec: Record<string, unknown> = {};
    const annotations: Record<string, string> = {};
    const podSc: Record<string, unknown> = {};
    const hostNetwork = kind !== 'StatefulSet' && chance(0.15);
    if (hostNetwork) spec.hostNetwork = true;
    if (chance(0.1)) spec.hostPID = true;
    if (chance(0.1)) spec.hostIPC = true;
    if (chance(0.3)) podSc.runAsUser = pick([0, 1000, 1001, 2000, 65534]);
    if (chance(0.3)) podSc.runAsNonRoot = pick([true, true, false]);
    if (podSc.runAsNonRoot === true && podSc.runAsUser === 0) delete podSc.runAsUser;
    if (chance(0.25)) podSc.runAsGroup = pick([0, 1000, 3000]);
    if (chance(0.3)) podSc.fsGroup = pick([1000, 2000, 2001]);
    if (chance(0.25)) podSc.supplementalGroups = pick([[1000], [4000, 4001], []]);
    if (chance(0.1)) podSc.seLinuxOptions = pick([{ level: 's0:c123,c456' }, { level: 's0:c1,c2', type: 'spc_t' }]);
    if (chance(0.2)) podSc.sysctls = [pick([{ name: 'net.ipv4.tcp_syncookies', value: '1' }, { name: 'net.core.somaxconn', value: '1024' }, { name: 'kernel.msgmax', value: '65536' }])];
    if (Object.keys(podSc).length) spec.securityContext = podSc;
    const volumes: Record<string, unknown>[] = [];
    const nVolumes = Math.floor(r() * 3);
    for (let v = 0; v < nVolumes; v++) {
      const name = `v${v}`;
      volumes.push(pick([
        { name, emptyDir: {} },
        { name, configMap: { name: 'cfg' } },
        { name, secret: { secretName: 's' } },
        { name, hostPath: { path: pick(['/var/log', '/var/log/app', '/etc/ssl', '/data', '/proc']) } },
        { name, persistentVolumeClaim: { claimName: 'claim' } },
        { name, downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
        { name, csi: { driver: pick(['secrets-store.csi.k8s.io', 'inline.example.com']) } },
        { name, flexVolume: { driver: pick(['example/lvm', 'example/nfs']) } },
      ]));
    }
    if (volumes.length) spec.volumes = volumes;
    if (chance(0.15)) spec.automountServiceAccountToken = false;
    if (chance(0.1)) spec.runtimeClassName = pick(['gvisor', 'kata']);
    const nContainers = 1 + Math.floor(r() * 2);
    const container = (cname: string, init: boolean, k = 0) => {
      const c: Record<string, unknown> = { name: cname, image: 'registry.example/app:1' };
      const sc: Record<string, unknown> = {};
      if (chance(0.15)) sc.privileged = true;
      if (chance(0.3)) sc.capabilities = { ...(chance(0.5) ? { add: [pick(['NET_ADMIN', 'NET_BIND_SERVICE', 'SYS_TIME'])] } : {}), ...(chance(0.6) ? { drop: pick([['ALL'], ['NET_RAW'], ['ALL', 'NET_RAW']]) } : {}) };
      if (chance(0.4)) sc.readOnlyRootFilesystem = pick([true, true, false]);
      if (chance(0.4) && sc.privileged !== true) sc.allowPrivilegeEscalation = pick([false, false, true]);
      if (chance(0.2)) sc.runAsUser = pick([0, 1000, 1500]);
      if (chance(0.1)) sc.runAsGroup = pick([1000, 3000]);
      if (Object.keys(sc).length) c.securityContext = sc;
      if (!init && !hostNetwork && chance(0.15)) c.ports = [{ containerPort: 8080, hostPort: pick([8080, 8081, 9100]) + 10 * k }];
      if (!init && hostNetwork) c.ports = [{ containerPort: pick([9100, 9101, 10250]) + 10 * k }];
      const mounts = volumes.filter(() => chance(0.8)).map((v) => ({ name: v.name, mountPath: `/mnt/${String(v.name)}`, ...(chance(0.5) ? { readOnly: true } : {}) }));
      if (mounts.length) c.volumeMounts = mounts;
      if (chance(0.2)) annotations[`container.apparmor.security.beta.kubernetes.io/${cname}`] = pick(['runtime/default', 'localhost/k8s-app']);
      if (chance(0.2)) annotations[`container.seccomp.security.alpha.kubernetes.io/${cname}`] = pick(['runtime/default', 'docker/default', 'localhost/profile.json']);
      return c;
    };
    spec.containers = Array.from({ length: nContainers }, (_, k) => container(`c${k}`, false, k));
    if (chance(0.3)) spec.initContainers = [container('init', true)];
    if (chance(0.2)) annotations['seccomp.security.alpha.kubernetes.io/pod'] = pick(['runtime/default', 'unconfined']);
    const claims = kind === 'StatefulSet' && chance(0.5) ? { volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] } : undefined;
    out.push(workload(kind, name, spec as Record<string, unknown>, { namespace, annotations: Object.keys(annotations).length ? annotations : undefined, extraSpec: claims }));
  }
  return out;
}
