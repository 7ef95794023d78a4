import { AppError, describePermission, type MissingPermission } from '../../errors';
import type { KubeResponse } from './connection';

/** The API server's `Status` body, as far as we read it. Never forward the raw response. */
export interface KubeStatus {
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; group?: string; causes?: { field?: string; message?: string; reason?: string }[] };
}

export function parseStatus(body: string): KubeStatus {
  try {
    const v = JSON.parse(body);
    return v && typeof v === 'object' ? (v as KubeStatus) : {};
  } catch {
    return {};
  }
}

/**
 * An HTTP error of the API server as an AppError with its meaning. `permission` is what the request
 * needed, so that a 403 can say which verb on which resource is missing.
 */
export function kubeError(res: KubeResponse, what: string, permission?: MissingPermission): AppError {
  const status = parseStatus(res.body);
  const serverMessage = status.message ?? (res.body.slice(0, 200) || `HTTP ${res.status}`);
  switch (res.status) {
    case 401:
      return new AppError('unauthorized', `The API server rejected the credentials while trying to ${what}: they are missing, invalid or expired.`, {
        hint: 'Refresh your credentials (log in again, or renew the token in your kubeconfig), then reload.',
      });
    case 403:
      return new AppError('forbidden', `Forbidden to ${what}${permission ? `: the identity lacks "${describePermission(permission)}"` : ''}. The API server said: ${serverMessage}`, {
        missing: permission ? [permission] : undefined,
        hint: permission
          ? `Grant it, e.g. a ClusterRole with rule {apiGroups: ["${permission.group}"], resources: ["${permission.resource}"], verbs: ["${permission.verb}"]} bound to this identity.`
          : undefined,
      });
    case 404:
      return new AppError('not_found', `Not found while trying to ${what}: ${serverMessage}`);
    case 409:
      return new AppError('conflict', `Conflict while trying to ${what}: ${serverMessage}`);
    case 400:
    case 422:
      return new AppError('invalid', `The API server refused to ${what}: ${serverMessage}`, {
        causes: status.details?.causes?.map((c) => ({ field: c.field, message: c.message })),
      });
    default:
      if (res.status >= 500 || res.status === 0) {
        return new AppError('unreachable', `The API server failed to ${what} (HTTP ${res.status}): ${serverMessage}`);
      }
      return new AppError('internal', `Unexpected HTTP ${res.status} while trying to ${what}: ${serverMessage}`);
  }
}
