import 'server-only';
import { AppError, isAppError } from '../errors';
import { objectKey } from '../model/keys';
import type { ClusterModel, KubeObject } from '../model/types';
import { performedOf, type Change, type ChangeResult, type PerformedOperation } from '../plan/change';
import type { Plan, PlanOperation } from '../plan/types';
import { RESOURCES, collectionPath } from '../sources/resources';
import { buildModel, type RawObject } from '../sources/to-model';
import type { Identity, KubeConnection } from './kube/connection';
import { kubeError } from './kube/status';
import { deniedPermissions } from './identity/reviews';

const MAX_ATTEMPTS = 12;

function objectPath(op: { kind: string; name: string; namespace?: string }, withName = true): string {
  const def = RESOURCES.find((r) => r.kind === op.kind);
  if (!def) throw new AppError('internal', `No API path known for kind ${op.kind}`);
  const base = collectionPath(def);
  const collection = op.namespace ? `${base.slice(0, base.lastIndexOf('/'))}/namespaces/${encodeURIComponent(op.namespace)}/${def.resource}` : base;
  return withName ? `${collection}/${encodeURIComponent(op.name)}` : collection;
}

function describeOp(op: PlanOperation): string {
  return `${op.action} ${op.kind} ${op.namespace ? `${op.namespace}/` : ''}${op.name}`;
}

/**
 * The escalation 403 means the writer lacks what it grants. Say what to do about it instead of
 * forwarding the API server's wording alone.
 */
function explain(err: AppError, op: PlanOperation): AppError {
  if (err.code === 'forbidden' && /attempting to grant RBAC permissions not currently held/.test(err.message)) {
    const psp = /resourceNames:\["?([^"\]]+)/i.exec(err.message)?.[1];
    return new AppError('forbidden', `The API server refused to ${describeOp(op)}: you may not grant permissions you do not hold yourself. ` +
      `To let others use PodSecurityPolicy ${psp ?? '(this one)'}, you need "use" on it, or the "escalate" verb on clusterroles (to create the role) and "bind" (to bind it). ` +
      `Ask a cluster admin, or have one apply this plan. The API server said: ${err.message}`, { ...err.details, escalation: true });
  }
  return err;
}

async function write(conn: KubeConnection, identity: Identity, op: PlanOperation, dryRun: boolean): Promise<RawObject | undefined> {
  const q = dryRun ? '?dryRun=All' : '';
  const what = `${describeOp(op)}${dryRun ? ' (dry run)' : ''}`;
  let res;
  if (op.action === 'create') res = await conn.request('POST', objectPath(op, false) + q, { identity, body: op.object });
  else if (op.action === 'update') {
    // The precondition: the object must still be the one the plan was made from.
    const body = { ...op.object, metadata: { ...op.object!.metadata, resourceVersion: op.before?.metadata.resourceVersion } };
    res = await conn.request('PUT', objectPath(op) + q, { identity, body });
  } else {
    res = await conn.request('DELETE', objectPath(op) + q, { identity, body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { resourceVersion: op.before?.metadata.resourceVersion } } });
  }
  if (res.status >= 200 && res.status < 300) return op.action === 'delete' ? undefined : (JSON.parse(res.body) as RawObject);
  const verb = op.action === 'create' ? 'create' : op.action === 'update' ? 'update' : 'delete';
  const def = RESOURCES.find((r) => r.kind === op.kind)!;
  throw explain(kubeError(res, what, { verb, group: def.group, resource: def.resource, namespace: op.namespace }), op);
}

/** Reads the objects a failed plan touched, straight from the API server, into a copy of the model. */
async function refresh(conn: KubeConnection, model: ClusterModel, ops: PlanOperation[]): Promise<ClusterModel> {
  const fresh = new Map<string, RawObject | null>();
  for (const op of ops) {
    const res = await conn.request('GET', objectPath(op));
    const key = objectKey(op.kind, op.namespace, op.name);
    if (res.status === 200) fresh.set(key, { ...JSON.parse(res.body), kind: op.kind, apiVersion: op.apiVersion });
    else if (res.status === 404) fresh.set(key, null);
    else throw kubeError(res, `read ${op.kind} ${op.name}`);
  }
  const keep = (o: KubeObject & { kind?: string }) => !fresh.has(objectKey(o.kind ?? '', o.metadata.namespace, o.metadata.name));
  const all = [...model.psps, ...model.clusterRoles, ...model.roles, ...model.clusterRoleBindings, ...model.roleBindings, ...model.serviceAccounts, ...model.namespaces, ...model.workloads]
    .filter(keep) as unknown as RawObject[];
  const objects = [...all, ...[...fresh.values()].filter((o): o is RawObject => !!o)].map((object) => ({ object, where: 'refresh' }));
  return { ...buildModel({ objects, source: model.source, computeAggregation: false }), warnings: model.warnings };
}

