import 'server-only';
import { AppError, isAppError } from '../../errors';
import type { Plan, PlanOperation } from '../../plan/types';
import type { Identity, KubeConnection } from '../kube/connection';
import { deniedPermissions } from '../identity/reviews';
import { describeOp, resourceOf, write } from './writes';

/**
 * Asks the API server, as the writer, whether each operation is allowed (SelfSubjectAccessReview),
 * so that a missing right is said in words before any dry run: "you may not create clusterroles".
 * Escalation (granting what one does not hold) is not a verb check; the dry run finds that.
 */
export async function checkRights(conn: KubeConnection, identity: Identity, plan: Plan): Promise<void> {
  const wanted = plan.operations.map((op) => {
    const def = resourceOf(op.kind);
    return { verb: op.action, group: def.group, resource: def.resource, namespace: op.namespace, name: op.action === 'create' ? undefined : op.name };
  });
  const denied = await deniedPermissions(conn, identity, wanted);
  if (denied.length === 0) return;
  const words = denied.map((d) => `${d.verb} ${d.resource}${d.namespace ? ` in namespace ${d.namespace}` : ' (cluster-wide)'}`);
  throw new AppError('forbidden', `You may not ${words.join(', nor ')}, so this change cannot be made as you (the API server's own answer to a SelfSubjectAccessReview). Nothing was written.`, {
    missing: denied,
    hint: 'Ask a cluster admin to make the change, or to grant you these verbs on these resources.',
  });
}

interface RoleRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs?: string[];
}

/**
 * The dry run of a binding whose role the same plan creates cannot see that role (a dry run writes
 * nothing), and an API server that must check escalation (the writer lacks `bind`) answers 404 for
 * it. The real write would find the role. So decide as the API server would: `bind` on the role, or
 * holding every permission the role grants (asked as the writer with SelfSubjectAccessReviews).
 */
async function mayBindPlannedRole(conn: KubeConnection, identity: Identity, binding: PlanOperation, role: PlanOperation): Promise<boolean> {
  const roleDef = resourceOf(role.kind);
  const bind = await deniedPermissions(conn, identity, [{ verb: 'bind', group: roleDef.group, resource: roleDef.resource, namespace: role.namespace, name: role.name }]);
  if (bind.length === 0) return true;
  const rules = (role.object as { rules?: RoleRule[] } | undefined)?.rules ?? [];
  const wanted = rules.flatMap((rule) =>
    (rule.verbs ?? []).flatMap((verb) => (rule.apiGroups ?? ['']).flatMap((group) => (rule.resources ?? []).flatMap((resource) =>
      (rule.resourceNames?.length ? rule.resourceNames : [undefined]).map((name) => ({ verb, group, resource, namespace: binding.namespace, name }))))));
  if (wanted.some((w) => w.verb === '*' || w.group === '*' || w.resource === '*')) return false;
  return (await deniedPermissions(conn, identity, wanted)).length === 0;
}

/**
 * Server-side dry run of every operation, in order: validation and escalation errors before anything
 * is written. Answers the `Warning:` texts the API server sent (PodSecurity's about existing pods
 * when a namespace is relabelled: what `kubectl label --dry-run=server` prints).
 */
export async function dryRunPlan(conn: KubeConnection, identity: Identity, plan: Plan, timeoutMs: number): Promise<string[]> {
  const warnings: string[] = [];
  for (const op of plan.operations) {
    try {
      await write(conn, identity, op, { dryRun: true, timeoutMs, warnings });
    } catch (e) {
      const roleRef = (op.object as { roleRef?: { kind: string; name: string } } | undefined)?.roleRef;
      const plannedRole = roleRef && op.action === 'create' && isAppError(e) && e.code === 'not_found'
        ? plan.operations.find((o) => o.action === 'create' && o.kind === roleRef.kind && o.name === roleRef.name && (roleRef.kind === 'ClusterRole' || o.namespace === op.namespace))
        : undefined;
      if (!plannedRole) throw e;
      if (!(await mayBindPlannedRole(conn, identity, op, plannedRole))) {
        throw new AppError('forbidden', `The API server would refuse to ${describeOp(op)}: you may not bind ${roleRef!.kind} ${roleRef!.name}, which grants permissions you do not hold yourself. ` +
          'You need the "bind" verb on it, or to hold what it grants. Ask a cluster admin, or have one apply this plan.', { escalation: true });
      }
    }
  }
  return warnings;
}
