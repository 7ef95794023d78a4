import type { Binding, ClusterModel, ModelWarning, Psp, Role, Subject } from '../model/types';
import { keyOf, objectKey, subjectKey, subjectNamespace } from '../model/keys';
import { compareNames, indexRoles, pspGrantsOfRole, roleRefKey, type PspGrant } from './grants';

/**
 * The PSP side of a cluster's RBAC, resolved once: which roles grant `use` of which PSPs, which
 * bindings refer to those roles, and every dangling reference found on the way. The graph, the tree
 * and the details panel are views of this.
 */

export interface GrantingRole {
  key: string;
  role: Role;
  grants: PspGrant[];
  grantsAll: boolean;
  missingPsps: string[];
}

export interface ResolvedBinding {
  key: string;
  binding: Binding;
  roleKey: string | null;
  /** Where the grant applies: every namespace (ClusterRoleBinding) or the binding's own namespace. */
  scopeNamespace?: string;
  subjects: ResolvedSubject[];
}

export interface ResolvedSubject {
  key: string;
  subject: Subject;
  /** A ServiceAccount subject whose account is not in the cluster (or has no namespace). */
  missing: boolean;
}

export interface PspRelations {
  psps: Psp[];
  roles: GrantingRole[];
  /** Bindings of granting roles, keyed by role key, ClusterRoleBindings first, each sorted by name. */
  bindingsByRole: Map<string, ResolvedBinding[]>;
  warnings: ModelWarning[];
}

const byKey = (a: { key: string }, b: { key: string }) => compareNames(a.key, b.key);

function withKind<T extends Role | Binding>(obj: T, kind: T['kind']): T {
  return obj.kind === kind ? obj : { ...obj, kind };
}

export function resolvePspRelations(model: ClusterModel): PspRelations {
  const psps = [...model.psps].sort((a, b) => compareNames(a.metadata.name, b.metadata.name));
  const pspNames = psps.map((p) => p.metadata.name);
  const warnings: ModelWarning[] = [];
  const roleIndex = indexRoles(model);
  const saKeys = new Set(model.serviceAccounts.map((sa) => objectKey('ServiceAccount', sa.metadata.namespace, sa.metadata.name)));
  // Without a ServiceAccount list (forbidden, or a snapshot without them) nothing can be called missing.
  const canCheckSas = model.serviceAccounts.length > 0;

  const roles: GrantingRole[] = [];
  const allRoles = [
    ...model.clusterRoles.map((r) => withKind(r, 'ClusterRole')),
    ...model.roles.map((r) => withKind(r, 'Role')),
  ];
  for (const role of allRoles) {
    const { grants, grantsAll, missingPsps } = pspGrantsOfRole(role, pspNames);
    if (grants.length === 0 && !grantsAll) continue;
    const key = keyOf(role);
    roles.push({ key, role, grants, grantsAll, missingPsps });
    for (const psp of missingPsps) {
      warnings.push({
        code: 'missing-psp',
        message: `${role.kind} ${describe(role)} grants use of PodSecurityPolicy "${psp}", which does not exist`,
        objects: [key, objectKey('PodSecurityPolicy', undefined, psp)],
      });
    }
  }
  roles.sort(byKey);
  const granting = new Set(roles.map((r) => r.key));

  const bindingsByRole = new Map<string, ResolvedBinding[]>();
  const allBindings = [
    ...model.clusterRoleBindings.map((b) => withKind(b, 'ClusterRoleBinding')),
    ...model.roleBindings.map((b) => withKind(b, 'RoleBinding')),
  ];
  for (const binding of allBindings) {
    const key = keyOf(binding);
    const roleKey = roleRefKey(binding);
    if (!roleKey || !roleIndex.get(roleKey)) {
      warnings.push({
        code: 'dangling-role-ref',
        message: `${binding.kind} ${describe(binding)} refers to ${binding.roleRef.kind} "${binding.roleRef.name}", which does not exist`,
        objects: [key, ...(roleKey ? [roleKey] : [])],
      });
      continue;
    }
    if (!granting.has(roleKey)) continue;
    const bindingNs = binding.kind === 'RoleBinding' ? binding.metadata.namespace : undefined;
    const subjects = (binding.subjects ?? []).map((subject): ResolvedSubject => {
      const ns = subjectNamespace(subject, bindingNs);
      let missing = false;
      if (subject.kind === 'ServiceAccount') {
        if (!ns) {
          missing = true;
          warnings.push({
            code: 'sa-subject-without-namespace',
            message: `ClusterRoleBinding ${describe(binding)} names ServiceAccount "${subject.name}" without a namespace; it matches no one`,
            objects: [key],
          });
        } else if (canCheckSas && !saKeys.has(objectKey('ServiceAccount', ns, subject.name))) {
          missing = true;
          warnings.push({
            code: 'missing-service-account',
            message: `${binding.kind} ${describe(binding)} names ServiceAccount ${ns}/${subject.name}, which does not exist`,
            objects: [key, objectKey('ServiceAccount', ns, subject.name)],
          });
        }
      }
      return { key: subjectKey(subject, bindingNs), subject, missing };
    });
    const list = bindingsByRole.get(roleKey) ?? [];
    list.push({ key, binding, roleKey, scopeNamespace: bindingNs, subjects });
    bindingsByRole.set(roleKey, list);
  }
  for (const list of bindingsByRole.values()) {
    list.sort((a, b) =>
      a.binding.kind !== b.binding.kind ? (a.binding.kind === 'ClusterRoleBinding' ? -1 : 1) : byKey(a, b),
    );
  }
  return { psps, roles, bindingsByRole, warnings };
}

export function describe(obj: { metadata: { name: string; namespace?: string } }): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name;
}

/** The roles granting `psp`, ClusterRoles first, each sorted by name (the tree's order). */
export function rolesGranting(rel: PspRelations, psp: string, includeWildcard: boolean): { role: GrantingRole; grant: PspGrant }[] {
  const out: { role: GrantingRole; grant: PspGrant }[] = [];
  for (const role of rel.roles) {
    const grant = role.grants.find((g) => g.psp === psp);
    if (!grant || (grant.wildcard && !includeWildcard)) continue;
    out.push({ role, grant });
  }
  return out.sort((a, b) =>
    a.role.role.kind !== b.role.role.kind ? (a.role.role.kind === 'ClusterRole' ? -1 : 1) : byKey(a.role, b.role),
  );
}
