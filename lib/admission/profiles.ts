import type { Container, Pod, SeccompProfile } from './pod';
import { forbidden, type FieldError } from './field-error';
import type { Strategies } from './strategies';

/** Seccomp (annotations, with the 1.19+ field translation) and AppArmor (annotations only). */

export const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
export const SECCOMP_CONTAINER_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';
export const APPARMOR_CONTAINER_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/** The annotation form of a seccompProfile field. */
export function seccompAnnotationForField(p: SeccompProfile): string {
  switch (p.type) {
    case 'RuntimeDefault':
      return 'runtime/default';
    case 'Unconfined':
      return 'unconfined';
    case 'Localhost':
      return p.localhostProfile ? `localhost/${p.localhostProfile}` : '';
    default:
      return '';
  }
}

const annotations = (pod: Pod) => pod.metadata.annotations ?? {};

/** The pod profile: existing annotation ‖ translated pod field ‖ the PSP default. */
export function generateSeccomp(st: Strategies, pod: Pod): string {
  const a = annotations(pod)[SECCOMP_POD_ANNOTATION];
  if (a) return a;
  const field = pod.spec.securityContext?.seccompProfile;
  if (field) return seccompAnnotationForField(field);
  return st.seccomp.defaultProfile;
}

function seccompAllowed(st: Strategies, profile: string): boolean {
  const allowedCount = st.seccomp.allowed?.size ?? 0;
  // No list at all: an unset profile is the runtime's default, which is always fine.
  if (allowedCount === 0 && profile === '') return true;
  return st.seccomp.allowAny || (st.seccomp.allowed?.has(profile) ?? false);
}

function validateSeccompProfile(st: Strategies, path: string, profile: string): FieldError[] {
  const allowedCount = st.seccomp.allowed?.size ?? 0;
  if (!st.seccomp.allowAny && allowedCount === 0 && profile !== '') return [forbidden(path, 'seccomp may not be set')];
  if (!seccompAllowed(st, profile)) {
    return [forbidden(path, `${profile} is not an allowed seccomp profile. Valid values are ${st.seccomp.allowedText}`)];
  }
  return [];
}

export function validatePodSeccomp(st: Strategies, pod: Pod): FieldError[] {
  let profile = annotations(pod)[SECCOMP_POD_ANNOTATION] ?? '';
  const field = pod.spec.securityContext?.seccompProfile;
  if (profile === '' && field) profile = seccompAnnotationForField(field);
  return validateSeccompProfile(st, `pod.metadata.annotations[${SECCOMP_POD_ANNOTATION}]`, profile);
}

/** Container profile: its field → its annotation → the pod field → the pod annotation. */
export function containerSeccompProfile(pod: Pod, c: Container): string {
  const own = c.securityContext?.seccompProfile;
  if (own) return seccompAnnotationForField(own);
  const a = annotations(pod);
  const key = SECCOMP_CONTAINER_PREFIX + c.name;
  if (key in a) return a[key];
  const podField = pod.spec.securityContext?.seccompProfile;
  if (podField) return seccompAnnotationForField(podField);
  return a[SECCOMP_POD_ANNOTATION] ?? '';
}

export function validateContainerSeccomp(st: Strategies, pod: Pod, c: Container): FieldError[] {
  return validateSeccompProfile(st, `pod.metadata.annotations[${SECCOMP_CONTAINER_PREFIX}${c.name}]`, containerSeccompProfile(pod, c));
}

/** Adds the PSP's default AppArmor profile for a container that has none. */
export function generateAppArmor(st: Strategies, pod: Pod, c: Container): void {
  const key = APPARMOR_CONTAINER_PREFIX + c.name;
  if (annotations(pod)[key]) return;
  if (!st.appArmor.defaultProfile) return;
  pod.metadata.annotations = { ...annotations(pod), [key]: st.appArmor.defaultProfile };
}

export function validateAppArmor(st: Strategies, pod: Pod, c: Container): FieldError[] {
  const allowed = st.appArmor.allowed;
  if (!allowed) return [];
  const path = `pod.metadata.annotations[${APPARMOR_CONTAINER_PREFIX}${c.name}]`;
  const profile = annotations(pod)[APPARMOR_CONTAINER_PREFIX + c.name] ?? '';
  // The empty-profile check comes before the lookup, so a trailing comma does not allow "unset".
  if (profile === '') return allowed.size > 0 ? [forbidden(path, 'AppArmor profile must be set')] : [];
  if (!allowed.has(profile)) {
    return [forbidden(path, `${profile} is not an allowed profile. Allowed values: ${JSON.stringify(st.appArmor.allowedText)}`)];
  }
  return [];
}
