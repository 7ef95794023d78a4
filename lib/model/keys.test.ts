import { describe, expect, it } from 'vitest';
import { requesterLabel, serviceAccountUser } from './keys';

describe('requesterLabel', () => {
  it("names kube-system's controllers by their own name and anyone else in full", () => {
    expect(requesterLabel(serviceAccountUser('kube-system', 'replicaset-controller'))).toBe('replicaset-controller');
    expect(requesterLabel('system:serviceaccount:shop:deployer')).toBe('system:serviceaccount:shop:deployer');
    expect(requesterLabel('system:serviceaccount:kube-systemx:a')).toBe('system:serviceaccount:kube-systemx:a');
    expect(requesterLabel('alice')).toBe('alice');
  });
});
