import { semanticEqual } from './diff';
import type { Container, ContainerSecurityContext, Pod, PodSecurityContext } from './pod';

/**
 * Effective security-context values (pkg/securitycontext/accessors.go): runAsUser, runAsGroup,
 * runAsNonRoot and seLinuxOptions fall back to the pod level; the rest is container-only. A setter
 * writes to the container only when the effective value differs, so a pod-level value that already
 * satisfies a PSP causes no mutation.
 */

type Inherited = 'runAsUser' | 'runAsGroup' | 'runAsNonRoot' | 'seLinuxOptions';

const isSet = <T,>(v: T | null | undefined): v is T => v !== undefined && v !== null;

export function podSecurityContext(pod: Pod): PodSecurityContext {
  return pod.spec.securityContext ?? {};
}

export function effective<K extends Inherited>(pod: Pod, c: Container, key: K): NonNullable<ContainerSecurityContext[K]> | undefined {
  const own = c.securityContext?.[key];
  if (isSet(own)) return own as NonNullable<ContainerSecurityContext[K]>;
  const fromPod = pod.spec.securityContext?.[key];
  return isSet(fromPod) ? (fromPod as NonNullable<ContainerSecurityContext[K]>) : undefined;
}

/** The container-only values. */
export function own<K extends keyof ContainerSecurityContext>(c: Container, key: K): NonNullable<ContainerSecurityContext[K]> | undefined {
  const v = c.securityContext?.[key];
  return isSet(v) ? (v as NonNullable<ContainerSecurityContext[K]>) : undefined;
}

/** Writes `key` on the container's security context (creating it only for a non-nil value). */
export function setOwn<K extends keyof ContainerSecurityContext>(c: Container, key: K, value: ContainerSecurityContext[K] | undefined): void {
  if (!c.securityContext && !isSet(value)) return;
  c.securityContext = c.securityContext ?? {};
  if (isSet(value)) c.securityContext[key] = value;
  else delete c.securityContext[key];
}

/** Sets an inherited value on the container only when the effective value differs from it. */
export function setEffective<K extends Inherited>(pod: Pod, c: Container, key: K, value: ContainerSecurityContext[K] | undefined): void {
  if (semanticEqual(effective(pod, c, key), value)) return;
  setOwn(c, key, value);
}

/** Writes a pod-level value, creating the pod security context only for a non-nil value. */
export function setPodLevel<K extends keyof PodSecurityContext>(pod: Pod, key: K, value: PodSecurityContext[K] | undefined): void {
  if (!pod.spec.securityContext && !isSet(value)) return;
  pod.spec.securityContext = pod.spec.securityContext ?? {};
  if (isSet(value)) pod.spec.securityContext[key] = value;
  else delete pod.spec.securityContext[key];
}
