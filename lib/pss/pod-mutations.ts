/**
 * The mutation check on running pods: for each pod a controller created, the security fields its
 * PSP set that its owner's template does not (any owner kind: a Deployment's ReplicaSet, a
 * StatefulSet, a DaemonSet, a Job or CronJob, a ReplicationController), with the template field that
 * keeps each once PSP is gone. Pure: the pods and workloads as the API server stores them.
 *
 * Only what PSP writes is compared: the pod's and each container's securityContext (containers by
 * name), and the seccomp/AppArmor profile annotations. API defaulting and the ServiceAccount
 * plugin touch neither, and the seccomp field ↔ annotation sync of the pod strategy is not a change
 * (either form in the template counts as set).
 */
import type { Workload } from '../model/types';
import { sharedValue } from '../sources/shared-values';
import { podTemplateOf } from './evaluate';

/** Where a pod field lives in a workload of this kind. */
export function templatePathOf(kind: string, podPath: string): string {
  const prefix = kind === 'Pod' ? '' : kind === 'CronJob' ? 'spec.jobTemplate.spec.template.' : 'spec.template.';
  return prefix + podPath;
}

const SECCOMP_TYPES: Record<string, string> = { 'runtime/default': 'RuntimeDefault', 'docker/default': 'RuntimeDefault', unconfined: 'Unconfined' };

/**
 * The pod's seccomp annotation as the field it stands for (`spec.securityContext.seccompProfile.type`):
 * PSP writes the annotation, the API server keeps the field in step (v1.19–v1.26), and the field is
 * what a template should set (the annotation is ignored from v1.27). Anything else is returned as is.
 */
export function asSeccompField<T extends { path: string; value: unknown }>(c: T): T {
  if (c.path !== `metadata.annotations[${SECCOMP_POD}]` || typeof c.value !== 'string') return c;
  const type = SECCOMP_TYPES[c.value] ?? (c.value.startsWith('localhost/') ? 'Localhost' : undefined);
  return type ? { ...c, path: 'spec.securityContext.seccompProfile.type', value: type } : c;
}

/** One entry per path (the annotation and its field are one setting). */
export function onePerPath<T extends { path: string }>(changes: T[]): T[] {
  const seen = new Set<string>();
  return changes.filter((c) => !seen.has(c.path) && !!seen.add(c.path));
}

export interface PodChange {
  /** In the pod: `spec.containers[app].securityContext.runAsUser`, `metadata.annotations[…]`. */
  path: string;
  value: unknown;
  /** What the template says (undefined: unset). */
  template?: unknown;
  /** Where to set it in the top-level owner (`spec.template.spec.containers[0].securityContext.runAsUser`). */
  templatePath: string;
}

export interface PodMutation {
  namespace: string;
  pod: string;
  /** The top-level owner: `Deployment/web`. */
  owner: string;
  /** `kubernetes.io/psp` of the pod: the PSP that admitted it. */
  psp?: string;
  changes: PodChange[];
}

const SECCOMP_POD = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER = 'container.seccomp.security.alpha.kubernetes.io/';
const APPARMOR = 'container.apparmor.security.beta.kubernetes.io/';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Leaves of `pod` that `template` lacks or holds otherwise. */
function diffLeaves(pod: unknown, template: unknown, path: string, out: { path: string; value: unknown; template?: unknown }[]) {
  if (isObj(pod)) {
    for (const [k, v] of Object.entries(pod)) diffLeaves(v, isObj(template) ? template[k] : undefined, `${path}.${k}`, out);
    return;
  }
  if (JSON.stringify(pod) !== JSON.stringify(template)) out.push({ path, value: pod, ...(template !== undefined ? { template } : {}) });
}

export function runningPodMutations(workloads: readonly Workload[]): PodMutation[] {
  // Owners only: a pod owns nothing, and 150,000 pods' keys made this map most of the work.
  const byKey = new Map<string, Workload>();
  for (const w of workloads) if (w.kind !== 'Pod') byKey.set(`${w.kind}/${w.metadata.namespace ?? ''}/${w.metadata.name}`, w);
  const ownerOf = (w: Workload) => {
    const ref = (w.metadata.ownerReferences ?? []).find((o) => o.controller);
    return ref ? byKey.get(`${ref.kind}/${w.metadata.namespace ?? ''}/${ref.name}`) : undefined;
  };
  const out: PodMutation[] = [];
  for (const pod of workloads) {
    if (pod.kind !== 'Pod') continue;
    const owner = ownerOf(pod);
    const template = owner ? podTemplateOf(owner as never) : undefined;
    if (!owner || !template) continue;
    let top = owner;
    for (let up = ownerOf(top); up; up = ownerOf(top)) top = up;
    // Kept per pod object while its owner and top owner are the same objects: after a pod event
    // only the new pod is compared (the live cache keeps unchanged objects as they are).
    let kept = checked.get(pod);
    if (!kept || kept.owner !== owner || kept.top !== top) checked.set(pod, (kept = { owner, top, found: podMutationOf(pod, template, top) }));
    if (kept.found) out.push(kept.found);
  }
  return out;
}

