import { describe, expect, it } from 'vitest';
import { podOfWorkload, simulateWorkload } from './simulate-workload';
import { aModel, aPsp, aClusterRole, aClusterRoleBinding, aServiceAccount, group, useRule } from '../testing/builders';
import { ALLOW_ALL } from '../testing/pod-builders';
import type { Workload } from '../model/types';

const sts = (volumes: object[] | undefined): Workload => ({
  apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'shop' },
  spec: {
    template: { spec: { containers: [{ name: 'db', image: 'x' }], ...(volumes ? { volumes } : {}) } },
    volumeClaimTemplates: [{ metadata: { name: 'data' } }, { metadata: { name: 'logs' } }],
  },
} as unknown as Workload);

describe('podOfWorkload: the StatefulSet controller adds a claim volume per volumeClaimTemplate', () => {
  it('named <template>-<set>-0, replacing a template volume of the same name', () => {
    const pod = podOfWorkload(sts([{ name: 'data', emptyDir: {} }, { name: 'config', configMap: { name: 'c' } }]));
    expect(pod.spec.volumes).toEqual([
      { name: 'data', persistentVolumeClaim: { claimName: 'data-db-0' } },
      { name: 'logs', persistentVolumeClaim: { claimName: 'logs-db-0' } },
      { name: 'config', configMap: { name: 'c' } },
    ]);
  });

  it('so a PSP without persistentVolumeClaim refuses its pods, as the server does', () => {
    const model = aModel({
      serviceAccounts: [aServiceAccount('shop', 'default')],
      psps: [aPsp('no-pvc', { ...ALLOW_ALL, volumes: ['configMap', 'emptyDir', 'projected', 'secret'] })],
      clusterRoles: [aClusterRole('use', [useRule('no-pvc')])],
      clusterRoleBindings: [aClusterRoleBinding('use', 'use', [group('system:serviceaccounts')])],
    });
    const r = simulateWorkload(model, sts(undefined));
    expect(r.allowed).toBe(false);
    expect(r.message).toContain('persistentVolumeClaim volumes are not allowed to be used');
  });
});
