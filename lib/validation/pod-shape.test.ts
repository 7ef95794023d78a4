import { describe, expect, it } from 'vitest';
import { demoModel } from '../testing/demo';
import { generateLargeClusterWorkloads } from '../testing/large-cluster';
import { formatPath, podShapeErrors, tooDeep } from './pod-shape';

const C = { name: 'a', image: 'x' };

describe('tooDeep', () => {
  it('finds the first path nested deeper than the limit, without recursion', () => {
    expect(tooDeep({ a: [{ b: 1 }] }, 3)).toBeNull();
    expect(tooDeep({ a: [{ b: {} }] }, 3)).toBe('a[0].b');
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 100_000; i++) deep = (deep.x = {}) as Record<string, unknown>;
    expect(tooDeep(root)).toMatch(/^x(\.x){63}$/);
    expect(tooDeep('x')).toBeNull();
    expect(tooDeep(null)).toBeNull();
  });
});

describe('formatPath', () => {
  it('writes field.Path notation', () => {
    expect(formatPath(['spec', 'containers', 0, 'securityContext'])).toBe('spec.containers[0].securityContext');
    expect(formatPath(['metadata', 'annotations', 'seccomp.security.alpha.kubernetes.io/pod'])).toBe('metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]');
    expect(formatPath(['spec', 'containers'], 'spec.template')).toBe('spec.template.spec.containers');
    expect(formatPath([])).toBe('(the manifest)');
  });
});

describe('podShapeErrors', () => {
  it('accepts well-formed pods, nulls where Go decodes them, and any field it does not read', () => {
    expect(podShapeErrors({ spec: { containers: [C] } })).toBeNull();
    expect(podShapeErrors({
      metadata: null,
      spec: {
        containers: [{ ...C, securityContext: null, ports: null, volumeMounts: [{ name: 'v', mountPath: '/v', readOnly: null }], resources: { limits: { cpu: '1' } } }],
        initContainers: null, volumes: [{ name: 'v', emptyDir: {}, unknownSource: 'anything' }], securityContext: { sysctls: null, windowsOptions: { x: 1 } },
        affinity: { nodeAffinity: {} }, hostNetwork: null, serviceAccountName: null,
      },
    })).toBeNull();
  });

  it('every workload of the demo cluster and of the large generated one is well-formed', () => {
    const templates = [...demoModel().workloads, ...generateLargeClusterWorkloads(undefined, 500)].map((w) => {
      const spec = w.spec as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      return w.kind === 'Pod' ? w : w.kind === 'CronJob' ? spec.jobTemplate.spec.template : spec.template;
    });
    expect(templates.length).toBeGreaterThan(5);
    for (const t of templates) expect(podShapeErrors(t)).toBeNull();
  });

  it("names each wrong field (at most five), under the template's own path", () => {
    expect(podShapeErrors({ spec: { containers: [null] } }, 'spec.template')).toBe('spec.template.spec.containers[0]: expected an object');
    expect(podShapeErrors({})).toBe('spec: Required value');
    expect(podShapeErrors({ spec: { containers: [C], hostNetwork: 'y', hostPID: 'y', hostIPC: 'y', serviceAccountName: 1, runtimeClassName: 1, automountServiceAccountToken: 1 } }))
      .toBe('spec.hostNetwork: expected a boolean; spec.hostPID: expected a boolean; spec.hostIPC: expected a boolean; spec.serviceAccountName: expected a string; spec.automountServiceAccountToken: expected a boolean; and 1 more');
    expect(podShapeErrors({ spec: { containers: [{ ...C, ports: [{ containerPort: 80, hostPort: 2 ** 31 }] }] } })).toBe('spec.containers[0].ports[0].hostPort: expected a 32-bit integer');
  });
});
