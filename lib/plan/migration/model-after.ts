import type { Binding, ClusterModel, Namespace, Psp, Role } from '../../model/types';
import type { PlanOperation } from '../types';

/**
 * The model as it would be once a plan's operations are written: what a plan predicts about pods
 * (which PSP they would get, what PodSecurity would say) is computed on it, never on the cluster.
 */
export function modelAfter(model: ClusterModel, operations: PlanOperation[]): ClusterModel {
  const next: ClusterModel = {
    ...model,
    psps: [...model.psps], clusterRoles: [...model.clusterRoles], roles: [...model.roles],
    clusterRoleBindings: [...model.clusterRoleBindings], roleBindings: [...model.roleBindings], namespaces: [...model.namespaces],
  };
  const listOf = (kind: string): { metadata: { name: string; namespace?: string } }[] | undefined => {
    switch (kind) {
      case 'PodSecurityPolicy': return next.psps;
      case 'ClusterRole': return next.clusterRoles;
      case 'Role': return next.roles;
      case 'ClusterRoleBinding': return next.clusterRoleBindings;
      case 'RoleBinding': return next.roleBindings;
      case 'Namespace': return next.namespaces;
      default: return undefined;
    }
  };
  for (const op of operations) {
    const list = listOf(op.kind);
    if (!list) continue;
    const at = list.findIndex((o) => o.metadata.name === op.name && (o.metadata.namespace ?? '') === (op.namespace ?? ''));
    if (op.action === 'delete') {
      if (at >= 0) list.splice(at, 1);
    } else if (op.object) {
      const obj = op.object as Psp | Role | Binding | Namespace;
      if (at >= 0) list[at] = obj;
      else list.push(obj);
    }
  }
  return next;
}

/**
 * Every grant before any removal, each group in the plan's own order: if a write fails midway, the
 * cluster holds the grants and the old rights, never fewer rights than before (issue 10).
 */
export function grantsFirst(operations: PlanOperation[]): PlanOperation[] {
  return [...operations.filter((o) => o.action !== 'delete'), ...operations.filter((o) => o.action === 'delete')];
}

/** Adds operations, skipping one already planned for the same object (psp-util's ClusterRole is planned once per scope). */
export function addOnce(into: PlanOperation[], ops: PlanOperation[]): void {
  for (const op of ops) {
    if (!into.some((o) => o.action === op.action && o.kind === op.kind && o.name === op.name && (o.namespace ?? '') === (op.namespace ?? ''))) into.push(op);
  }
}
