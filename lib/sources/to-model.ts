import type {
  Binding, ClusterModel, KubeObject, ModelWarning, Namespace, Psp, Role, ServiceAccount, SourceInfo, Workload, WorkloadKind,
} from '../model/types';
import { WORKLOAD_KINDS } from '../model/types';
import { aggregateClusterRoles } from '../rbac/aggregation';
import { bindingSchema, formatZodIssues, namedObjectSchema, pspSchema, roleSchema, workloadSchema } from '../schemas/objects';

/**
 * Turns raw Kubernetes objects, however they were obtained, into the cluster model. All three sources
 * go through here, so the same objects always give the same model.
 */

/** The kinds the model keeps, with the API group/version they are served under. */
export const MODEL_KINDS = [
  'PodSecurityPolicy', 'ClusterRole', 'Role', 'ClusterRoleBinding', 'RoleBinding', 'ServiceAccount', 'Namespace', ...WORKLOAD_KINDS,
] as const;

export class InvalidObjectError extends Error {
  constructor(public readonly where: string, message: string) {
    super(`${where}: ${message}`);
    this.name = 'InvalidObjectError';
  }
}

export interface RawObject {
  kind?: string;
  apiVersion?: string;
  metadata?: unknown;
  [k: string]: unknown;
}

export interface ModelInput {
  objects: { object: RawObject; where: string }[];
  source: SourceInfo;
  warnings?: ModelWarning[];
  /** Fill in empty aggregated ClusterRoles from their selectors (files only; live stores them filled). */
  computeAggregation: boolean;
  /**
   * The objects come from an API server, which validated them when they were written: their shape
   * is not checked again. On a cluster of 150,000 pods the check is a third of the first load.
   * Files and the demo are never trusted.
   */
  trusted?: boolean;
}

/** Drops what the server keeps for itself and nobody reads in a YAML view. */
export function cleanObject<T extends RawObject>(obj: T): T {
  const meta = obj.metadata as Record<string, unknown> | undefined;
  if (!meta || !('managedFields' in meta)) return obj;
  const { managedFields: _ignored, ...rest } = meta;
  return { ...obj, metadata: rest };
}

type ObjectSchema = { safeParse(v: unknown): { success: true; data: unknown } | { success: false; error: import('zod').ZodError } };

function checkedParse<T>(schema: ObjectSchema, obj: RawObject, where: string): T {
  const r = schema.safeParse(obj);
  if (!r.success) throw new InvalidObjectError(where, `${obj.kind ?? 'object'} is invalid: ${formatZodIssues(r.error)}`);
  return cleanObject(obj) as unknown as T;
}

function trustedParse<T>(_schema: ObjectSchema, obj: RawObject): T {
  return cleanObject(obj) as unknown as T;
}

export function buildModel(input: ModelInput): ClusterModel {
  const psps: Psp[] = [];
  let clusterRoles: Role[] = [];
  const roles: Role[] = [];
  const clusterRoleBindings: Binding[] = [];
  const roleBindings: Binding[] = [];
  const serviceAccounts: ServiceAccount[] = [];
  const namespaces: Namespace[] = [];
  const workloads: Workload[] = [];
  const unknown = new Map<string, number>();
  const parse = input.trusted ? trustedParse : checkedParse;

  for (const { object, where } of input.objects) {
    switch (object.kind) {
      case 'PodSecurityPolicy': {
        const p = parse<Psp>(pspSchema, object, where);
        psps.push({ ...p, spec: p.spec ?? {} });
        break;
      }
      case 'ClusterRole':
      case 'Role': {
        const r = parse<Role>(roleSchema, object, where);
        const role = { ...r, kind: object.kind, rules: r.rules ?? [] } as Role;
        (object.kind === 'ClusterRole' ? clusterRoles : roles).push(role);
        break;
      }
      case 'ClusterRoleBinding':
      case 'RoleBinding': {
        const b = parse<Binding>(bindingSchema, object, where);
        const binding = { ...b, kind: object.kind, subjects: b.subjects ?? [] } as Binding;
        (object.kind === 'ClusterRoleBinding' ? clusterRoleBindings : roleBindings).push(binding);
        break;
      }
      case 'ServiceAccount':
        serviceAccounts.push(parse<ServiceAccount>(namedObjectSchema, object, where));
        break;
      case 'Namespace':
        namespaces.push(parse<Namespace>(namedObjectSchema, object, where));
        break;
      default:
        if (WORKLOAD_KINDS.includes(object.kind as WorkloadKind)) {
          const w = parse<Workload>(workloadSchema, object, where);
          workloads.push({ ...w, spec: w.spec ?? {} });
        } else {
          const k = object.kind || '(no kind)';
          unknown.set(k, (unknown.get(k) ?? 0) + 1);
        }
    }
  }
  if (input.computeAggregation) clusterRoles = aggregateClusterRoles(clusterRoles);
  const warnings = [...(input.warnings ?? [])];
  if (unknown.size > 0) {
    const total = [...unknown.values()].reduce((a, b) => a + b, 0);
    warnings.push({
      code: 'unknown-kind',
      message: `Skipped ${total} object(s) of kinds the dashboard does not read: ${[...unknown.entries()].map(([k, n]) => `${k} (${n})`).join(', ')}`,
    });
  }
  if (!input.source.pspApiServed) {
    warnings.push({ code: 'no-psp-api', message: 'This cluster has no PodSecurityPolicy API; it was removed in v1.25.' });
  }
  return { source: input.source, psps, clusterRoles, roles, clusterRoleBindings, roleBindings, serviceAccounts, namespaces, workloads, warnings };
}

/** Flattens `List` objects (kubectl's `-o yaml` of several kinds, or a typed `RoleList`). */
export function flattenLists(obj: RawObject, where: string): { object: RawObject; where: string }[] {
  const kind = obj.kind ?? '';
  if (Array.isArray((obj as { items?: unknown }).items) && (kind === 'List' || kind.endsWith('List'))) {
    const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
    return ((obj as { items: RawObject[] }).items).flatMap((item, i) => {
      if (!item || typeof item !== 'object') throw new InvalidObjectError(`${where}, item ${i}`, 'not an object');
      const withKind = item.kind || !itemKind ? item : { ...item, kind: itemKind };
      return flattenLists(withKind, `${where}, item ${i}`);
    });
  }
  return [{ object: obj, where }];
}

export type { KubeObject };
