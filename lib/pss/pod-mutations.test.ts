import { describe, expect, it } from 'vitest';
import type { Workload } from '../model/types';
import { runningPodMutations } from './pod-mutations';

const tpl = (container: Record<string, unknown> = {}, extra: Record<string, unknown> = {}, annotations?: Record<string, string>) => ({
  metadata: { labels: { app: 'x' }, ...(annotations ? { annotations } : {}) },
  spec: { containers: [{ name: 'side', image: 's' }, { name: 'app', image: 'a', ...container }], ...extra },
});
const owned = (kind: string, name: string, owner?: { kind: string; name: string }, spec: Record<string, unknown> = {}): Workload => ({
  apiVersion: 'apps/v1', kind: kind as Workload['kind'],
  metadata: { name, namespace: 'ns', ...(owner ? { ownerReferences: [{ ...owner, controller: true }] } : {}) }, spec,
});
const pod = (name: string, owner: { kind: string; name: string }, spec: Record<string, unknown>, annotations: Record<string, string> = {}): Workload => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name, namespace: 'ns', annotations: { 'kubernetes.io/psp': 'restricted', ...annotations }, ownerReferences: [{ ...owner, controller: true }] }, spec,
});

describe('runningPodMutations', () => {
  it('a Deployment\'s pod (through its ReplicaSet): what PSP set, and the Deployment template field that keeps it', () => {
    const t = tpl();
    const out = runningPodMutations([
      owned('Deployment', 'web', undefined, { template: t }),
      owned('ReplicaSet', 'web-1', { kind: 'Deployment', name: 'web' }, { template: t }),
      pod('web-1-a', { kind: 'ReplicaSet', name: 'web-1' }, {
        containers: [{ name: 'app', image: 'a', securityContext: { allowPrivilegeEscalation: false, runAsUser: 1000 } }, { name: 'side', image: 's' }],
        securityContext: { fsGroup: 1 },
      }),
    ]);
    expect(out).toEqual([{
      namespace: 'ns', pod: 'web-1-a', owner: 'Deployment/web', psp: 'restricted',
      changes: [
        { path: 'spec.securityContext.fsGroup', value: 1, templatePath: 'spec.template.spec.securityContext.fsGroup' },
        { path: 'spec.containers[app].securityContext.allowPrivilegeEscalation', value: false, templatePath: 'spec.template.spec.containers[1].securityContext.allowPrivilegeEscalation' },
        { path: 'spec.containers[app].securityContext.runAsUser', value: 1000, templatePath: 'spec.template.spec.containers[1].securityContext.runAsUser' },
      ],
    }]);
  });

  it('kept per pod across calls only while its owners are the same objects: a new template is compared again', () => {
    const running = pod('rc-a', { kind: 'ReplicationController', name: 'rc' }, { containers: [{ name: 'app', image: 'a', securityContext: { runAsUser: 7 } }] });
    const before = owned('ReplicationController', 'rc', undefined, { template: tpl() });
    const first = runningPodMutations([before, running]);
    expect(first.map((m) => m.changes.map((c) => c.path))).toEqual([['spec.containers[app].securityContext.runAsUser']]);
    // The same objects again: the same answer object (nothing compared again).
    expect(runningPodMutations([before, running])[0]).toBe(first[0]);
    // The owner replaced by one whose template sets the field: the pod is compared again, no change left.
    const after = owned('ReplicationController', 'rc', undefined, { template: tpl({ securityContext: { runAsUser: 7 } }) });
    expect(runningPodMutations([after, running])).toEqual([]);
    // The pod replaced (a new object) under the first owner: compared as it is now.
    const other = { ...running, spec: { containers: [{ name: 'app', image: 'a', securityContext: { runAsUser: 8 } }] } };
    expect(runningPodMutations([before, other])[0].changes.map((c) => c.value)).toEqual([8]);
  });

  it('any owner kind: a StatefulSet\'s and a CronJob\'s (through its Job) pods; a changed value keeps what the template said', () => {
    const out = runningPodMutations([
      owned('StatefulSet', 'db', undefined, { template: tpl({ securityContext: { runAsUser: 0 } }) }),
      pod('db-0', { kind: 'StatefulSet', name: 'db' }, { containers: [{ name: 'app', securityContext: { runAsUser: 5 } }] }),
      owned('CronJob', 'report', undefined, { jobTemplate: { spec: { template: tpl() } } }),
      owned('Job', 'report-1', { kind: 'CronJob', name: 'report' }, { template: tpl() }),
      pod('report-1-x', { kind: 'Job', name: 'report-1' }, { containers: [{ name: 'app', securityContext: { readOnlyRootFilesystem: true } }] }),
    ]);
    expect(out.map((m) => [m.owner, m.changes.map((c) => [c.path, c.value, c.template, c.templatePath])])).toEqual([
      ['StatefulSet/db', [['spec.containers[app].securityContext.runAsUser', 5, 0, 'spec.template.spec.containers[1].securityContext.runAsUser']]],
      ['CronJob/report', [['spec.containers[app].securityContext.readOnlyRootFilesystem', true, undefined, 'spec.jobTemplate.spec.template.spec.containers[1].securityContext.readOnlyRootFilesystem']]],
    ]);
  });

  it('a ReplicationController\'s pod: what PSP set, kept in the controller\'s spec.template', () => {
    const out = runningPodMutations([
      { ...owned('ReplicationController', 'legacy', undefined, { replicas: 1, selector: { app: 'x' }, template: tpl() }), apiVersion: 'v1' },
      pod('legacy-x7k2p', { kind: 'ReplicationController', name: 'legacy' }, { containers: [{ name: 'app', securityContext: { runAsUser: 65534 } }], securityContext: { fsGroup: 2000 } }),
    ]);
    expect(out).toEqual([{
      namespace: 'ns', pod: 'legacy-x7k2p', owner: 'ReplicationController/legacy', psp: 'restricted',
      changes: [
        { path: 'spec.securityContext.fsGroup', value: 2000, templatePath: 'spec.template.spec.securityContext.fsGroup' },
        { path: 'spec.containers[app].securityContext.runAsUser', value: 65534, templatePath: 'spec.template.spec.containers[1].securityContext.runAsUser' },
      ],
    }]);
  });

  it('the seccomp field and annotation are one setting; a default profile PSP added is a change', () => {
    const seccomp = { seccompProfile: { type: 'RuntimeDefault' } };
    const out = runningPodMutations([
      owned('DaemonSet', 'synced', undefined, { template: tpl({}, { securityContext: seccomp }) }),
      pod('synced-a', { kind: 'DaemonSet', name: 'synced' }, { securityContext: seccomp, containers: [{ name: 'app' }] }, { 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' }),
      owned('DaemonSet', 'defaulted', undefined, { template: tpl() }),
      pod('defaulted-a', { kind: 'DaemonSet', name: 'defaulted' }, { securityContext: seccomp, containers: [{ name: 'app' }] }, { 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' }),
    ]);
    expect(out.map((m) => m.pod)).toEqual(['defaulted-a']);
    // The annotation PSP wrote and the field the API server synced are one setting: the field.
    expect(out[0].changes).toEqual([{ path: 'spec.securityContext.seccompProfile.type', value: 'RuntimeDefault', templatePath: 'spec.template.spec.securityContext.seccompProfile.type' }]);
  });

  it('pods without an owner in the model, and pods equal to their template, are left out', () => {
    const t = tpl({ securityContext: { runAsUser: 1 } });
    expect(runningPodMutations([
      owned('ReplicaSet', 'rs', undefined, { template: t }),
      pod('same', { kind: 'ReplicaSet', name: 'rs' }, { containers: [{ name: 'app', securityContext: { runAsUser: 1 } }] }),
      pod('orphan', { kind: 'ReplicaSet', name: 'gone' }, { containers: [{ name: 'app', securityContext: { runAsUser: 2 } }] }),
    ])).toEqual([]);
  });
});
