import type { Pod } from '../admission/pod';
import { WORKLOAD_KINDS, type Workload } from '../model/types';
import { MAX_MANIFEST_DEPTH, metadataShapeErrors, podShapeErrors, tooDeep } from '../validation/pod-shape';

/**
 * What a user pastes into the simulator, turned into what admission sees: a Pod, any pod-creating
 * workload (its pod template), a PodTemplate, or a bare template `{metadata?, spec}`. Its shape is
 * checked first (lib/validation/pod-shape.ts): the engine only ever sees fields of the types the API
 * server would decode, and an error names the field as written (`spec.template.spec.containers[0]`).
 */

export type Manifest = Record<string, unknown> & { kind?: string; metadata?: Record<string, unknown>; spec?: Record<string, unknown> };

export type ManifestInput =
  | { ok: true; workload: Workload }
  | { ok: false; error: string };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Where a workload kind keeps its pod template. */
function templatePath(kind: string): string[] {
  return kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template'] : ['spec', 'template'];
}

/** The template at `path`, or the first step of it that is missing or not an object. */
function lookUp(m: Record<string, unknown>, path: string[]): { template: unknown } | { missing: string; value: unknown } {
  let v: unknown = m;
  for (let i = 0; i < path.length; i++) {
    v = (v as Record<string, unknown>)[path[i]];
    if (i < path.length - 1 && !isObject(v)) return { missing: path.slice(0, i + 1).join('.'), value: v };
  }
  return { template: v };
}

export function workloadFromManifest(m: Manifest, namespace?: string): ManifestInput {
  const deep = tooDeep(m);
  if (deep) return { ok: false, error: `${deep}: nested deeper than ${MAX_MANIFEST_DEPTH} levels` };
  const metaError = metadataShapeErrors(m.metadata);
  if (metaError) return { ok: false, error: metaError };
  const meta = (m.metadata ?? {}) as unknown as Workload['metadata'];
  const ns = namespace ?? meta.namespace ?? 'default';
  const name = meta.name ?? (meta as { generateName?: string }).generateName ?? 'simulated';
  if (m.kind === 'PodTemplate') {
    const template = (m as { template?: { metadata?: Record<string, unknown>; spec?: Record<string, unknown> } }).template;
    if (!isObject(template) || !template.spec) return { ok: false, error: 'A PodTemplate needs template.spec' };
    const shape = podShapeErrors(template, 'template');
    if (shape) return { ok: false, error: shape };
    // A PodTemplate has no controller of its own: its pods are created by the requester.
    return { ok: true, workload: { apiVersion: 'v1', kind: 'Pod', metadata: { ...(template.metadata ?? {}), name, namespace: ns }, spec: template.spec } };
  }
  if (m.kind === undefined) {
    if (!isObject(m.spec) || !Array.isArray((m.spec as { containers?: unknown }).containers)) return { ok: false, error: 'Give a Pod, a workload, or a pod template with spec.containers' };
    const shape = podShapeErrors(m);
    if (shape) return { ok: false, error: shape };
    // A bare template is created by nobody in particular: treat it as a Pod of the given requester.
    return { ok: true, workload: { apiVersion: 'v1', kind: 'Pod', metadata: { ...meta, name, namespace: ns }, spec: m.spec } };
  }
  if (!(WORKLOAD_KINDS as readonly string[]).includes(m.kind)) return { ok: false, error: `Cannot simulate a ${m.kind}; give a Pod, a workload (${WORKLOAD_KINDS.join(', ')}) or a PodTemplate` };
  if (!m.spec) return { ok: false, error: `The ${m.kind} has no spec` };
  if (!isObject(m.spec)) return { ok: false, error: 'spec: expected an object' };
  if (m.kind === 'Pod') {
    const shape = podShapeErrors(m);
    if (shape) return { ok: false, error: shape };
  } else {
    const path = templatePath(m.kind);
    const found = lookUp(m, path);
    if ('missing' in found) return { ok: false, error: `${found.missing}: ${found.value === undefined || found.value === null ? 'Required value' : 'expected an object'}` };
    if (!isObject(found.template)) return { ok: false, error: `${path.join('.')}: ${found.template === undefined || found.template === null ? 'Required value' : 'expected an object'}` };
    const shape = podShapeErrors(found.template, path.join('.'));
    if (shape) return { ok: false, error: shape };
  }
  return { ok: true, workload: { apiVersion: String(m.apiVersion ?? ''), kind: m.kind as Workload['kind'], metadata: { ...meta, name, namespace: ns }, spec: m.spec } };
}

/** The containers of a simulated pod, to reject a template with none before simulating. */
export function hasContainers(pod: Pod): boolean {
  return Array.isArray(pod.spec?.containers) && pod.spec.containers.length > 0;
}
