import { describe, expect, it } from 'vitest';
import { aModel, aPsp } from '../testing/builders';
import { ALLOW_ALL } from '../testing/pod-builders';
import { workloadFromManifest } from './manifest';
import { podOfWorkload, simulateWorkload } from './simulate-workload';

const containers = [{ name: 'a', image: 'x' }];

describe('workloadFromManifest and podOfWorkload', () => {
  it.each([
    ['a Pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'n' }, spec: { containers } }, 'Pod', undefined, 'p'],
    ['a CronJob: the job template\'s pod template', { kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: { metadata: { annotations: { a: 'b' } }, spec: { containers } } } } } }, 'CronJob', 'system:serviceaccount:kube-system:job-controller', undefined],
    ['a ReplicationController', { kind: 'ReplicationController', metadata: { name: 'r' }, spec: { template: { spec: { containers } } } }, 'ReplicationController', 'system:serviceaccount:kube-system:replication-controller', undefined],
    ['a PodTemplate: created by the requester', { kind: 'PodTemplate', metadata: { name: 't' }, template: { spec: { containers } } }, 'Pod', undefined, 't'],
    ['a bare template', { metadata: { labels: { a: 'b' } }, spec: { containers } }, 'Pod', undefined, 'simulated'],
  ])('%s', (_what, manifest, kind, requester, podName) => {
    const r = workloadFromManifest(manifest, 'team');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.workload.kind).toBe(kind);
    const pod = podOfWorkload(r.workload);
    expect(pod.spec.containers).toEqual(containers);
    expect(pod.metadata.namespace).toBe('team');
    expect(pod.metadata.name).toBe(podName);
    const sim = simulateWorkload(aModel({ psps: [aPsp('all', ALLOW_ALL)] }), r.workload);
    expect(sim.requester?.user).toBe(requester);
  });

  it('keeps a CronJob template\'s annotations and names the pod by generateName', () => {
    const r = workloadFromManifest({ kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: { metadata: { annotations: { a: 'b' } }, spec: { containers } } } } } });
    expect(r.ok && podOfWorkload(r.workload).metadata).toEqual({ generateName: 'c-', namespace: 'default', annotations: { a: 'b' } });
  });

  it.each([
    [{ kind: 'Service', metadata: { name: 's' }, spec: {} }, 'Cannot simulate a Service'],
    [{ kind: 'Deployment', metadata: { name: 'd' } }, 'has no spec'],
    [{ kind: 'PodTemplate', metadata: { name: 't' } }, 'template.spec'],
    [{ spec: {} }, 'spec.containers'],
    // Shapes the API server would not decode, named where they were written.
    [{ kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [null] } }, 'spec.containers[0]: expected an object'],
    [{ spec: { containers: [{ name: 'a', ports: [null] }] } }, 'spec.containers[0].ports[0]: expected an object'],
    [{ kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: { containers: [{ name: 'a' }], volumes: 'x' } } } }, 'spec.template.spec.volumes: expected a list'],
    [{ kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 1 } }, 'spec.template: Required value'],
    [{ kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: 'x' } } }, 'spec.jobTemplate.spec: expected an object'],
    [{ kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'a', securityContext: { capabilities: { drop: 5 } } }] } } } } } }, 'spec.jobTemplate.spec.template.spec.containers[0].securityContext.capabilities.drop: expected a list'],
    [{ kind: 'PodTemplate', metadata: { name: 't' }, template: { spec: { containers: [{ name: 'a' }], hostNetwork: 'yes' } } }, 'template.spec.hostNetwork: expected a boolean'],
    [{ kind: 'Job', metadata: { name: 'j', annotations: { a: 1 } }, spec: { template: { spec: { containers: [{ name: 'a' }] } } } }, 'metadata.annotations.a: expected a string'],
  ])('refuses %j', (manifest, error) => {
    const r = workloadFromManifest(manifest);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(error);
  });
});
