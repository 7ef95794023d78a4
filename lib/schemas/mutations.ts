import { z } from 'zod';
import { PSP_TEMPLATES } from '../plan/templates';

/** Bodies of the mutating routes. Strict: an unknown field is a mistake worth a 400, not a silent no-op. */
const name = z.string().trim().min(1).max(253).regex(/^[^\s/]+$/, 'must not contain spaces or "/"');
const rbacName = z.string().trim().min(1).max(253).regex(/^[^\s]+$/, 'must not contain spaces');
const dnsLabel = z.string().min(1).max(63).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label (a-z, 0-9, "-")');

export const subjectSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('Group'), name: rbacName, apiGroup: z.literal('rbac.authorization.k8s.io').optional() }),
  z.strictObject({ kind: z.literal('User'), name: rbacName, apiGroup: z.literal('rbac.authorization.k8s.io').optional() }),
  z.strictObject({ kind: z.literal('ServiceAccount'), name: dnsLabel.or(name), namespace: dnsLabel }),
], { error: (issue) => (issue.code === 'invalid_union' ? 'subject.kind must be Group, User or ServiceAccount (with a namespace)' : undefined) });

const workloadRef = z.strictObject({ kind: z.enum(['DaemonSet', 'Deployment', 'StatefulSet', 'Job', 'CronJob', 'ReplicaSet', 'Pod']), name });

export const attachBodySchema = z
  .strictObject({
    psp: name,
    subject: subjectSchema.optional(),
    subjects: z.array(subjectSchema).min(1).max(500).optional(),
    /** The service accounts of these workloads (the article's kube-system loop). */
    workloads: z.strictObject({ namespace: dnsLabel, items: z.array(workloadRef).min(1).max(500) }).optional(),
    namespace: dnsLabel.optional(),
    acknowledgeRisk: z.boolean().optional(),
    repair: z.boolean().optional(),
  })
  .refine((b) => [b.subject, b.subjects, b.workloads].filter(Boolean).length === 1, { message: 'give exactly one of subject, subjects or workloads' });

export const detachBodySchema = z
  .strictObject({ psp: name, subject: subjectSchema.optional(), subjects: z.array(subjectSchema).min(1).max(500).optional(), namespace: dnsLabel.optional() })
  .refine((b) => [b.subject, b.subjects].filter(Boolean).length === 1, { message: 'give exactly one of subject or subjects' });

export const cleanBodySchema = z.strictObject({ psp: name });

export const createPspBodySchema = z.union([
  z.strictObject({ template: z.enum(PSP_TEMPLATES), name }),
  z.strictObject({ manifest: z.record(z.string(), z.unknown()) }),
], { error: () => 'give {"template": "privileged|restricted|baseline", "name": "..."} or {"manifest": {...}}' });

export const updatePspBodySchema = z.strictObject({ manifest: z.record(z.string(), z.unknown()) });

export const removeSubjectBodySchema = z.strictObject({ subject: subjectSchema, confirm: z.boolean().optional() });


export const mutationQuerySchema = z.strictObject({
  dryRun: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  namespace: dnsLabel.optional(),
  confirm: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});
