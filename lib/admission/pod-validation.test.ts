import { describe, expect, it } from 'vitest';
import { aPod } from '../testing/pod-builders';
import { invalidAfterAdmission } from './pod-validation';

describe('invalidAfterAdmission (API validation a PSP default can break)', () => {
  it.each([
    ['privileged with allowPrivilegeEscalation false', { privileged: true, allowPrivilegeEscalation: false }, ['spec.containers[0].securityContext: cannot set `allowPrivilegeEscalation` to false and `privileged` to true']],
    ['CAP_SYS_ADMIN with allowPrivilegeEscalation false', { allowPrivilegeEscalation: false, capabilities: { add: ['CAP_SYS_ADMIN'] } }, ['spec.containers[0].securityContext: cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN']],
    ['SYS_ADMIN is not the literal the check compares', { allowPrivilegeEscalation: false, capabilities: { add: ['SYS_ADMIN'] } }, []],
    ['privileged with escalation allowed', { privileged: true, allowPrivilegeEscalation: true }, []],
  ])('%s', (_what, securityContext, want) => {
    expect(invalidAfterAdmission(aPod({ container: { securityContext } }))).toEqual(want);
  });
});