const checked = new WeakMap<Workload, { owner: Workload; top: Workload; found: PodMutation | undefined }>();

/** What the PSP set in one running pod that its owner's template does not, or undefined. */
function podMutationOf(pod: Workload, template: NonNullable<ReturnType<typeof podTemplateOf>>, top: Workload): PodMutation | undefined {
  const index = new Map<string, number>();
  const tSpec = (template.spec ?? {}) as Obj;
  const pSpec = (pod.spec ?? {}) as Obj;
  const raw: { path: string; value: unknown; template?: unknown; tpath: string }[] = [];
  const add = (found: { path: string; value: unknown; template?: unknown }[], tpath: (p: string) => string) => found.forEach((f) => raw.push({ ...f, tpath: tpath(f.path) }));
  const podLevel: { path: string; value: unknown; template?: unknown }[] = [];
  diffLeaves(pSpec.securityContext, tSpec.securityContext, 'spec.securityContext', podLevel);
  add(podLevel, (p) => p);
  for (const list of ['initContainers', 'containers'] as const) {
    const tcs = Array.isArray(tSpec[list]) ? (tSpec[list] as Obj[]) : [];
    tcs.forEach((c, i) => index.set(`${list}/${String(c.name)}`, i));
    for (const c of Array.isArray(pSpec[list]) ? (pSpec[list] as Obj[]) : []) {
      const i = index.get(`${list}/${String(c.name)}`);
      if (i === undefined) continue;
      const found: { path: string; value: unknown; template?: unknown }[] = [];
      diffLeaves(c.securityContext, tcs[i].securityContext, `spec.${list}[${String(c.name)}].securityContext`, found);
      add(found, (p) => p.replace(`spec.${list}[${String(c.name)}]`, `spec.${list}[${i}]`));
    }
  }
  const pAnn = (pod.metadata.annotations ?? {}) as Record<string, string>;
  const tAnn = ((template.metadata as { annotations?: Record<string, string> } | undefined)?.annotations ?? {}) as Record<string, string>;
  for (const [k, v] of Object.entries(pAnn)) {
    if (!(k === SECCOMP_POD || k.startsWith(SECCOMP_CONTAINER) || k.startsWith(APPARMOR)) || tAnn[k] === v) continue;
    raw.push({ path: `metadata.annotations[${k}]`, value: v, ...(tAnn[k] !== undefined ? { template: tAnn[k] } : {}), tpath: `metadata.annotations[${k}]` });
  }
  // The seccomp field and its annotation are one setting: set in the template in either form, it is no change.
  const templateHasSeccomp = (container?: string) => {
    if (container === undefined) return !!tAnn[SECCOMP_POD] || !!(tSpec.securityContext as Obj | undefined)?.seccompProfile;
    const c = (tSpec.containers as Obj[] | undefined)?.find((x) => x.name === container);
    return !!tAnn[SECCOMP_CONTAINER + container] || !!(c?.securityContext as Obj | undefined)?.seccompProfile;
  };
  const kept = raw.filter((r) => {
    if (r.path === `metadata.annotations[${SECCOMP_POD}]` || r.path.startsWith('spec.securityContext.seccompProfile')) return !templateHasSeccomp();
    const ann = r.path.startsWith(`metadata.annotations[${SECCOMP_CONTAINER}`) ? r.path.slice(`metadata.annotations[${SECCOMP_CONTAINER}`.length, -1) : undefined;
    const field = /^spec\.containers\[([^\]]+)\]\.securityContext\.seccompProfile/.exec(r.path)?.[1];
    if (ann !== undefined || field !== undefined) return !templateHasSeccomp(ann ?? field);
    return true;
  });
  const changes = onePerPath(kept.map((r) => {
    const f = asSeccompField(r);
    return f === r ? r : { ...f, tpath: f.path, template: undefined };
  }));
  if (changes.length === 0) return undefined;
  return {
    namespace: pod.metadata.namespace ?? 'default', pod: pod.metadata.name, owner: ownerName(top),
    psp: pAnn['kubernetes.io/psp'],
    // One list per distinct set of changes, shared by the pods that have it (a ReplicaSet's pods get
    // the same changes from their PSP: 150,000 pods' copies were well over 100 MiB kept).
    changes: sharedValue(changes.map((c) => ({ path: c.path, value: c.value, ...(c.template !== undefined ? { template: c.template } : {}), templatePath: templatePathOf(top.kind, c.tpath) }))),
  };
}

const ownerNames = new WeakMap<Workload, string>();
const ownerName = (top: Workload): string => {
  let name = ownerNames.get(top);
  if (name === undefined) ownerNames.set(top, (name = `${top.kind}/${top.metadata.name}`));
  return name;
};

