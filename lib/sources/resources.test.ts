import { describe, expect, it } from 'vitest';
import { WORKLOAD_KINDS } from '../model/types';
import { collectionPath, RESOURCES } from './resources';
import { MODEL_KINDS } from './to-model';

describe('RESOURCES: what the live source lists and watches', () => {
  it('every kind the model keeps is read from a live cluster, once', () => {
    expect(RESOURCES.map((r) => r.kind).sort()).toEqual([...MODEL_KINDS].sort());
    expect(new Set(RESOURCES.map((r) => r.kind)).size).toBe(RESOURCES.length);
  });

  it('workload kinds are not essential: without them the PSP and RBAC picture is still right', () => {
    expect(RESOURCES.filter((r) => (WORKLOAD_KINDS as readonly string[]).includes(r.kind)).every((r) => !r.essential)).toBe(true);
  });

  it('ReplicationControllers are core/v1', () => {
    expect(collectionPath(RESOURCES.find((r) => r.kind === 'ReplicationController')!)).toBe('/api/v1/replicationcontrollers');
  });
});
