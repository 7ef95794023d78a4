import 'server-only';
import type { z } from 'zod';
import { AppError, isAppError } from '@/lib/errors';
import { queryObject } from '@/lib/schemas/query';

/** The only place where errors become HTTP: `{"error": {"code", "message"}}`, never a stack trace. */
export function errorResponse(e: unknown): Response {
  if (isAppError(e)) return Response.json({ error: e.toJSON() }, { status: e.status });
  console.error('[psp-dashboard] unexpected error:', e);
  return Response.json({ error: { code: 'internal', message: 'Internal error; the server log has the details.' } }, { status: 500 });
}

/** Runs a handler body, turning any thrown error into the JSON error response. */
export async function handle(fn: () => Promise<Response> | Response): Promise<Response> {
  try {
    return await fn();
  } catch (e) {
    return errorResponse(e);
  }
}

/** Validates the query string against a schema; unknown or repeated parameters are a 400. */
export function parseQuery<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  const raw = queryObject(req.url);
  if ('__repeated' in raw) throw new AppError('invalid', `Query parameter "${raw.__repeated}" is given more than once`);
  const r = schema.safeParse(raw);
  if (!r.success) {
    throw new AppError('invalid', `Invalid query: ${r.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ')}`);
  }
  return r.data;
}

/** Validates a parsed body against a schema; a mismatch is a 400 naming the fields. */
export function parseBody<S extends z.ZodType>(body: unknown, schema: S): z.infer<S> {
  const r = schema.safeParse(body);
  if (!r.success) {
    throw new AppError('invalid', `Invalid request: ${r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`);
  }
  return r.data;
}
