import { describe, expect, it } from 'vitest';
import { applySeccompVersionSkew, seccompAnnotationForField, seccompFieldForAnnotation } from './storage';
import type { Pod } from './pod';

const pod = (p: { annotations?: Record<string, string>; securityContext?: object; containers?: object[]; initContainers?: object[]; ephemeralContainers?: object[] }): Pod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns', ...(p.annotations ? { annotations: p.annotations } : {}) },
  spec: { securityContext: p.securityContext ?? {}, containers: (p.containers ?? [{ name: 'app', image: 'x' }]) as Pod['spec']['containers'], ...(p.initContainers ? { initContainers: p.initContainers } : {}), ...(p.ephemeralContainers ? { ephemeralContainers: p.ephemeralContainers } : {}) } as Pod['spec'],
});

describe('the seccomp field and annotation, kept in step before a pod is stored (v1.24)', () => {
  it('maps values both ways as the API server does', () => {
    expect(seccompAnnotationForField({ type: 'RuntimeDefault' })).toBe('runtime/default');
    expect(seccompAnnotationForField({ type: 'Unconfined' })).toBe('unconfined');
    expect(seccompAnnotationForField({ type: 'Localhost', localhostProfile: 'p.json' })).toBe('localhost/p.json');
    expect(seccompAnnotationForField({ type: 'Localhost' })).toBe('');
    expect(seccompAnnotationForField({ type: 'Other' })).toBe('');
    expect(seccompFieldForAnnotation('docker/default')).toEqual({ type: 'RuntimeDefault' });
    expect(seccompFieldForAnnotation('runtime/default')).toEqual({ type: 'RuntimeDefault' });
    expect(seccompFieldForAnnotation('localhost/')).toBeUndefined();
    expect(seccompFieldForAnnotation('localhost/a/b')).toEqual({ type: 'Localhost', localhostProfile: 'a/b' });
    expect(seccompFieldForAnnotation('bogus')).toBeUndefined();
  });

  it('a pod field gets its annotation; a pod annotation gets its field; both present: unchanged', () => {
    expect(applySeccompVersionSkew(pod({ securityContext: { seccompProfile: { type: 'RuntimeDefault' } } })).metadata.annotations).toEqual({ 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' });
    expect(applySeccompVersionSkew(pod({ annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'docker/default' } })).spec.securityContext?.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    const both = pod({ annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' }, securityContext: { seccompProfile: { type: 'RuntimeDefault' } } });
    expect(applySeccompVersionSkew(both)).toEqual(both);
  });

  it('every container kind, by name; unknown values change nothing', () => {
    const p = applySeccompVersionSkew(pod({
      annotations: { 'container.seccomp.security.alpha.kubernetes.io/init': 'localhost/i.json', 'container.seccomp.security.alpha.kubernetes.io/app': 'nonsense' },
      initContainers: [{ name: 'init', image: 'x' }],
      containers: [{ name: 'app', image: 'x' }, { name: 'side', image: 'x', securityContext: { seccompProfile: { type: 'Unconfined' } } }],
      ephemeralContainers: [{ name: 'debug', image: 'x', securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'd.json' } } }],
    }));
    expect(p.spec.initContainers?.[0].securityContext?.seccompProfile).toEqual({ type: 'Localhost', localhostProfile: 'i.json' });
    expect(p.spec.containers[0].securityContext).toBeUndefined();
    expect(p.metadata.annotations).toEqual({
      'container.seccomp.security.alpha.kubernetes.io/init': 'localhost/i.json',
      'container.seccomp.security.alpha.kubernetes.io/app': 'nonsense',
      'container.seccomp.security.alpha.kubernetes.io/side': 'unconfined',
      'container.seccomp.security.alpha.kubernetes.io/debug': 'localhost/d.json',
    });
  });

  it('does not change its input', () => {
    const input = pod({ securityContext: { seccompProfile: { type: 'RuntimeDefault' } } });
    const copy = structuredClone(input);
    applySeccompVersionSkew(input);
    expect(input).toEqual(copy);
  });
});
