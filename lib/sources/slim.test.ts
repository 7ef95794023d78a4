import { describe, expect, it } from 'vitest';
import { LAST_APPLIED_ANNOTATION, slimForCache } from './slim';

describe('slimForCache', () => {
  it('drops managedFields, status and the last-applied copy of a pod, and keeps what admission reads', () => {
    const pod = {
      apiVersion: 'v1', kind: 'Pod',
      metadata: {
        name: 'p', namespace: 'n', uid: 'u', resourceVersion: '7', labels: { app: 'a' },
        annotations: { [LAST_APPLIED_ANNOTATION]: '{"big":1}', 'kubernetes.io/psp': 'restricted', 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'x', controller: true }],
        managedFields: [{ manager: 'kubectl' }],
      },
      spec: { containers: [{ name: 'c', image: 'i', securityContext: { runAsUser: 1 } }] },
      status: { phase: 'Running', conditions: [] },
    };
    const out = slimForCache(structuredClone(pod));
    expect(out).toEqual({
      apiVersion: 'v1', kind: 'Pod',
      metadata: {
        name: 'p', namespace: 'n', uid: 'u', resourceVersion: '7', labels: { app: 'a' },
        annotations: { 'kubernetes.io/psp': 'restricted', 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' },
        ownerReferences: pod.metadata.ownerReferences,
      },
      spec: pod.spec,
    });
  });

  it('drops the container fields no engine reads, in a pod and in every kind of pod template, and keeps the rest', () => {
    const full = {
      name: 'c', image: 'i', imagePullPolicy: 'IfNotPresent', command: ['sh'], args: ['-c', 'x'], workingDir: '/w', env: [{ name: 'A', value: 'b' }], envFrom: [],
      resources: { requests: { cpu: '1' } }, resizePolicy: [], terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
      ports: [{ containerPort: 80, hostPort: 80 }], securityContext: { runAsUser: 1 }, volumeMounts: [{ name: 'v', mountPath: '/v' }],
      livenessProbe: { httpGet: { host: 'h', port: 80 } }, readinessProbe: {}, startupProbe: {}, lifecycle: {},
    };
    const kept = { name: 'c', image: 'i', ports: full.ports, securityContext: full.securityContext, volumeMounts: full.volumeMounts, livenessProbe: full.livenessProbe, readinessProbe: {}, startupProbe: {}, lifecycle: {} };
    const podSpec = () => ({ hostNetwork: true, containers: [structuredClone(full)], initContainers: [structuredClone(full)], ephemeralContainers: [structuredClone(full)] });
    const slimSpec = { hostNetwork: true, containers: [kept], initContainers: [kept], ephemeralContainers: [kept] };
    expect(slimForCache({ kind: 'Pod', metadata: { name: 'p' }, spec: podSpec() }).spec).toEqual(slimSpec);
    expect(slimForCache({ kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 1, template: { spec: podSpec() } } }).spec).toEqual({ replicas: 1, template: { spec: slimSpec } });
    expect(slimForCache({ metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: { spec: podSpec() } } } } }, 'CronJob').spec).toEqual({ jobTemplate: { spec: { template: { spec: slimSpec } } } });
    const psp = { kind: 'PodSecurityPolicy', metadata: { name: 'p' }, spec: { containers: [structuredClone(full)] } };
    expect(slimForCache(structuredClone(psp))).toEqual(psp);
  });

  it('removes an annotations map that only held the last-applied copy', () => {
    const out = slimForCache({ kind: 'Deployment', metadata: { name: 'd', annotations: { [LAST_APPLIED_ANNOTATION]: '{}' } }, spec: {}, status: { replicas: 1 } });
    expect(out).toEqual({ kind: 'Deployment', metadata: { name: 'd' }, spec: {} });
  });

  it('slims a ReplicationController as the other workload kinds (a list item without kind included)', () => {
    const rc = { metadata: { name: 'r', managedFields: [{ manager: 'm' }], annotations: { [LAST_APPLIED_ANNOTATION]: '{}' } }, spec: { replicas: 2, template: { spec: { containers: [] } } }, status: { replicas: 2 } };
    expect(slimForCache(structuredClone(rc), 'ReplicationController')).toEqual({ metadata: { name: 'r' }, spec: rc.spec });
  });

  it('keeps the annotations and status of policy objects (an edit writes back what it was shown)', () => {
    const psp = { kind: 'PodSecurityPolicy', metadata: { name: 'p', annotations: { [LAST_APPLIED_ANNOTATION]: '{}' }, managedFields: [] }, spec: {} };
    const ns = { kind: 'Namespace', metadata: { name: 'n' }, status: { phase: 'Active' } };
    expect(slimForCache(structuredClone(psp))).toEqual({ kind: 'PodSecurityPolicy', metadata: { name: 'p', annotations: { [LAST_APPLIED_ANNOTATION]: '{}' } }, spec: {} });
    expect(slimForCache(structuredClone(ns))).toEqual(ns);
  });

  it("shares what a controller's pods hold alike, frozen, and keeps what differs per pod (names, the token volume's name)", () => {
    const pod = (name: string, token: string) => JSON.parse(JSON.stringify({
      kind: 'Pod',
      metadata: { name, namespace: 'n', labels: { app: 'a', 'pod-template-hash': 'h' }, annotations: { 'kubernetes.io/psp': 'restricted' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'rs', uid: 'x', controller: true }] },
      spec: {
        securityContext: { runAsNonRoot: true }, tolerations: [{ key: 'k', operator: 'Exists' }],
        containers: [{ name: 'c', image: 'i', env: [{ name: 'A' }], securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } }, volumeMounts: [{ name: token, mountPath: '/t' }] }],
        volumes: [{ name: token, projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3607 } }] } }],
      },
    }));
    const [a, b] = [pod('a', 'kube-api-access-abcde'), pod('b', 'kube-api-access-fghij')];
    const expected = structuredClone(b);
    const [sa, sb] = [slimForCache(a), slimForCache(b)] as any[];
    for (const path of [['metadata', 'labels'], ['metadata', 'annotations'], ['metadata', 'ownerReferences'], ['spec', 'securityContext'], ['spec', 'tolerations']]) {
      expect(path.reduce((o, k) => o[k], sb), path.join('.')).toBe(path.reduce((o, k) => o[k], sa));
    }
    expect(sb.spec.containers[0].securityContext).toBe(sa.spec.containers[0].securityContext);
    expect(sb.spec.volumes[0].projected).toBe(sa.spec.volumes[0].projected);
    expect(Object.isFrozen(sb.spec.volumes[0].projected.sources[0].serviceAccountToken)).toBe(true);
    // What differs stays each pod's own, and the content is what was read (less the container fields no engine reads).
    expect(sb.spec.volumes[0].name).toBe('kube-api-access-fghij');
    expect(sb.spec.containers[0].volumeMounts).not.toBe(sa.spec.containers[0].volumeMounts);
    delete expected.spec.containers[0].env;
    expect(sb).toEqual(expected);
    // A shared value cannot be changed in place (it would change every pod holding it).
    expect(() => { sb.metadata.labels.app = 'z'; }).toThrow(TypeError);
  });
});
