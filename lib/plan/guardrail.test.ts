import { describe, expect, it } from 'vitest';
import type { Subject } from '../model/types';
import { pspFromTemplate } from './templates';
import { broadSubjectReason, guardrail } from './guardrail';

const group = (name: string): Subject => ({ kind: 'Group', name });
const user = (name: string): Subject => ({ kind: 'User', name });
const privileged = pspFromTemplate('privileged', 'priv');

describe('guardrail', () => {
  it('refuses a privileged PSP to Group system:serviceaccounts:kube-system scoped to another namespace: its controllers create that namespace\'s pods', () => {
    const r = guardrail(privileged, group('system:serviceaccounts:kube-system'), 'team-a', false);
    expect(r).toMatchObject({ field: 'acknowledgeRisk' });
    expect(r?.reason).toMatch(/controllers that create pods for every Deployment, DaemonSet, StatefulSet and Job of namespace team-a/);
    expect(guardrail(privileged, group('system:serviceaccounts:kube-system'), 'team-a', true)).toBeNull();
    // Cluster-wide it is refused too; in kube-system itself it stays the article's narrow grant.
    expect(guardrail(privileged, group('system:serviceaccounts:kube-system'), undefined, false)?.reason).toMatch(/in the cluster/);
    expect(guardrail(privileged, group('system:serviceaccounts:kube-system'), 'kube-system', false)).toBeNull();
  });

  it('treats User system:anonymous like Group system:unauthenticated', () => {
    for (const subject of [user('system:anonymous'), group('system:unauthenticated')]) {
      for (const ns of [undefined, 'team-a']) {
        const r = guardrail(privileged, subject, ns, false);
        expect(r, `${subject.kind} ${subject.name} ${ns}`).toMatchObject({ field: 'acknowledgeRisk' });
        expect(r?.reason).toMatch(/anonymous requests/);
      }
    }
    expect(broadSubjectReason(user('system:anonymous'), 'team-a')).toBe('anonymous requests in namespace team-a');
    expect(guardrail(privileged, user('system:anonymous'), undefined, true)).toBeNull();
  });

  it('leaves narrow subjects and restricted PSPs alone', () => {
    expect(guardrail(privileged, user('alice'), undefined, false)).toBeNull();
    expect(guardrail(privileged, group('system:serviceaccounts:team-a'), 'team-a', false)).toBeNull();
    expect(guardrail(pspFromTemplate('restricted', 'r'), user('system:anonymous'), undefined, false)).toBeNull();
    expect(guardrail(pspFromTemplate('restricted', 'r'), group('system:serviceaccounts:kube-system'), 'team-a', false)).toBeNull();
  });
});
