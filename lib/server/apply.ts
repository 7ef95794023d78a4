import 'server-only';
import { AppError, isAppError } from '../errors';
import { objectKey } from '../model/keys';
import type { ClusterModel, KubeObject } from '../model/types';
import { performedOf, type Change, type ChangeResult } from '../plan/change';
import { withGrantsFirst } from '../plan/order';
import type { Plan, PlanOperation } from '../plan/types';
import { buildModel, type RawObject } from '../sources/to-model';
import type { Identity, KubeConnection } from './kube/connection';
import { kubeError } from './kube/status';
import { checkRights, dryRunPlan } from './apply/preflight';
import { recover, type Touched } from './apply/recovery';
import { objectPath, write } from './apply/writes';

const MAX_ATTEMPTS = 12;

export interface ApplyLimits {
  /** One API request. */
  requestTimeoutMs: number;
  /** The writes of one attempt and, after a failure, reading back and undoing: together at most this long… */
  budgetMs: number;
  /** …except that reading back always gets at least this long after a failure. */
  recoveryMinMs: number;
}

/** A change's writes and their verification take at most about 55 s, whatever the API server does. */
export const APPLY_LIMITS: ApplyLimits = { requestTimeoutMs: 10_000, budgetMs: 45_000, recoveryMinMs: 10_000 };

/** For tests: run code between the writes of a plan (to freeze the API server at a chosen step). */
export interface ApplyHooks {
  beforeWrite?(index: number, op: PlanOperation): Promise<void> | void;
  afterWrite?(index: number, op: PlanOperation): Promise<void> | void;
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A failure that leaves the write's outcome open: no answer, a reset, or the server failing. */
function uncertain(e: AppError): boolean {
  return e.code === 'unreachable' || e.code === 'internal';
}

function asAppError(e: unknown): AppError {
  return isAppError(e) ? e : new AppError('unreachable', `The write failed: ${(e as Error)?.message ?? String(e)}`);
}

/**
 * Carries out a change on a live cluster: plan (grants written before removals); a SelfSubjectAccessReview per operation as the
 * writer; a server-side dry run of every operation (validation and RBAC escalation errors surface
 * before anything is written); then the writes, with resourceVersion preconditions. A 409 re-reads
 * the touched objects, re-plans and tries again (bounded). Any other failure reads the touched
 * objects back, undoes what is verified as written (newest first, with preconditions) and answers
 * with what the API server then says about each object (lib/server/apply/recovery.ts).
 */
export async function applyChangeLive(conn: KubeConnection, identity: Identity, readModel: () => Promise<ClusterModel>, change: Change, opts: { dryRun: boolean },
  limits: ApplyLimits = APPLY_LIMITS, hooks: ApplyHooks = {}): Promise<ChangeResult> {
  let model = await readModel();
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    // Grants before removals: a failure midway leaves more access, never less (lib/plan/order.ts).
    const plan: Plan = withGrantsFirst(change.plan(model));
    if (plan.noop) return { plan, dryRun: true, performed: [], attempts: attempt };
    if (attempt === 1) await checkRights(conn, identity, plan);
    let serverWarnings: string[];
    try {
      serverWarnings = await dryRunPlan(conn, identity, plan, limits.requestTimeoutMs);
    } catch (e) {
      if (isAppError(e) && e.code === 'conflict' && attempt < MAX_ATTEMPTS) {
        await sleep(Math.random() * 20 * attempt);
        model = await refresh(conn, model, plan.operations);
        continue;
      }
      throw e;
    }
    if (opts.dryRun) return { plan, dryRun: true, performed: [], attempts: attempt, serverDryRun: true, serverWarnings };
    const deadline = Date.now() + limits.budgetMs;
    const touched: Touched[] = [];
    let failure: AppError | undefined;
    for (const [i, op] of plan.operations.entries()) {
      const left = deadline - Date.now();
      if (left <= 0) {
        failure = new AppError('unreachable', `The writes took longer than ${Math.round(limits.budgetMs / 1000)} s, so the rest was not written`);
        break;
      }
      await hooks.beforeWrite?.(i, op);
      try {
        touched.push({ op, result: await write(conn, identity, op, { dryRun: false, timeoutMs: Math.min(limits.requestTimeoutMs, left) }) });
      } catch (e) {
        failure = asAppError(e);
        if (uncertain(failure)) touched.push({ op, uncertain: true });
        break;
      }
      await hooks.afterWrite?.(i, op);
    }
    if (!failure) return { plan, dryRun: false, performed: touched.map((t) => performedOf(t.op)), attempts: attempt, serverDryRun: true, serverWarnings };
    const { error, clean } = await recover(conn, identity, touched, failure, {
      requestTimeoutMs: limits.requestTimeoutMs,
      deadline: Math.max(deadline, Date.now() + limits.recoveryMinMs),
    });
    if (failure.code === 'conflict' && clean && attempt < MAX_ATTEMPTS) {
      await sleep(5 + Math.random() * 40 * attempt);
      model = await refresh(conn, model, plan.operations);
      continue;
    }
    throw error;
  }
  throw new AppError('conflict', `Gave up after ${MAX_ATTEMPTS} attempts: the objects kept changing underneath. Try again.`);
}
