import 'server-only';
import { AppError, isAppError } from '../../errors';
import type { PlanOperation } from '../../plan/types';
import type { RawObject } from '../../sources/to-model';
import type { Identity, KubeConnection } from '../kube/connection';
import { describeObject, describeOp, forCreate, objectPath, write } from './writes';

/**
 * After a write failed, what is true is only what the API server says when read back. A write that
 * timed out may still land (a frozen server processes it when it resumes), so its outcome is
 * unknown until read; undoing what came before it regardless could leave a binding whose role is
 * gone (which a later re-creation of the role revives). Here: read back, undo what is verified as
 * written newest first with preconditions, stop at the first object whose state is unknown (so no
 * state is more permissive than before or after the plan), read back again, and say exactly that.
 */

export type ObjectState = { state: 'present'; object: RawObject } | { state: 'absent' } | { state: 'unknown'; why: string };

/** How a touched object stands compared with the plan. */
export type Standing = 'as-before' | 'as-written' | 'changed-elsewhere' | 'unknown';

export interface Touched {
  op: PlanOperation;
  /** What the API server answered to the write, when it answered. */
  result?: RawObject;
  /** The write was sent but no answer came (timeout, reset): it may or may not have landed. */
  uncertain?: boolean;
}

export interface ObjectOutcome {
  action: PlanOperation['action'];
  kind: string;
  name: string;
  namespace?: string;
  state: Standing;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads one object, retrying with backoff until the API server answers or the deadline passes. */
export async function readBack(conn: KubeConnection, op: PlanOperation, deadline: number): Promise<ObjectState> {
  let delay = 200;
  let why = 'no answer';
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return { state: 'unknown', why };
    try {
      const res = await conn.request('GET', objectPath(op), { timeoutMs: Math.max(500, Math.min(5_000, left)) });
      if (res.status === 200) return { state: 'present', object: JSON.parse(res.body) as RawObject };
      if (res.status === 404) return { state: 'absent' };
      if (res.status === 401 || res.status === 403) return { state: 'unknown', why: `the dashboard may not read it (HTTP ${res.status})` };
      why = `HTTP ${res.status}`;
    } catch (e) {
      why = (e as Error).message;
    }
    await sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
    delay = Math.min(delay * 2, 2_000);
  }
}

/** What grants: the fields that decide who may do what (a namespace's labels: its Pod Security levels). */
function policyContent(o: unknown): string {
  const x = (o ?? {}) as Record<string, unknown>;
  const labels = x.kind === 'Namespace' ? ((x.metadata ?? {}) as { labels?: unknown }).labels ?? null : null;
  return JSON.stringify([x.rules ?? null, x.aggregationRule ?? null, x.roleRef ?? null, x.subjects ?? null, x.spec ?? null, labels]);
}

