import { z } from 'zod';

/** POST /api/v1/contexts: the kubeconfig context to show in this browser (a name as kubeconfig allows it). */
export const selectContextBodySchema = z.strictObject({
  context: z.string({ error: 'context: the name of a kubeconfig context (a string)' }).min(1, 'context: empty').max(253, 'context: longer than 253 characters'),
});

export type SelectContextBody = z.infer<typeof selectContextBodySchema>;
