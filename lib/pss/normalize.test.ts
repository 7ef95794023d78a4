import { describe, expect, it } from 'vitest';
import { handWrittenCases } from './cases';
import { evaluatePod } from './evaluate';
import { normalizeForServer } from './normalize';

const P = (name: string) => handWrittenCases().find((k) => k.name === name)!.pod;

describe('normalizeForServer', () => {
  it('hostNetwork defaults hostPort to containerPort', () => {
    const r = evaluatePod(normalizeForServer(P('host-network-defaulted-port')), { level: 'baseline', version: 'latest' });
    expect(r.detail).toBe('host namespaces (hostNetwork=true), hostPort (container "a" uses hostPort 8080)');
  });

  it('v1.24: seccomp annotation → field, and fields it does not know are dropped', () => {
    const p = normalizeForServer(P('seccomp-annotation-pod-unconfined'), 24);
    expect(p.spec.securityContext?.seccompProfile).toEqual({ type: 'Unconfined' });
    expect(normalizeForServer(P('host-users-false-root'), 24).spec.hostUsers).toBeUndefined();
    expect(normalizeForServer(P('apparmor-field-unconfined'), 24).spec.securityContext?.appArmorProfile).toBeUndefined();
    expect(normalizeForServer(P('seccomp-annotation-pod-unconfined'), 37).spec.securityContext?.seccompProfile).toBeUndefined();
  });

  it('v1.30+: an AppArmor annotation becomes the container field', () => {
    const p = normalizeForServer(P('apparmor-annotation-unconfined'), 37);
    expect(p.spec.containers[0].securityContext?.appArmorProfile).toEqual({ type: 'Unconfined' });
    expect(evaluatePod(p, { level: 'baseline', version: 'latest' }).detail).toBe(
      'forbidden AppArmor profiles (container "a" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/a="unconfined"")',
    );
  });

  it('does not change its input', () => {
    const input = P('apparmor-annotation-unconfined');
    const before = JSON.stringify(input);
    normalizeForServer(input, 37);
    expect(JSON.stringify(input)).toBe(before);
  });
});
