import { z } from 'zod';

/** Inputs of the analysis routes: admission simulation and effective access. */

const name = z.string().trim().min(1).max(253);

export const requesterSchema = z.strictObject({
  user: name,
  groups: z.array(name).max(100).optional(),
});

export const simulateBodySchema = z
  .strictObject({
    /** A Pod, a workload, a PodTemplate or a bare pod template, as an object or as YAML/JSON text. */
    manifest: z.union([z.looseObject({}), z.string().min(1).max(500_000)]).optional(),
    /** An existing workload: `Kind/namespace/name`. */
    workload: z.string().min(3).max(600).optional(),
    namespace: name.optional(),
    /** Who creates the pod; a workload's pods are created by its controller unless this is given. */
    requester: requesterSchema.optional(),
    useServiceAccountCredentials: z.boolean().optional(),
  })
  .refine((b) => (b.manifest === undefined) !== (b.workload === undefined), { message: 'give exactly one of manifest and workload' });

export type SimulateBody = z.infer<typeof simulateBodySchema>;

/** `Kind/[namespace/]name`: User/alice, Group/system:authenticated, ServiceAccount/ns/name. */
export const subjectRefSchema = z.string().max(600).regex(/^(User|Group)\/[^/]+$|^ServiceAccount\/[^/]+\/[^/]+$/, 'subject must be User/NAME, Group/NAME or ServiceAccount/NAMESPACE/NAME');

export const accessQuerySchema = z
  .strictObject({ psp: name.optional(), subject: subjectRefSchema.optional() })
  .refine((q) => (q.psp === undefined) !== (q.subject === undefined), { message: 'give exactly one of psp and subject' });

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** GET /api/v1/simulate: every workload's outcome, optionally in one namespace. */
export const workloadOutcomesQuerySchema = z.strictObject({
  namespace: name.optional(),
  useServiceAccountCredentials: bool.optional(),
});
