import { AppError } from '../errors';
import type { ClusterModel, Psp } from '../model/types';
import { formatZodIssues } from '../schemas/objects';
import { pspManifestSchema } from '../schemas/psp';
import { resolvePspRelations } from '../rbac/relations';
import { PSP_API, type Plan } from './types';

/** Checks a manifest the way the API server would and returns it as a PSP, or a 400 naming the fields. */
export function validatePspManifest(manifest: unknown): Psp {
  const r = pspManifestSchema.safeParse(manifest);
  if (!r.success) throw new AppError('invalid', `The PodSecurityPolicy is invalid: ${formatZodIssues(r.error)}`, { issues: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
  const { metadata } = r.data;
  return { apiVersion: PSP_API, kind: 'PodSecurityPolicy', metadata: { name: metadata.name, ...(metadata.labels ? { labels: metadata.labels } : {}), ...(metadata.annotations ? { annotations: metadata.annotations } : {}) }, spec: r.data.spec } as Psp;
}

export function planCreatePsp(model: ClusterModel, psp: Psp): Plan {
  const name = psp.metadata.name;
  if (model.psps.some((p) => p.metadata.name === name)) throw new AppError('conflict', `PodSecurityPolicy ${name} already exists; edit it instead`);
  return { summary: `create PodSecurityPolicy ${name}`, operations: [{ action: 'create', kind: 'PodSecurityPolicy', apiVersion: PSP_API, name, object: psp }], warnings: [] };
}

export function planUpdatePsp(model: ClusterModel, name: string, psp: Psp): Plan {
  if (psp.metadata.name !== name) throw new AppError('invalid', `metadata.name "${psp.metadata.name}" does not match the PodSecurityPolicy being edited ("${name}")`);
  const before = model.psps.find((p) => p.metadata.name === name);
  if (!before) throw new AppError('not_found', `PodSecurityPolicy ${name} does not exist`);
  // Keep what the server owns (resourceVersion, uid, …) so the update is conditional on what we showed.
  const object = { ...psp, metadata: { ...before.metadata, labels: psp.metadata.labels, annotations: psp.metadata.annotations } };
  if (JSON.stringify(before.spec) === JSON.stringify(psp.spec) && JSON.stringify(before.metadata.annotations ?? {}) === JSON.stringify(psp.metadata.annotations ?? {}) && JSON.stringify(before.metadata.labels ?? {}) === JSON.stringify(psp.metadata.labels ?? {})) {
    return { summary: `edit PodSecurityPolicy ${name}`, operations: [], warnings: [], noop: `PodSecurityPolicy ${name} already is as given; nothing to do.` };
  }
  return { summary: `edit PodSecurityPolicy ${name}`, operations: [{ action: 'update', kind: 'PodSecurityPolicy', apiVersion: PSP_API, name, before, object }], warnings: [] };
}

/** Deleting a PSP that roles still grant, or that running pods were admitted with, deserves a warning. */
export function planDeletePsp(model: ClusterModel, name: string): Plan {
  const before = model.psps.find((p) => p.metadata.name === name);
  if (!before) throw new AppError('not_found', `PodSecurityPolicy ${name} does not exist`);
  const warnings: string[] = [];
  const granting = resolvePspRelations(model).roles.filter((r) => r.grants.some((g) => g.psp === name && !g.wildcard));
  if (granting.length) warnings.push(`Still granted by ${granting.map((r) => `${r.role.kind} ${r.role.metadata.namespace ? `${r.role.metadata.namespace}/` : ''}${r.role.metadata.name}`).join(', ')}; those grants will dangle.`);
  const pods = model.workloads.filter((w) => w.kind === 'Pod' && w.metadata.annotations?.['kubernetes.io/psp'] === name);
  if (pods.length) warnings.push(`${pods.length} pod(s) were admitted with it (kubernetes.io/psp: ${name}), e.g. ${pods.slice(0, 3).map((p) => `${p.metadata.namespace}/${p.metadata.name}`).join(', ')}; when they are re-created, another PSP must admit them or they are rejected.`);
  return { summary: `delete PodSecurityPolicy ${name}`, operations: [{ action: 'delete', kind: 'PodSecurityPolicy', apiVersion: PSP_API, name, before }], warnings };
}
