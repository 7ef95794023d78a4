/**
 * A pod manifest as the PodSecurity plugin of a given server sees it. The plugin validates the pod
 * after API defaulting and after the pod strategy's PrepareForCreate, so a raw manifest (one that
 * was never sent to the server) must go through the same steps before evaluatePod. Pods read back
 * from a cluster already have: evaluate those as they are.
 *
 * Proven for v1.24 and v1.37 by integration/pss-agreement.test.ts (the engine on the manifest passed
 * through this function agrees with the server as on the server's own copy). For servers in between
 * the boundaries are the features' default-on releases and are not checked against a server.
 */
import { applyApiDefaults } from '../admission/api-defaults';
import { applySeccompVersionSkew } from '../admission/storage';
import { cloneJson, type Container, type Pod } from '../admission/pod';
import { NEWEST_KNOWN_MINOR } from './version';

const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function appArmorFieldForAnnotation(value: string): { type: string; localhostProfile?: string } | undefined {
  if (value === 'runtime/default') return { type: 'RuntimeDefault' };
  if (value === 'unconfined') return { type: 'Unconfined' };
  if (value.startsWith('localhost/') && value.length > 'localhost/'.length) return { type: 'Localhost', localhostProfile: value.slice('localhost/'.length) };
  return undefined;
}

function sameProfile(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

export function normalizeForServer(input: Pod, serverMinor: number = NEWEST_KNOWN_MINOR): Pod {
  let pod = applyApiDefaults(cloneJson(input));
  const containers = (): Container[] => [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? []), ...(pod.spec.ephemeralContainers ?? [])];
  // Fields the server does not know, or drops while their feature gate is off by default.
  if (serverMinor < 33) delete pod.spec.hostUsers; // UserNamespacesSupport on by default from v1.33
  if (serverMinor < 30) {
    // appArmorProfile fields arrived in v1.30
    if (pod.spec.securityContext) delete pod.spec.securityContext.appArmorProfile;
    for (const c of containers()) if (c.securityContext) delete c.securityContext.appArmorProfile;
  }
  if (serverMinor <= 24) {
    // ProcMountType is alpha (off) there: the field is dropped
    for (const c of containers()) if (c.securityContext) delete c.securityContext.procMount;
    // seccomp: field and annotation are kept in step (v1.19–v1.24 pod strategy)
    pod = applySeccompVersionSkew(pod);
  }
  if (serverMinor >= 30 && (pod.spec.os as { name?: string } | undefined)?.name !== 'windows') {
    // v1.30+: an AppArmor annotation without its container field becomes the field, unless it
    // equals the pod-level profile.
    const podProfile = pod.spec.securityContext?.appArmorProfile;
    const annotations = pod.metadata.annotations ?? {};
    for (const c of containers()) {
      const key = APPARMOR_ANNOTATION_PREFIX + c.name;
      if (!Object.prototype.hasOwnProperty.call(annotations, key)) continue;
      if (c.securityContext?.appArmorProfile) continue;
      const field = appArmorFieldForAnnotation(annotations[key]);
      if (field && !sameProfile(field, podProfile)) c.securityContext = { ...(c.securityContext ?? {}), appArmorProfile: field };
    }
  }
  return pod;
}
