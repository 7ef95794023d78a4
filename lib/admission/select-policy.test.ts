import { describe, expect, it } from 'vitest';
import { aPsp } from '../testing/builders';
import { ALLOW_ALL, RUN_AS_ANY, aPod } from '../testing/pod-builders';
import type { Psp, PspSpec } from '../model/types';
import { applyApiDefaults, applyServiceAccountAdmission } from './api-defaults';
import { selectPolicy, PSP_ANNOTATION } from './select-policy';

const RESTRICTIVE: PspSpec = {
  ...RUN_AS_ANY, runAsUser: { rule: 'MustRunAsNonRoot' }, allowPrivilegeEscalation: false, requiredDropCapabilities: ['ALL'],
  volumes: ['configMap', 'secret', 'emptyDir', 'projected'],
};
const allowed = (...names: string[]) => (psp: string) => names.includes(psp);
const select = (psps: Psp[], isAuthorized: (n: string) => boolean, pod = aPod(), mutationAllowed?: boolean) =>
  selectPolicy({ pod: applyApiDefaults(pod), namespace: 'default', psps, isAuthorized, mutationAllowed });

describe('selectPolicy: the order of choice', () => {
  it.each([
    ['a permissive authorized PSP beats a restrictive one that would need defaulting ("allow as-is takes precedence")',
      [aPsp('a-restricted', RESTRICTIVE), aPsp('z-privileged', ALLOW_ALL)], allowed('a-restricted', 'z-privileged'), 'z-privileged'],
    ['without the permissive grant the restrictive PSP is chosen after defaulting',
      [aPsp('a-restricted', RESTRICTIVE), aPsp('z-privileged', ALLOW_ALL)], allowed('a-restricted'), 'a-restricted'],
    ['among non-mutating PSPs the first by name wins', [aPsp('b', ALLOW_ALL), aPsp('a', ALLOW_ALL)], allowed('a', 'b'), 'a'],
    ['among mutating PSPs the first by name wins', [aPsp('r2', RESTRICTIVE), aPsp('r1', RESTRICTIVE)], allowed('r1', 'r2'), 'r1'],
    ['names sort byte-wise: "-" < "." < digits < letters', [aPsp('a.b', ALLOW_ALL), aPsp('a-b', ALLOW_ALL), aPsp('a0', ALLOW_ALL)], allowed('a.b', 'a-b', 'a0'), 'a-b'],
    ['upper case sorts before lower case', [aPsp('b', ALLOW_ALL), aPsp('Z', ALLOW_ALL)], allowed('b', 'Z'), 'Z'],
    ['an unauthorized PSP is passed over even if first', [aPsp('a', ALLOW_ALL), aPsp('b', ALLOW_ALL)], allowed('b'), 'b'],
  ])('%s', (_what, psps, isAuthorized, want) => {
    const r = select(psps, isAuthorized);
    expect(r.allowed).toBe(true);
    expect(r.psp).toBe(want);
    expect(r.pod?.metadata.annotations?.[PSP_ANNOTATION]).toBe(want);
  });

  it('asks authorization only of PSPs that admit the pod', () => {
    const asked: string[] = [];
    select([aPsp('a-refuses', RUN_AS_ANY), aPsp('b', ALLOW_ALL)], (n) => (asked.push(n), true), aPod({ container: { securityContext: { privileged: true } } }));
    expect(asked).toEqual(['b']);
  });

  it('reports why each PSP was or was not chosen', () => {
    const psps = [aPsp('a-restricted', RESTRICTIVE), aPsp('b-refuses', { ...RUN_AS_ANY, volumes: [] }), aPsp('c-unauthorized', ALLOW_ALL), aPsp('d-privileged', ALLOW_ALL), aPsp('e-later', ALLOW_ALL)];
    const r = select(psps, allowed('a-restricted', 'b-refuses', 'd-privileged', 'e-later'), aPod({ spec: { volumes: [{ name: 'e', emptyDir: {} }] } }));
    expect(r.evaluations.map((e) => [e.psp, e.verdict])).toEqual([
      ['a-restricted', 'preferred-other'],
      ['b-refuses', 'rejects'],
      ['c-unauthorized', 'not-authorized'],
      ['d-privileged', 'chosen'],
      ['e-later', 'earlier-non-mutating-won'],
    ]);
    expect(r.evaluations[0].reason).toContain('d-privileged admits it unchanged');
  });

  it('returns the mutations of the chosen PSP as a diff', () => {
    const r = select([aPsp('r', RESTRICTIVE)], allowed('r'));
    expect(r.mutations).toEqual([
      { path: 'spec.containers[0].securityContext.runAsNonRoot', after: true },
      { path: 'spec.containers[0].securityContext.capabilities.drop', after: ['ALL'] },
      { path: 'spec.containers[0].securityContext.allowPrivilegeEscalation', after: false },
    ]);
  });
});

