import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { applyWatchEvent, cacheKey } from './watch-events';
import type { RawObject } from './to-model';

const rb = (name: string, rv: string) => ({ metadata: { name, namespace: 'ns', resourceVersion: rv }, roleRef: { kind: 'Role', name: 'r' } });

describe('applyWatchEvent', () => {
  it('adds, modifies and deletes by namespace/name, setting kind and apiVersion', () => {
    const items = new Map<string, RawObject>();
    expect(applyWatchEvent(items, { type: 'ADDED', object: rb('a', '10') }, 'RoleBinding', 'rbac.authorization.k8s.io/v1')).toEqual({ kind: 'changed', resourceVersion: '10' });
    expect(items.get('ns/a')).toMatchObject({ kind: 'RoleBinding', apiVersion: 'rbac.authorization.k8s.io/v1' });
    applyWatchEvent(items, { type: 'MODIFIED', object: { ...rb('a', '11'), subjects: [{ kind: 'Group', name: 'g' }] } }, 'RoleBinding', 'v');
    expect(items.get('ns/a')!.subjects).toEqual([{ kind: 'Group', name: 'g' }]);
    applyWatchEvent(items, { type: 'DELETED', object: rb('a', '12') }, 'RoleBinding', 'v');
    expect(items.size).toBe(0);
  });

  it('reports 410 Gone as expired so the caller lists again, and bookmarks without changing anything', () => {
    const items = new Map<string, RawObject>();
    expect(applyWatchEvent(items, { type: 'ERROR', object: { code: 410, message: 'too old resource version' } }, 'Role', 'v')).toEqual({ kind: 'expired' });
    expect(applyWatchEvent(items, { type: 'BOOKMARK', object: { metadata: { resourceVersion: '99' } } }, 'Role', 'v')).toEqual({ kind: 'bookmark', resourceVersion: '99' });
    expect(items.size).toBe(0);
  });

  it('keys cluster-scoped objects by name', () => {
    expect(cacheKey({ metadata: { name: 'x' } })).toBe('x');
  });

  it('keeps a pod whose update changed only its status (no change for the readers), and slims what it stores', () => {
    const items = new Map<string, RawObject>();
    const pod = (rv: string, phase: string, sc?: object) => ({
      metadata: { name: 'p', namespace: 'ns', resourceVersion: rv, managedFields: [{ manager: 'kubelet' }] },
      spec: { containers: [{ name: 'c', securityContext: sc }] }, status: { phase },
    });
    expect(applyWatchEvent(items, { type: 'ADDED', object: pod('1', 'Pending') }, 'Pod', 'v1').kind).toBe('changed');
    const stored = items.get('ns/p')!;
    expect(stored).not.toHaveProperty('status');
    expect(stored.metadata).not.toHaveProperty('managedFields');
    expect(applyWatchEvent(items, { type: 'MODIFIED', object: pod('2', 'Running') }, 'Pod', 'v1')).toEqual({ kind: 'unchanged', resourceVersion: '2' });
    expect(items.get('ns/p')).toBe(stored);
    expect(applyWatchEvent(items, { type: 'MODIFIED', object: pod('3', 'Running', { runAsUser: 0 }) }, 'Pod', 'v1').kind).toBe('changed');
    expect(items.get('ns/p')).not.toBe(stored);
  });

  it('stores a pod that came by the watch with fast properties, its metadata too (a dictionary metadata costs 370 bytes more a pod)', () => {
    setFlagsFromString('--allow-natives-syntax');
    const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;
    setFlagsFromString('--no-allow-natives-syntax');
    const items = new Map<string, RawObject>();
    // As the watch stream gives it: a line through JSON.parse, kind and apiVersion first, status last.
    const line = JSON.stringify({
      kind: 'Pod', apiVersion: 'v1',
      metadata: { name: 'p', namespace: 'ns', uid: 'u', resourceVersion: '1', managedFields: [{ manager: 'kubelet' }], labels: { app: 'a' } },
      spec: { containers: [{ name: 'c', image: 'i', env: [{ name: 'A', value: 'b' }] }] }, status: { phase: 'Running' },
    });
    applyWatchEvent(items, { type: 'ADDED', object: JSON.parse(line) }, 'Pod', 'v1');
    const stored = items.get('ns/p')!;
    expect(stored).not.toHaveProperty('status');
    expect(stored).toMatchObject({ kind: 'Pod', apiVersion: 'v1' });
    expect(stored.metadata).not.toHaveProperty('managedFields');
    expect(hasFastProperties(stored)).toBe(true);
    expect(hasFastProperties(stored.metadata as object)).toBe(true);
  });
});
