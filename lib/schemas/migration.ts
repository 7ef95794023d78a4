import { z } from 'zod';
import { VERSION_ERROR, parseVersion, type PssVersion } from '../pss/version';
import { dnsLabel, name } from './mutations';

/** Bodies of the migration plans (POST /api/v1/pod-security/plans/*): the official guide's steps 2, 3 and the v1.25+ cleanup. */

const version = z.string().superRefine((v, ctx) => {
  if (parseVersion(v).error) ctx.addIssue({ code: 'custom', message: `Invalid value: ${JSON.stringify(v)}: ${VERSION_ERROR}` });
}).transform((v) => parseVersion(v).version as PssVersion);

/** Step 2: the non-mutating copy `0-<psp>`, granted where the PSP is. */
export const copyPlanBodySchema = z.strictObject({ psp: name });

/** Step 3: audit and warn at a level, then enforce it; `version` defaults to the API server's own minor. */
export const labelPlanBodySchema = z.strictObject({
  namespace: dnsLabel,
  level: z.enum(['privileged', 'baseline', 'restricted'], { error: 'level must be one of privileged, baseline, restricted' }),
  version: version.optional(),
  phase: z.enum(['audit', 'enforce'], { error: 'phase must be audit (audit and warn first) or enforce' }),
  acknowledgeRefusals: z.boolean().optional(),
});

/** Step 3, last: the namespace's service accounts may use a privileged PSP (its Pod Security level alone decides); `undo` takes it back. */
export const bypassPlanBodySchema = z.strictObject({ namespace: dnsLabel, psp: name, undo: z.boolean().optional(), acknowledgeRisk: z.boolean().optional() });

/** v1.25+: remove leftover PSP rights; no options. */
export const cleanupPlanBodySchema = z.strictObject({});

export type LabelPlanBody = z.infer<typeof labelPlanBodySchema>;
export type BypassPlanBody = z.infer<typeof bypassPlanBodySchema>;