/** Undoes what an attempt wrote, newest first. Returns what could not be undone, in words. */
async function rollback(conn: KubeConnection, identity: Identity, done: { op: PlanOperation; result?: RawObject }[]): Promise<string[]> {
  const left: string[] = [];
  for (const { op, result } of [...done].reverse()) {
    try {
      if (op.action === 'create') {
        await write(conn, identity, { ...op, action: 'delete', before: result as KubeObject }, false);
      } else if (op.action === 'update' && op.before) {
        const restored = { ...op.before, metadata: { ...op.before.metadata } };
        await write(conn, identity, { ...op, object: restored, before: result as KubeObject }, false);
      } else {
        left.push(`${describeOp(op)} (a deletion cannot be undone)`);
      }
    } catch (e) {
      left.push(`${describeOp(op)} (undo failed: ${(e as Error).message})`);
    }
  }
  return left;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
  const roleDef = RESOURCES.find((r) => r.kind === role.kind)!;
  const bind = await deniedPermissions(conn, identity, [{ verb: 'bind', group: roleDef.group, resource: roleDef.resource, namespace: role.namespace, name: role.name }]);
  if (bind.length === 0) return true;
  const rules = ((role.object as { rules?: RoleRule[] } | undefined)?.rules ?? []);
  const wanted = rules.flatMap((rule) =>
    (rule.verbs ?? []).flatMap((verb) => (rule.apiGroups ?? ['']).flatMap((group) => (rule.resources ?? []).flatMap((resource) =>
      (rule.resourceNames?.length ? rule.resourceNames : [undefined]).map((name) => ({ verb, group, resource, namespace: binding.namespace, name }))))));
  if (wanted.some((w) => w.verb === '*' || w.group === '*' || w.resource === '*')) return false;
  return (await deniedPermissions(conn, identity, wanted)).length === 0;
}

/** Server-side dry run of every operation, in order. */
async function dryRun(conn: KubeConnection, identity: Identity, plan: Plan): Promise<void> {
  for (const op of plan.operations) {
    try {
      await write(conn, identity, op, true);
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
}

/**
 * Asks the API server, as the writer, whether each operation is allowed (SelfSubjectAccessReview),
 * so that a missing right is said in words before any dry run: "you may not create clusterroles".
 * Escalation (granting what one does not hold) is not a verb check; the dry run finds that.
 */
async function checkRights(conn: KubeConnection, identity: Identity, plan: Plan): Promise<void> {
  const wanted = plan.operations.map((op) => {
    const def = RESOURCES.find((r) => r.kind === op.kind)!;
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

/**
 * Carries out a change on a live cluster: plan, server-side dry run of every operation (validation
 * and RBAC escalation errors surface before anything is written), then apply with resourceVersion
 * preconditions. A 409 re-reads the touched objects, re-plans and tries again (bounded); any other
 * failure undoes what the attempt wrote, or says exactly what is left.
 */
export async function applyChangeLive(conn: KubeConnection, identity: Identity, readModel: () => Promise<ClusterModel>, change: Change, opts: { dryRun: boolean }): Promise<ChangeResult> {
  let model = await readModel();
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const plan: Plan = change.plan(model);
    if (plan.noop) return { plan, dryRun: true, performed: [], attempts: attempt };
    if (attempt === 1) await checkRights(conn, identity, plan);
    try {
      await dryRun(conn, identity, plan);
    } catch (e) {
      if (isAppError(e) && e.code === 'conflict' && attempt < MAX_ATTEMPTS) {
        await sleep(Math.random() * 20 * attempt);
        model = await refresh(conn, model, plan.operations);
        continue;
      }
      throw e;
    }
    if (opts.dryRun) return { plan, dryRun: true, performed: [], attempts: attempt, serverDryRun: true };
    const done: { op: PlanOperation; result?: RawObject }[] = [];
    try {
      for (const op of plan.operations) done.push({ op, result: await write(conn, identity, op, false) });
      return { plan, dryRun: false, performed: done.map((d) => performedOf(d.op)), attempts: attempt, serverDryRun: true };
    } catch (e) {
      const left = await rollback(conn, identity, done);
      if (isAppError(e) && e.code === 'conflict' && left.length === 0 && attempt < MAX_ATTEMPTS) {
        await sleep(5 + Math.random() * 40 * attempt);
        model = await refresh(conn, model, plan.operations);
        continue;
      }
      const written: PerformedOperation[] = done.map((d) => performedOf(d.op));
      if (!isAppError(e)) throw e;
      throw new AppError(e.code, left.length
        ? `${e.message}. The change was only partly applied and could not be fully undone; still in place: ${left.join('; ')}`
        : `${e.message}${written.length ? '. What had been written was undone; the cluster is as before.' : ''}`, { ...e.details, left });
    }
  }
  throw new AppError('conflict', `Gave up after ${MAX_ATTEMPTS} attempts: the objects kept changing underneath. Try again.`);
}
