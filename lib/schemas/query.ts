import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const name = z.string().trim().min(1).max(253);

export const graphQuerySchema = z.strictObject({
  psp: name.optional(),
  namespace: name.optional(),
  subject: name.optional(),
  q: z.string().trim().max(253).optional(),
  focus: z.string().max(600).optional(),
  wildcard: bool.optional(),
  limit: z.coerce.number().int().min(10).max(5000).optional(),
  group: z.coerce.number().int().min(1).max(1000).optional(),
  view: z.enum(['auto', 'chains', 'overview']).optional(),
  /** Opened "+N" groups: a JSON array of parent ids. */
  expand: z.string().max(60_000).transform(jsonOrInvalid).pipe(z.array(z.string().min(1).max(600)).max(100)).optional(),
});

/** Leaves what is not JSON as the string itself, so the schema after it says what is wrong. */
function jsonOrInvalid(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

export const treeQuerySchema = z.strictObject({ all: bool.optional() });

export const objectQuerySchema = z.strictObject({ id: z.string().min(3).max(600) });

/** URLSearchParams → plain object; a repeated parameter is an error rather than a silent pick. */
export function queryObject(url: string): Record<string, string> | { __repeated: string } {
  const out: Record<string, string> = {};
  for (const [k, v] of new URL(url).searchParams) {
    if (k in out) return { __repeated: k };
    out[k] = v;
  }
  return out;
}
