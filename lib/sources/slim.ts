import { WORKLOAD_KINDS, type WorkloadKind } from '../model/types';
import type { RawObject } from './to-model';

/**
 * What the live cache keeps of an object as it arrives, like client-go's transform: on a cluster of
 * 150,000 pods the cache is most of the dashboard's memory, and most of an object is what no engine
 * reads.
 *
 * - Every kind loses `metadata.managedFields` (often half of an object).
 * - Pods and workload kinds also lose `status` (admission, the audit and the migration board read
 *   the spec and the metadata only) and the `kubectl.kubernetes.io/last-applied-configuration`
 *   annotation (a second copy of the object as applied).
 *
 * Policy objects (PSPs, RBAC, ServiceAccounts, Namespaces) keep their annotations: an edit of a PSP
 * writes back the metadata it was shown, and they are few.
 */

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

const WORKLOAD = new Set<string>(WORKLOAD_KINDS);

export function isWorkloadKind(kind: string | undefined): kind is WorkloadKind {
  return !!kind && WORKLOAD.has(kind);
}

/** Strips `obj` in place (it is fresh from JSON.parse) and returns it; `kind` when the object does not say it (a list's items). */
export function slimForCache(obj: RawObject, kind = obj.kind): RawObject {
  const meta = obj.metadata as { managedFields?: unknown; annotations?: Record<string, string> } | undefined;
  if (meta && 'managedFields' in meta) delete meta.managedFields;
  if (!isWorkloadKind(kind)) return obj;
  if ('status' in obj) delete obj.status;
  const annotations = meta?.annotations;
  if (annotations && LAST_APPLIED_ANNOTATION in annotations) {
    delete annotations[LAST_APPLIED_ANNOTATION];
    if (Object.keys(annotations).length === 0) delete meta!.annotations;
  }
  return obj;
}
