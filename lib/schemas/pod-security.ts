import { z } from 'zod';

/** Inputs of the Pod Security routes: the migration board and the one-pod check. */

const name = z.string().trim().min(1).max(253);
const level = z.enum(['privileged', 'baseline', 'restricted']);
/** `latest` or `v1.N`, as the namespace labels take it. */
const version = z.string().regex(/^(latest|v1\.(0|[1-9][0-9]{0,3}))$/, 'version must be "latest" or "v1.N"');

/** GET /api/v1/pod-security: the whole board, or one namespace's row; JSON, Markdown or CSV. */
export const boardQuerySchema = z.strictObject({
  namespace: name.optional(),
  format: z.enum(['json', 'markdown', 'csv']).optional(),
});

export type BoardQuery = z.infer<typeof boardQuerySchema>;

/** POST /api/v1/pod-security/check: one pod or template at a level and version (or a namespace's enforce policy). */
export const podSecurityCheckSchema = z
  .strictObject({
    /** A Pod, a workload or a PodTemplate, as an object or as YAML/JSON text. */
    manifest: z.union([z.looseObject({}), z.string().min(1).max(500_000)]).optional(),
    /** An existing workload: `Kind/namespace/name`. */
    workload: z.string().min(3).max(600).optional(),
    level: level.optional(),
    version: version.optional(),
    /** The namespace whose enforce policy and exemption apply (and a manifest's namespace). */
    namespace: name.optional(),
  })
  .refine((b) => (b.manifest === undefined) !== (b.workload === undefined), { message: 'give exactly one of manifest and workload', path: ['manifest'] })
  .refine((b) => b.level !== undefined || b.namespace !== undefined, { message: 'give a level, or a namespace whose enforce level applies', path: ['level'] });

export type PodSecurityCheckBody = z.infer<typeof podSecurityCheckSchema>;
