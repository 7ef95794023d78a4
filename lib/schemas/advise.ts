import { z } from 'zod';
import { WORKLOAD_KINDS } from '../model/types';
import { invalidBody, isDNS1123Label, isDNS1123Subdomain } from '../validation/names';

/** POST /api/v1/advise: the workloads to propose a PSP for, as a namespace, a list, or a service account. */

const k8sString = (check: (v: string) => string[]) =>
  z.string().superRefine((v, ctx) => {
    if (v === '') {
      ctx.addIssue({ code: 'custom', message: 'Required value' });
      return;
    }
    for (const m of check(v)) ctx.addIssue({ code: 'custom', message: invalidBody(v, m) });
  });

const subdomain = k8sString(isDNS1123Subdomain);
const namespace = k8sString(isDNS1123Label);

export const workloadRefSchema = z.strictObject({
  kind: z.enum(WORKLOAD_KINDS, { error: `kind must be one of ${WORKLOAD_KINDS.join(', ')}` }),
  namespace,
  name: subdomain,
});

const adviseFields = {
  namespace: namespace.optional(),
  workloads: z.array(workloadRefSchema).min(1, 'give at least one workload').max(1000).optional(),
  /** `namespace/name`: every workload whose pods run as that service account. */
  serviceAccount: z.string().max(400).regex(/^[^/]+\/[^/]+$/, 'serviceAccount must be NAMESPACE/NAME').optional(),
  /** The proposal's name (default `advised-<namespace>`, or `advised-<namespace>-<service account>`). */
  name: subdomain.optional(),
  /** Controllers with their own service accounts (the default), or all as system:kube-controller-manager. */
  useServiceAccountCredentials: z.boolean().optional(),
};

const oneTarget = (b: { namespace?: string; workloads?: unknown[]; serviceAccount?: string }, ctx: z.RefinementCtx) => {
  const given = [b.namespace, b.workloads, b.serviceAccount].filter((x) => x !== undefined).length;
  if (given !== 1) ctx.addIssue({ code: 'custom', message: 'give exactly one of namespace, workloads and serviceAccount' });
  if (b.serviceAccount) {
    const [ns, sa] = b.serviceAccount.split('/');
    for (const m of isDNS1123Label(ns)) ctx.addIssue({ code: 'custom', path: ['serviceAccount'], message: invalidBody(ns, m) });
    for (const m of isDNS1123Subdomain(sa)) ctx.addIssue({ code: 'custom', path: ['serviceAccount'], message: invalidBody(sa, m) });
  }
};

export const adviseBodySchema = z.strictObject(adviseFields).superRefine(oneTarget);

export type AdviseBody = z.infer<typeof adviseBodySchema>;

/** POST /api/v1/advise/apply: the same, plus the guardrail acknowledgement a privileged proposal needs for broad subjects. */
export const adviseApplyBodySchema = z.strictObject({ ...adviseFields, acknowledgeRisk: z.boolean().optional() }).superRefine(oneTarget);

export type AdviseApplyBody = z.infer<typeof adviseApplyBodySchema>;
