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
});
