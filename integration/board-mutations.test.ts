/**
 * The board's mutation check against real pods: on kube-apiserver v1.24.17 with the controller
 * manager, a namespace whose pods can only get a PSP that sets fields (defaultAllowPrivilegeEscalation,
 * runAsUser and fsGroup MustRunAs, a default seccomp profile). A Deployment, a StatefulSet and a Job
 * make real pods; the board computed from what the server lists must (1) find, on each running pod,
 * the fields its PSP set that its owner's template does not (through the ReplicaSet for the
 * Deployment), and (2) have predicted exactly those from the templates alone (the PSP simulation),
 * with the same owner field to set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../testenv/cluster';
import { clusterAvailable, createObjects, snapshotOf, until } from './support';
import { buildModel, type RawObject } from '../lib/sources/to-model';
import { buildBoard, type BoardRow } from '../lib/pss/board';
import { pspOutcomes } from '../lib/pss/psp-outcomes';

const NS = 'board-mut';
const PSP = 'sets-fields';
const RBAC = 'rbac.authorization.k8s.io/v1';
const template = (app: string) => ({ metadata: { labels: { app } }, spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.7' }] } });

const objects: RawObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
  {
    apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy',
    metadata: { name: PSP, annotations: { 'seccomp.security.alpha.kubernetes.io/allowedProfileNames': 'runtime/default', 'seccomp.security.alpha.kubernetes.io/defaultProfileName': 'runtime/default' } },
    spec: {
      privileged: false, allowPrivilegeEscalation: true, defaultAllowPrivilegeEscalation: false, volumes: ['*'],
      runAsUser: { rule: 'MustRunAs', ranges: [{ min: 1000, max: 2000 }] }, fsGroup: { rule: 'MustRunAs', ranges: [{ min: 3000, max: 3000 }] },
      seLinux: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' },
    },
  },
  { apiVersion: RBAC, kind: 'ClusterRole', metadata: { name: `use-${PSP}` }, rules: [{ apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['use'], resourceNames: [PSP] }] },
  { apiVersion: RBAC, kind: 'RoleBinding', metadata: { name: `use-${PSP}`, namespace: NS }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `use-${PSP}` }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: `system:serviceaccounts:${NS}` }] },
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: NS }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: template('web') } },
  { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: NS }, spec: { replicas: 1, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: template('db') } },
  { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once', namespace: NS }, spec: { template: { ...template('once'), spec: { ...template('once').spec, restartPolicy: 'Never' } } } },
];

const run = clusterAvailable('1.24');

describe.runIf(run)('the mutation check on real pods (kube-apiserver v1.24.17 with the controller manager)', () => {
  let cluster: TestCluster;
  let row: BoardRow;

  beforeAll(async () => {
    cluster = await startCluster({ version: '1.24', controllerManager: true });
    await createObjects(cluster, objects.filter((o) => !['Deployment', 'StatefulSet', 'Job'].includes(o.kind!)));
    await until(`the default service account of ${NS}`, 60_000, async () => ((await cluster.request('admin', 'GET', `/api/v1/namespaces/${NS}/serviceaccounts/default`)).status === 200 ? true : undefined));
    await createObjects(cluster, objects.filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind!)));
    await until('a pod of each workload', 120_000, async () => {
      const pods = (await cluster.request('admin', 'GET', `/api/v1/namespaces/${NS}/pods`)).body.items as { metadata: { name: string } }[];
      return ['web-', 'db-0', 'once-'].every((p) => pods.some((x) => x.metadata.name.startsWith(p))) ? true : undefined;
    });
    const listed = (await snapshotOf(cluster)).map((object, i) => ({ object, where: `object ${i}` }));
    const model = buildModel({ objects: listed, computeAggregation: false, source: { kind: 'live', name: 'it', serverVersion: cluster.serverVersion, pspApiServed: true, state: 'live', readOnly: true } });
    row = buildBoard({ model, serverMinor: 24, outcomes: pspOutcomes(model) }).namespaces.find((r) => r.namespace === NS)!;
  }, 240_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('every running pod: what its PSP set, found against its owner\'s template, and predicted from the template alone', () => {
    expect(row.psps).toEqual([PSP]);
    expect(row.mutated).toBe(true);
    const owners = row.podMutations.map((m) => m.owner).sort();
    expect(owners).toEqual(['Deployment/web', 'Job/once', 'StatefulSet/db']);
    let fields = 0;
    for (const m of row.podMutations) {
      expect(m.psp).toBe(PSP);
      const observed = Object.fromEntries(m.changes.map((c) => [c.templatePath, c.value]));
      const predicted = Object.fromEntries(row.mutations.find((p) => p.workload === m.owner)!.changes.map((c) => [c.templatePath, c.after]));
      expect(observed, m.pod).toEqual(predicted);
      expect(Object.keys(observed)).toEqual(expect.arrayContaining([
        'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation', 'spec.template.spec.containers[0].securityContext.runAsUser', 'spec.template.spec.securityContext.fsGroup',
      ]));
      fields += m.changes.length;
    }
    console.log(`[board-mutations] ${cluster.serverVersion}: ${row.podMutations.length} running pods (Deployment through its ReplicaSet, StatefulSet, Job): ${fields} fields set by PSP found, each predicted from the template`);
  });
});
