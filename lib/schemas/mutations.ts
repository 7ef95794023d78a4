import { z } from 'zod';
import { WORKLOAD_KINDS } from '../model/types';
import { PSP_TEMPLATES } from '../plan/templates';
import { invalidBody, isDNS1123Label, isDNS1123Subdomain } from '../validation/names';

/**
 * Bodies of the mutating routes. Strict: an unknown field is a mistake worth a 400, not a silent no-op.
 * Names follow the API server's rules and wording (lib/validation/names.ts), so the demo and snapshot
 * sources, which have no API server behind them, refuse what a live cluster would.
 */

/** A string the API server checks with `check`: each of its messages becomes an issue, `Invalid value: "x": …`. */
const k8sString = (check: (v: string) => string[]) =>
  z.string().superRefine((v, ctx) => {
    if (v.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'Required value' });
      return;
    }
    for (const m of check(v)) ctx.addIssue({ code: 'custom', message: invalidBody(v, m) });
  });

/** PSPs, ServiceAccounts and workloads: DNS-1123 subdomains. */
export const name = k8sString(isDNS1123Subdomain);
/** Namespaces: DNS-1123 labels. */
export const dnsLabel = k8sString(isDNS1123Label);
/**
 * Users and groups: any non-empty name, as the API server allows (v1.24 stores NUL, U+202E, spaces
 * and `:` in them; see validateSubject in lib/validation/names.ts). Not trimmed: " alice" is not alice.
 */
const rbacName = z.string().min(1, 'Required value');

export const subjectSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('Group'), name: rbacName, apiGroup: z.literal('rbac.authorization.k8s.io').optional() }),
  z.strictObject({ kind: z.literal('User'), name: rbacName, apiGroup: z.literal('rbac.authorization.k8s.io').optional() }),
  z.strictObject({ kind: z.literal('ServiceAccount'), name, namespace: dnsLabel }),
], { error: (issue) => (issue.code === 'invalid_union' ? 'subject.kind must be Group, User or ServiceAccount (with a namespace)' : undefined) });

const workloadRef = z.strictObject({ kind: z.enum(WORKLOAD_KINDS), name });

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
