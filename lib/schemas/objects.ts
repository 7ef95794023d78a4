import { z } from 'zod';

/**
 * The shapes we rely on, for objects read from files or the wire. Loose (`passthrough`) on purpose:
 * the YAML we show is the object as it was, with every field we do not model kept.
 */
const stringList = z.array(z.string());

export const objectMetaSchema = z.looseObject({
  name: z.string().min(1, 'metadata.name is required'),
  namespace: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional().nullable(),
  annotations: z.record(z.string(), z.string()).optional().nullable(),
});

export const policyRuleSchema = z.looseObject({
  apiGroups: stringList.optional().nullable(),
  resources: stringList.optional().nullable(),
  verbs: stringList,
  resourceNames: stringList.optional().nullable(),
  nonResourceURLs: stringList.optional().nullable(),
});

const labelSelectorSchema = z.looseObject({
  matchLabels: z.record(z.string(), z.string()).optional().nullable(),
  matchExpressions: z
    .array(z.looseObject({ key: z.string(), operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']), values: stringList.optional().nullable() }))
    .optional()
    .nullable(),
});

export const roleSchema = z.looseObject({
  metadata: objectMetaSchema,
  rules: z.array(policyRuleSchema).optional().nullable(),
  aggregationRule: z.looseObject({ clusterRoleSelectors: z.array(labelSelectorSchema).optional().nullable() }).optional().nullable(),
});

export const subjectSchema = z.looseObject({
  kind: z.string().min(1),
  name: z.string().min(1),
  namespace: z.string().optional(),
  apiGroup: z.string().optional(),
});

export const bindingSchema = z.looseObject({
  metadata: objectMetaSchema,
  roleRef: z.looseObject({ apiGroup: z.string().optional(), kind: z.string().min(1), name: z.string().min(1) }),
  subjects: z.array(subjectSchema).optional().nullable(),
});

export const pspSchema = z.looseObject({
  metadata: objectMetaSchema,
  spec: z.looseObject({}).optional().nullable(),
});

export const namedObjectSchema = z.looseObject({ metadata: objectMetaSchema });

export const workloadSchema = z.looseObject({
  metadata: objectMetaSchema,
  spec: z.looseObject({}).optional().nullable(),
});

export function formatZodIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
