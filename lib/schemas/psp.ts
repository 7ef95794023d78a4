import { z } from 'zod';
import { annotationErrors, invalidBody, isDNS1123Subdomain, labelErrors } from '../validation/names';

/**
 * A PodSecurityPolicy manifest, checked the way the API server's validation would before anything
 * is sent: unknown fields, wrong types, missing strategy rules and rule/range mismatches are
 * errors that name the field.
 */
const range = z.strictObject({ min: z.number().int().min(0), max: z.number().int().min(0) }).refine((r) => r.min <= r.max, { message: 'min must not exceed max' });

function strategy(rules: readonly [string, ...string[]], required: boolean) {
  const base = z.strictObject({ rule: z.enum(rules), ranges: z.array(range).optional() }).superRefine((s, ctx) => {
    if ((s.rule === 'MustRunAs' || s.rule === 'MayRunAs') && !(s.ranges && s.ranges.length)) {
      ctx.addIssue({ code: 'custom', path: ['ranges'], message: `rule ${s.rule} needs at least one range` });
    }
  });
  return required ? base : base.optional();
}

export const FS_TYPES = [
  '*', 'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephFS', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'storageos', 'projected', 'portworxVolume', 'scaleIO', 'csi', 'ephemeral',
] as const;

export const pspSpecSchema = z.strictObject({
  privileged: z.boolean().optional(),
  defaultAddCapabilities: z.array(z.string()).optional(),
  requiredDropCapabilities: z.array(z.string()).optional(),
  allowedCapabilities: z.array(z.string()).optional(),
  volumes: z.array(z.enum(FS_TYPES)).optional(),
  hostNetwork: z.boolean().optional(),
  hostPorts: z.array(z.strictObject({ min: z.number().int().min(0).max(65535), max: z.number().int().min(0).max(65535) })).optional(),
  hostPID: z.boolean().optional(),
  hostIPC: z.boolean().optional(),
  seLinux: z.strictObject({ rule: z.enum(['MustRunAs', 'RunAsAny']), seLinuxOptions: z.strictObject({ user: z.string().optional(), role: z.string().optional(), type: z.string().optional(), level: z.string().optional() }).optional() }),
  runAsUser: strategy(['MustRunAs', 'MustRunAsNonRoot', 'RunAsAny'], true),
  runAsGroup: strategy(['MustRunAs', 'MayRunAs', 'RunAsAny'], false),
  supplementalGroups: strategy(['MustRunAs', 'MayRunAs', 'RunAsAny'], true),
  fsGroup: strategy(['MustRunAs', 'MayRunAs', 'RunAsAny'], true),
  readOnlyRootFilesystem: z.boolean().optional(),
  defaultAllowPrivilegeEscalation: z.boolean().optional(),
  allowPrivilegeEscalation: z.boolean().optional(),
  allowedHostPaths: z.array(z.strictObject({ pathPrefix: z.string().optional(), readOnly: z.boolean().optional() })).optional(),
  allowedFlexVolumes: z.array(z.strictObject({ driver: z.string().min(1) })).optional(),
  allowedCSIDrivers: z.array(z.strictObject({ name: z.string().min(1) })).optional(),
  allowedUnsafeSysctls: z.array(z.string()).optional(),
  forbiddenSysctls: z.array(z.string()).optional(),
  allowedProcMountTypes: z.array(z.enum(['Default', 'Unmasked'])).optional(),
  runtimeClass: z.strictObject({ allowedRuntimeClassNames: z.array(z.string()), defaultRuntimeClassName: z.string().optional() }).optional(),
}).superRefine((spec, ctx) => {
  if (spec.allowPrivilegeEscalation === false && spec.defaultAllowPrivilegeEscalation === true) {
    ctx.addIssue({ code: 'custom', path: ['defaultAllowPrivilegeEscalation'], message: 'cannot be true when allowPrivilegeEscalation is false' });
  }
});

/** Each message of an API server check becomes an issue at this field, worded as the API server words it. */
const apiCheck = <T>(check: (v: T) => string[]) => (v: T, ctx: z.RefinementCtx) => {
  for (const message of check(v)) ctx.addIssue({ code: 'custom', message });
};

/** DNS-1123 subdomain, as PSP names must be (ValidatePodSecurityPolicyName). */
export const k8sName = z.string().min(1, 'Required value: name or generateName is required').superRefine(apiCheck((v: string) => isDNS1123Subdomain(v).map((m) => invalidBody(v, m))));

export const pspManifestSchema = z.looseObject({
  apiVersion: z.literal('policy/v1beta1').optional(),
  kind: z.literal('PodSecurityPolicy').optional(),
  metadata: z.looseObject({
    name: k8sName,
    labels: z.record(z.string(), z.string()).superRefine(apiCheck(labelErrors)).optional(),
    annotations: z.record(z.string(), z.string()).superRefine(apiCheck(annotationErrors)).optional(),
  }),
  spec: pspSpecSchema,
});