const uidOf = (o?: RawObject) => (o?.metadata as { uid?: string } | undefined)?.uid;
const rvOf = (o?: RawObject) => (o?.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;

export function standing(t: Touched, s: ObjectState): Standing {
  if (s.state === 'unknown') return 'unknown';
  const { op } = t;
  const present = s.state === 'present' ? s.object : undefined;
  const before = op.before as unknown as RawObject | undefined;
  switch (op.action) {
    case 'create':
      if (!present) return 'as-before';
      if (t.result ? uidOf(present) === uidOf(t.result) : policyContent(present) === policyContent(op.object)) return 'as-written';
      return 'changed-elsewhere';
    case 'update':
      if (!present) return 'changed-elsewhere';
      if (t.result && rvOf(present) === rvOf(t.result)) return 'as-written';
      if (policyContent(present) === policyContent(op.object) && policyContent(op.object) !== policyContent(before)) return 'as-written';
      if (policyContent(present) === policyContent(before)) return 'as-before';
      return 'changed-elsewhere';
    case 'delete':
      if (!present) return 'as-written';
      return uidOf(present) === uidOf(before) ? 'as-before' : 'changed-elsewhere';
  }
}

/** Undoes one operation verified as written, with preconditions on the object as it is now. */
async function undo(conn: KubeConnection, identity: Identity, op: PlanOperation, current: ObjectState, timeoutMs: number): Promise<void> {
  const now = current.state === 'present' ? current.object : undefined;
  if (op.action === 'create') {
    await write(conn, identity, { ...op, action: 'delete' }, { dryRun: false, timeoutMs, precondition: { uid: uidOf(now), resourceVersion: rvOf(now) } });
  } else if (op.action === 'update') {
    const restored = { ...op.before!, metadata: { ...op.before!.metadata } };
    await write(conn, identity, { ...op, object: restored }, { dryRun: false, timeoutMs, precondition: { resourceVersion: rvOf(now) } });
  } else {
    await write(conn, identity, { ...op, action: 'create', object: forCreate(op.before as unknown as RawObject) as never }, { dryRun: false, timeoutMs });
  }
}

export interface RecoveryLimits {
  requestTimeoutMs: number;
  deadline: number;
}

/**
 * Brings a failed plan back to where it started as far as the API server lets us, and returns
 * the error to answer with: the original failure, plus what reading the cluster back showed.
 */
export async function recover(conn: KubeConnection, identity: Identity, touched: Touched[], failure: AppError, limits: RecoveryLimits): Promise<{ error: AppError; clean: boolean }> {
  if (touched.length === 0) return { error: failure, clean: true };
  const states = await Promise.all(touched.map((t) => readBack(conn, t.op, limits.deadline)));
  // Newest first; stop at the first object that is not verified (undoing what came before it could
  // leave a state the plan never meant, such as a binding without its role).
  for (let i = touched.length - 1; i >= 0; i--) {
    const st = standing(touched[i], states[i]);
    if (st === 'as-before') continue;
    if (st !== 'as-written') break;
    try {
      await undo(conn, identity, touched[i].op, states[i], Math.max(500, Math.min(limits.requestTimeoutMs, limits.deadline - Date.now())));
    } catch {
      break; // read back below says how it stands
    }
  }
  const finals = await Promise.all(touched.map((t) => readBack(conn, t.op, Math.max(limits.deadline, Date.now() + 2_000))));
  const outcomes: ObjectOutcome[] = touched.map((t, i) => {
    const st = standing(t, finals[i]);
    return { action: t.op.action, kind: t.op.kind, name: t.op.name, ...(t.op.namespace ? { namespace: t.op.namespace } : {}), state: st };
  });
  return { error: explainOutcome(failure, touched, outcomes), clean: outcomes.every((o) => o.state === 'as-before') };
}

const STANDING_WORDS: Record<Standing, string> = {
  'as-before': 'as before',
  'as-written': 'as this change wrote it',
  'changed-elsewhere': 'changed by someone else meanwhile',
  unknown: 'unknown (the API server did not answer in time)',
};

function explainOutcome(failure: AppError, touched: Touched[], outcomes: ObjectOutcome[]): AppError {
  const details = { ...failure.details, objects: outcomes, left: outcomes.filter((o) => o.state !== 'as-before').map((o) => `${describeOp(o)}: ${STANDING_WORDS[o.state]}`) };
  if (outcomes.every((o) => o.state === 'as-before')) {
    return new AppError(failure.code, `${failure.message}. Read back from the API server, nothing of this change remains: the cluster is as before.`, details);
  }
  const lines = outcomes.map((o) => `${describeObject(o)} is ${STANDING_WORDS[o.state]}`);
  const unknown = outcomes.filter((o) => o.state === 'unknown');
  const check = unknown.length
    ? ` Check ${unknown.length === 1 ? 'it' : 'them'} once the API server answers: ${unknown.map((o) => `kubectl get ${o.kind.toLowerCase()} ${o.name}${o.namespace ? ` -n ${o.namespace}` : ''} -o yaml`).join('; ')}.`
    : '';
  const wrote = touched.some((t) => !t.uncertain) ? 'The change was only partly applied and could not be fully undone.' : 'Whether the change was applied could not be fully verified.';
  return new AppError(isAppError(failure) ? failure.code : 'unreachable', `${failure.message}. ${wrote} Read back from the API server: ${lines.join('; ')}.${check}`, details);
}
