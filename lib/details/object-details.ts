import type { Binding, ClusterModel, KubeObject, PolicyRule, Subject } from '../model/types';
import { parseKey } from '../model/keys';
import { privilegedSettings, type PrivilegedSetting } from '../psp/privileged-settings';
import { ruleGrantsUseOfAny } from '../rbac/grants';
import type { PspRelations } from '../rbac/relations';

/** What the side panel shows for one graph node. */
export interface ObjectDetails {
  id: string;
  kind: string;
  name: string;
  namespace?: string;
  /** The object as stored; absent for subjects (Users and Groups are not objects) and missing objects. */
  object?: KubeObject;
  missing?: boolean;
  privileged?: PrivilegedSetting[];
  rules?: (PolicyRule & { grantsPspUse: boolean })[];
  /** Roles: the bindings that bind it. Bindings: the role and the subjects. */
  roleRef?: Binding['roleRef'];
  subjects?: Subject[];
  boundBy?: string[];
  /** PSPs: roles granting it. Subjects: the PSPs this subject may use, and how. */
  grantedBy?: { role: string; wildcard: boolean }[];
  uses?: SubjectUse[];
}

export interface SubjectUse {
  psp: string;
  role: string;
  binding: string;
  /** Namespace the grant is limited to (RoleBinding); undefined means every namespace. */
  namespace?: string;
  wildcard: boolean;
}

function findObject(model: ClusterModel, kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
  const match = (o: KubeObject) => o.metadata.name === name && (o.metadata.namespace ?? undefined) === namespace;
  switch (kind) {
    case 'PodSecurityPolicy': return model.psps.find(match);
    case 'ClusterRole': return model.clusterRoles.find(match);
    case 'Role': return model.roles.find(match);
    case 'ClusterRoleBinding': return model.clusterRoleBindings.find(match);
    case 'RoleBinding': return model.roleBindings.find(match);
    case 'ServiceAccount': return model.serviceAccounts.find(match);
    default: return undefined;
  }
}

/** Details of the node `id` (an object key), or null when nothing by that key is known. */
export function objectDetails(model: ClusterModel, rel: PspRelations, id: string): ObjectDetails | null {
  const key = parseKey(id);
  if (!key) return null;
  const { kind, namespace, name } = key;
  const object = findObject(model, kind, namespace, name);
  const base: ObjectDetails = { id, kind, name, namespace, object };
  switch (kind) {
    case 'PodSecurityPolicy': {
      const grantedBy = rel.roles.flatMap((r) => r.grants.filter((g) => g.psp === name).map((g) => ({ role: r.key, wildcard: g.wildcard })));
      if (!object && grantedBy.length === 0) return null;
      return { ...base, missing: !object, privileged: object ? privilegedSettings((object as { spec?: object }).spec ?? {}) : undefined, grantedBy };
    }
    case 'ClusterRole':
    case 'Role': {
      if (!object) return null;
      const rules = ((object as { rules?: PolicyRule[] }).rules ?? []).map((r) => ({ ...r, grantsPspUse: ruleGrantsUseOfAny(r) }));
      return { ...base, rules, boundBy: (rel.bindingsByRole.get(id) ?? []).map((b) => b.key) };
    }
    case 'ClusterRoleBinding':
    case 'RoleBinding': {
      if (!object) return null;
      const b = object as Binding;
      return { ...base, roleRef: b.roleRef, subjects: b.subjects };
    }
    case 'User':
    case 'Group':
    case 'ServiceAccount': {
      const uses = subjectUses(rel, id);
      if (uses.length === 0 && !object) return null;
      const missing = kind === 'ServiceAccount' && model.serviceAccounts.length > 0 && !object;
      return { ...base, missing: missing || undefined, uses };
    }
    default:
      return null;
  }
}

/** The PSPs a subject is bound to use, directly by name (group membership is not expanded here). */
export function subjectUses(rel: PspRelations, subjectId: string): SubjectUse[] {
  const out: SubjectUse[] = [];
  for (const role of rel.roles) {
    for (const b of rel.bindingsByRole.get(role.key) ?? []) {
      if (!b.subjects.some((s) => s.key === subjectId)) continue;
      for (const g of role.grants) {
        out.push({ psp: g.psp, role: role.key, binding: b.key, namespace: b.scopeNamespace, wildcard: g.wildcard });
      }
    }
  }
  return out.sort((a, b) => (a.psp < b.psp ? -1 : a.psp > b.psp ? 1 : 0));
}