describe('selectPolicy: refusals', () => {
  const privilegedPod = aPod({ name: 'web', container: { securityContext: { privileged: true } } });

  it('lists the errors of authorized PSPs only', () => {
    const r = select([aPsp('a', RUN_AS_ANY), aPsp('b', { ...RUN_AS_ANY, hostPID: true })], allowed('a'), privilegedPod);
    expect(r.allowed).toBe(false);
    expect(r.message).toBe('pods "web" is forbidden: PodSecurityPolicy: unable to admit pod: [spec.containers[0].securityContext.privileged: Invalid value: true: Privileged containers are not allowed]');
  });

  it('prints [] when no PSP is authorized', () => {
    const r = select([aPsp('a', RUN_AS_ANY)], allowed(), privilegedPod);
    expect(r.message).toBe('pods "web" is forbidden: PodSecurityPolicy: unable to admit pod: []');
  });

  it('says "no providers available" without PSPs, or when none can be built', () => {
    expect(select([], allowed()).message).toBe('pods "p" is forbidden: PodSecurityPolicy: no providers available to validate pod request');
    const broken = select([aPsp('broken', { ...RUN_AS_ANY, runAsUser: { rule: 'MustRunAs' } })], allowed('broken'));
    expect(broken.message).toContain('no providers available to validate pod request');
    expect(broken.evaluations[0].verdict).toBe('invalid-policy');
  });

  it('names a generateName pod by its generateName', () => {
    const pod = { ...privilegedPod, metadata: { generateName: 'web-7d4b9-', namespace: 'default' } };
    expect(select([aPsp('a', RUN_AS_ANY)], allowed('a'), pod).message).toMatch(/^pods "web-7d4b9-" is forbidden/);
  });
});

describe('selectPolicy: the Validate phase (no mutation allowed)', () => {
  it('skips PSPs that would mutate, silently, and can end in "unable to validate pod: []" for an authorized user', () => {
    const r = select([aPsp('r', RESTRICTIVE)], allowed('r'), aPod(), false);
    expect(r.message).toBe('pods "p" is forbidden: PodSecurityPolicy: unable to validate pod: []');
    expect(r.evaluations[0].verdict).toBe('mutation-not-allowed');
  });

  it('tries the PSP named by the kubernetes.io/psp hint first', () => {
    const pod = aPod({ annotations: { [PSP_ANNOTATION]: 'z' } });
    expect(select([aPsp('a', ALLOW_ALL), aPsp('z', ALLOW_ALL)], allowed('a', 'z'), pod, false).psp).toBe('z');
    expect(select([aPsp('a', ALLOW_ALL), aPsp('z', ALLOW_ALL)], allowed('a', 'z'), pod, true).psp).toBe('a');
  });
});

describe('pipeline steps before PSP', () => {
  it('hostNetwork defaults every hostPort to its containerPort, which PSP then checks', () => {
    const pod = applyApiDefaults(aPod({ spec: { hostNetwork: true }, container: { ports: [{ containerPort: 8080 }] } }));
    expect(pod.spec.containers[0].ports).toEqual([{ containerPort: 8080, hostPort: 8080 }]);
    const r = selectPolicy({ pod, namespace: 'default', psps: [aPsp('h', { ...RUN_AS_ANY, hostNetwork: true, hostPorts: [{ min: 80, max: 80 }] })], isAuthorized: allowed('h') });
    expect(r.errors).toEqual(['spec.containers[0].hostPort: Invalid value: 8080: Host port 8080 is not allowed to be used. Allowed ports: [80]']);
  });

  it('the ServiceAccount step defaults the account and injects the token projection that `secret` admits', () => {
    const pod = applyServiceAccountAdmission(applyApiDefaults(aPod()), { suffix: 'abcde' });
    expect(pod.spec.serviceAccountName).toBe('default');
    expect(pod.spec.volumes?.map((v) => v.name)).toEqual(['kube-api-access-abcde']);
    expect(pod.spec.containers[0].volumeMounts).toEqual([{ name: 'kube-api-access-abcde', readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }]);
    const r = selectPolicy({ pod, namespace: 'default', psps: [aPsp('s', { ...RUN_AS_ANY, volumes: ['secret'] })], isAuthorized: allowed('s') });
    expect(r.psp).toBe('s');
  });

  it('no token volume when automounting is off, or for a container that mounts the token path itself', () => {
    expect(applyServiceAccountAdmission(aPod({ spec: { automountServiceAccountToken: false } })).spec.volumes).toBeUndefined();
    expect(applyServiceAccountAdmission(aPod(), { serviceAccountAutomount: false }).spec.volumes).toBeUndefined();
    const own = aPod({ container: { volumeMounts: [{ name: 'mine', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] } });
    expect(applyServiceAccountAdmission(own).spec.volumes).toBeUndefined();
  });
});
