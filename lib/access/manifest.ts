import type { Pod } from '../admission/pod';
import { WORKLOAD_KINDS, type Workload } from '../model/types';
import type { SimulatedWorkload } from './simulate-workload';

/**
 * What a user pastes into the simulator, turned into what admission sees: a Pod, any pod-creating
 * workload (its pod template), a PodTemplate, or a bare template `{metadata?, spec}`.
 */

export type Manifest = Record<string, unknown> & { kind?: string; metadata?: Record<string, unknown>; spec?: Record<string, unknown> };

export type ManifestInput =
  | { ok: true; workload: SimulatedWorkload }
  | { ok: false; error: string };

const KINDS = [...WORKLOAD_KINDS, 'ReplicationController'] as const;

export function workloadFromManifest(m: Manifest, namespace?: string): ManifestInput {
  const meta = (m.metadata ?? {}) as unknown as Workload['metadata'];
  const ns = namespace ?? meta.namespace ?? 'default';
  const name = meta.name ?? (meta as { generateName?: string }).generateName ?? 'simulated';
  if (m.kind === 'PodTemplate') {
    const template = (m as { template?: { metadata?: Record<string, unknown>; spec?: Record<string, unknown> } }).template;
    if (!template?.spec) return { ok: false, error: 'A PodTemplate needs template.spec' };
    // A PodTemplate has no controller of its own: its pods are created by the requester.
    return { ok: true, workload: { apiVersion: 'v1', kind: 'Pod', metadata: { ...(template.metadata ?? {}), name, namespace: ns }, spec: template.spec } };
  }
  if (m.kind === undefined) {
    if (!m.spec || !Array.isArray((m.spec as { containers?: unknown }).containers)) return { ok: false, error: 'Give a Pod, a workload, or a pod template with spec.containers' };
    // A bare template is created by nobody in particular: treat it as a Pod of the given requester.
    return { ok: true, workload: { apiVersion: 'v1', kind: 'Pod', metadata: { ...meta, name, namespace: ns }, spec: m.spec } };
  }
  if (!(KINDS as readonly string[]).includes(m.kind)) return { ok: false, error: `Cannot simulate a ${m.kind}; give a Pod, a workload (${KINDS.join(', ')}) or a PodTemplate` };
  if (!m.spec) return { ok: false, error: `The ${m.kind} has no spec` };
  return { ok: true, workload: { apiVersion: String(m.apiVersion ?? ''), kind: m.kind as SimulatedWorkload['kind'], metadata: { ...meta, name, namespace: ns }, spec: m.spec } };
}

/** The containers of a simulated pod, to reject a template with none before simulating. */
export function hasContainers(pod: Pod): boolean {
  return Array.isArray(pod.spec?.containers) && pod.spec.containers.length > 0;
}
