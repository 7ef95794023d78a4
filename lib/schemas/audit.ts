import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** GET /api/v1/audit: the format of the report, and how the controller manager authenticates. */
export const auditQuerySchema = z.strictObject({
  format: z.enum(['json', 'md', 'csv']).optional(),
  useServiceAccountCredentials: bool.optional(),
});

export type AuditQuery = z.infer<typeof auditQuerySchema>;
