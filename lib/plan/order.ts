import type { Plan, PlanOperation } from './types';

/**
 * The order a plan's writes go to a live cluster: every grant before any removal, so that a failure
 * midway (the API server gone, a token expired) leaves more access than asked for, never less —
 * nobody is left unable to create pods. Creates go in dependency order (a binding never refers to a
 * role not made yet), then updates as planned, then deletes in the reverse order (a binding never
 * left pointing at a deleted role). The same rule as the exports of pending changes (in-memory.ts).
 */
const DEPENDENCY_ORDER = ['Namespace', 'PodSecurityPolicy', 'ClusterRole', 'Role', 'ServiceAccount', 'ClusterRoleBinding', 'RoleBinding'];

function rank(op: PlanOperation): number {
  const i = DEPENDENCY_ORDER.indexOf(op.kind);
  return i < 0 ? DEPENDENCY_ORDER.length : i;
}

const PHASE: Record<PlanOperation['action'], number> = { create: 0, update: 1, delete: 2 };

export function grantsFirst(operations: PlanOperation[]): PlanOperation[] {
  return operations
    .map((op, index) => ({ op, index }))
    .sort((a, b) => {
      const phase = PHASE[a.op.action] - PHASE[b.op.action];
      if (phase) return phase;
      if (a.op.action === 'create') return rank(a.op) - rank(b.op) || a.index - b.index;
      if (a.op.action === 'delete') return rank(b.op) - rank(a.op) || a.index - b.index;
      return a.index - b.index;
    })
    .map(({ op }) => op);
}

/** The plan with its operations in that order (a plan of one operation is returned as it is). */
export function withGrantsFirst(plan: Plan): Plan {
  return plan.operations.length < 2 ? plan : { ...plan, operations: grantsFirst(plan.operations) };
}
