/**
 * One error vocabulary across the server, the wire and the browser. The HTTP status is derived from
 * the code in one place (app/api/_http/respond.ts); messages are written for a platform admin.
 */
export const ERROR_CODES = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  read_only: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  unreachable: 503,
  not_ready: 503,
  source_error: 500,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface MissingPermission {
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
}

export interface ErrorDetails {
  /** For forbidden: the permissions the identity lacks, as verb/resource pairs. */
  missing?: MissingPermission[];
  /** What the user can do about it. */
  hint?: string;
  [k: string]: unknown;
}

export class AppError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly details?: ErrorDetails,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return ERROR_CODES[this.code];
  }

  toJSON() {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}

/**
 * By shape, not instanceof: the bundler may load this module once per server chunk, and an error
 * thrown by one copy of the class must still be recognised by another.
 */
export function isAppError(e: unknown): e is AppError {
  if (e instanceof AppError) return true;
  const x = e as { name?: unknown; code?: unknown; message?: unknown } | null;
  return !!x && x.name === 'AppError' && typeof x.code === 'string' && x.code in ERROR_CODES && typeof x.message === 'string';
}

/** "list podsecuritypolicies.policy" — how kubectl auth can-i names a permission. */
export function describePermission(p: MissingPermission): string {
  const res = p.group ? `${p.resource}.${p.group}` : p.resource;
  return `${p.verb} ${res}${p.namespace ? ` in namespace ${p.namespace}` : ' (cluster-wide)'}`;
}
