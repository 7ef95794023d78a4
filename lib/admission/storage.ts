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

export function applySeccompVersionSkew(input: Pod): Pod {
  const pod = clonePod(input);
  const annotations = { ...(pod.metadata.annotations ?? {}) };
  let touched = false;
  const podField = pod.spec.securityContext?.seccompProfile;
  const podAnnotation = annotations[SECCOMP_POD_ANNOTATION];
  if (podField && podAnnotation === undefined) {
    const value = seccompAnnotationForField(podField);
    if (value) {
      annotations[SECCOMP_POD_ANNOTATION] = value;
      touched = true;
    }
  } else if (podAnnotation !== undefined && !podField) {
    const field = seccompFieldForAnnotation(podAnnotation);
    if (field) pod.spec.securityContext = { ...(pod.spec.securityContext ?? {}), seccompProfile: field };
  }
  for (const c of [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? []), ...(pod.spec.ephemeralContainers ?? [])]) {
    const key = SECCOMP_CONTAINER_ANNOTATION_PREFIX + c.name;
    const field = c.securityContext?.seccompProfile;
    const annotation = annotations[key];
    if (field && annotation === undefined) {
      const value = seccompAnnotationForField(field);
      if (value) {
        annotations[key] = value;
        touched = true;
      }
    } else if (annotation !== undefined && !field) {
      const f = seccompFieldForAnnotation(annotation);
      if (f) c.securityContext = { ...(c.securityContext ?? {}), seccompProfile: f };
    }
  }
  if (touched) pod.metadata.annotations = annotations;
  return pod;
}
