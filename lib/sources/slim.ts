import { WORKLOAD_KINDS, type WorkloadKind } from '../model/types';
import { shareFields } from './shared-values';
import type { RawObject } from './to-model';

/**
 * What the live cache keeps of an object as it arrives, like client-go's transform: on a cluster of
 * 150,000 pods the cache is most of the dashboard's memory, and most of an object is what no engine
 * reads.
 *
 * - Every kind loses `metadata.managedFields` (often half of an object). What loses a field is
 *   copied without it, not deleted from: V8 makes an object that loses a property other than its
 *   last a dictionary (a pod's metadata: 370 bytes more, 53 MiB at 150,000 pods).
 * - Pods and workload kinds also lose `status` (admission, the audit and the migration board read
 *   the spec and the metadata only) and the `kubectl.kubernetes.io/last-applied-configuration`
 *   annotation (a second copy of the object as applied).
 *
 * - Their containers (in the pod spec or the pod template) lose the fields that neither PSP
 *   admission nor the Pod Security Standards read: env, resources, command and the like (the
 *   workload simulator ignores the same list). No plan writes a workload back, so nothing is lost
 *   on the cluster's side.
 *
 * - What the pods of one controller hold alike (labels, owner references, annotations, security
 *   contexts, tolerations, volume sources, probes…) is one shared frozen copy (shared-values.ts).
 *
 * Policy objects (PSPs, RBAC, ServiceAccounts, Namespaces) keep their annotations: an edit of a PSP
 * writes back the metadata it was shown, and they are few.
 */

/** Metadata fields equal across a controller's pods. */
const SHARED_METADATA = ['labels', 'annotations', 'ownerReferences'];
/** Pod spec fields equal across a controller's pods (never per-pod names: the token volume's is random). */
const SHARED_POD_FIELDS = ['securityContext', 'tolerations', 'affinity', 'nodeSelector', 'dnsConfig', 'imagePullSecrets', 'readinessGates', 'topologySpreadConstraints', 'hostAliases'];
const SHARED_CONTAINER_FIELDS = ['securityContext', 'ports', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle'];

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

const WORKLOAD = new Set<string>(WORKLOAD_KINDS);

export function isWorkloadKind(kind: string | undefined): kind is WorkloadKind {
  return !!kind && WORKLOAD.has(kind);
}

/** Strips `obj` in place (it is fresh from JSON.parse; its metadata may become a copy) and returns it; `kind` when the object does not say it (a list's items). */
export function slimForCache(obj: RawObject, kind = obj.kind): RawObject {
  let meta = obj.metadata as { managedFields?: unknown; annotations?: Record<string, string> } | undefined;
  if (meta && 'managedFields' in meta) {
    // A copy without it rather than a deletion: deleting a property other than the last makes the
    // object a dictionary (every object the API server wrote has managedFields in its middle).
    const { managedFields: _managedFields, ...kept } = meta;
    obj.metadata = meta = kept;
  }
  if (!isWorkloadKind(kind)) return obj;
  if ('status' in obj) delete obj.status;
  const annotations = meta?.annotations;
  if (meta && annotations && LAST_APPLIED_ANNOTATION in annotations) {
    // Copies again, for the same reason.
    const { [LAST_APPLIED_ANNOTATION]: _lastApplied, ...rest } = annotations;
    if (Object.keys(rest).length > 0) meta.annotations = rest;
    else {
      const { annotations: _annotations, ...withoutAnnotations } = meta;
      obj.metadata = meta = withoutAnnotations;
    }
  }
  if (meta) shareFields(meta as Record<string, unknown>, SHARED_METADATA);
  const podSpec = podSpecOf(obj, kind);
  if (podSpec) {
    for (const field of ['containers', 'initContainers', 'ephemeralContainers'] as const) {
      const list = podSpec[field];
      if (Array.isArray(list)) podSpec[field] = list.map(slimContainer);
    }
    shareFields(podSpec as Record<string, unknown>, SHARED_POD_FIELDS);
    // A volume's source (the token volume's projection, a config map…), not its name.
    const volumes = (podSpec as { volumes?: unknown }).volumes;
    if (Array.isArray(volumes)) for (const v of volumes) if (v && typeof v === 'object') shareFields(v as Record<string, unknown>, Object.keys(v).filter((k) => k !== 'name'));
  }
  return obj;
}

type PodSpecLike = Partial<Record<'containers' | 'initContainers' | 'ephemeralContainers', unknown>>;

/** The pod spec of a pod, or the pod template's of a workload kind. */
function podSpecOf(obj: RawObject, kind: string): PodSpecLike | undefined {
  type Spec = { template?: { spec?: PodSpecLike }; jobTemplate?: { spec?: { template?: { spec?: PodSpecLike } } } } & PodSpecLike;
  const spec = obj.spec as Spec | undefined;
  if (!spec || typeof spec !== 'object') return undefined;
  if (kind === 'Pod') return spec;
  if (kind === 'CronJob') return spec.jobTemplate?.spec?.template?.spec;
  return spec.template?.spec;
}

/**
 * A container without what no engine reads. Copied rather than deleted from: an object that loses
 * properties other than its last becomes a dictionary, slower and larger than the copy.
 */
function slimContainer(c: unknown): unknown {
  if (!c || typeof c !== 'object') return c;
  const {
    env: _env, envFrom: _envFrom, resources: _resources, resizePolicy: _resizePolicy, command: _command, args: _args, workingDir: _workingDir,
    terminationMessagePath: _tmp, terminationMessagePolicy: _tmpol, imagePullPolicy: _pull, ...kept
  } = c as Record<string, unknown>;
  shareFields(kept, SHARED_CONTAINER_FIELDS);
  return kept;
}
