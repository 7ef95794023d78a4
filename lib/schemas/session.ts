import { z } from 'zod';

/**
 * A bearer token as the API server takes it in an Authorization header: printable ASCII without
 * spaces (JWTs, static tokens, bootstrap tokens). Surrounding whitespace from a paste is trimmed.
 * The messages never repeat the value.
 */
export const signInBodySchema = z.strictObject({
  token: z
    .string({ error: 'token: paste a bearer token (a string)' })
    .transform((s) => s.trim().replace(/^Bearer\s+/i, ''))
    .pipe(
      z
        .string()
        .min(1, 'token: paste a bearer token; it is empty')
        .max(16_384, 'token: longer than 16 KiB, which no bearer token is')
        .regex(/^[\x21-\x7e]+$/, 'token: a bearer token has no spaces, line breaks or non-ASCII characters'),
    ),
});

export type SignInBody = z.infer<typeof signInBodySchema>;
