import { clonePod, type Pod, type SeccompProfile } from './pod';

/**
 * What the API server changes after admission, before it stores a new pod (v1.19–v1.24, the
 * pod strategy's PrepareForCreate, `applySeccompVersionSkew` in pkg/registry/core/pod/strategy.go):
 * the seccomp field and the deprecated annotation are kept in step, for the pod and for every
 * container (init and ephemeral ones too). A field without its annotation gets the annotation; an
 * annotation without its field gets the field; when both are there, neither changes. So the pod
 * PSP admits is not quite the pod that is stored, and a simulation must show the stored one.
 */
export const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
export const SECCOMP_CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

/** The annotation value a field stands for; '' when it has none (Localhost without a profile, an unknown type). */
export function seccompAnnotationForField(field: SeccompProfile): string {
  switch (field.type) {
    case 'Unconfined':
      return 'unconfined';
    case 'RuntimeDefault':
      return 'runtime/default';
    case 'Localhost':
      return field.localhostProfile !== undefined && field.localhostProfile !== null ? `localhost/${field.localhostProfile}` : '';
    default:
      return '';
  }
}

/** The field an annotation value stands for, or undefined (an empty localhost name, an unknown value). */
export function seccompFieldForAnnotation(annotation: string): SeccompProfile | undefined {
  if (annotation === 'unconfined') return { type: 'Unconfined' };
  if (annotation === 'runtime/default' || annotation === 'docker/default') return { type: 'RuntimeDefault' };
  if (annotation.startsWith('localhost/') && annotation.length > 'localhost/'.length) return { type: 'Localhost', localhostProfile: annotation.slice('localhost/'.length) };
  return undefined;
}

/** One field/annotation pair kept in step: what to add, if anything (both present: nothing). */
function skew(field: SeccompProfile | null | undefined, annotation: string | undefined): { annotation?: string; field?: SeccompProfile } {
  if (field && annotation === undefined) {
    const value = seccompAnnotationForField(field);
    return value ? { annotation: value } : {};
  }
  if (annotation !== undefined && !field) {
    const f = seccompFieldForAnnotation(annotation);
    return f ? { field: f } : {};
  }
  return {};
}

export function applySeccompVersionSkew(input: Pod): Pod {
  const pod = clonePod(input);
  const annotations = { ...(pod.metadata.annotations ?? {}) };
  let touched = false;
  const podSkew = skew(pod.spec.securityContext?.seccompProfile, annotations[SECCOMP_POD_ANNOTATION]);
  if (podSkew.annotation) {
    annotations[SECCOMP_POD_ANNOTATION] = podSkew.annotation;
    touched = true;
  }
  if (podSkew.field) pod.spec.securityContext = { ...(pod.spec.securityContext ?? {}), seccompProfile: podSkew.field };
  for (const c of [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? []), ...(pod.spec.ephemeralContainers ?? [])]) {
    const key = SECCOMP_CONTAINER_ANNOTATION_PREFIX + c.name;
    const cSkew = skew(c.securityContext?.seccompProfile, annotations[key]);
    if (cSkew.annotation) {
      annotations[key] = cSkew.annotation;
      touched = true;
    }
    if (cSkew.field) c.securityContext = { ...(c.securityContext ?? {}), seccompProfile: cSkew.field };
  }
  if (touched) pod.metadata.annotations = annotations;
  return pod;
}
