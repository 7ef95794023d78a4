import 'server-only';
import { AppError } from '../../errors';
import type { PlanOperation } from '../../plan/types';
import { RESOURCES, collectionPath } from '../../sources/resources';
import type { RawObject } from '../../sources/to-model';
import type { Identity, KubeConnection } from '../kube/connection';
import { kubeError } from '../kube/status';

/** The API path of an operation's object (or of its collection). */
export function objectPath(op: { kind: string; name: string; namespace?: string }, withName = true): string {
  const def = RESOURCES.find((r) => r.kind === op.kind);
  if (!def) throw new AppError('internal', `No API path known for kind ${op.kind}`);
  const base = collectionPath(def);
  const collection = op.namespace ? `${base.slice(0, base.lastIndexOf('/'))}/namespaces/${encodeURIComponent(op.namespace)}/${def.resource}` : base;
  return withName ? `${collection}/${encodeURIComponent(op.name)}` : collection;
}

export function resourceOf(kind: string) {
  return RESOURCES.find((r) => r.kind === kind)!;
}

export function describeOp(op: { action: string; kind: string; name: string; namespace?: string }): string {
  return `${op.action} ${op.kind} ${op.namespace ? `${op.namespace}/` : ''}${op.name}`;
}

export function describeObject(op: { kind: string; name: string; namespace?: string }): string {
  return `${op.kind} ${op.namespace ? `${op.namespace}/` : ''}${op.name}`;
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

/** metadata a new object must not carry: the server's own bookkeeping of the one that was. */
export function forCreate(obj: RawObject): RawObject {
  const { resourceVersion: _rv, uid: _uid, creationTimestamp: _ct, managedFields: _mf, generation: _g, selfLink: _sl, deletionTimestamp: _dt, ...metadata } =
    (obj.metadata ?? {}) as Record<string, unknown>;
  return { ...obj, metadata } as RawObject;
}

/**
 * One write of a plan, with a precondition on the object it changes: an update or delete goes
 * through only while the object is the one the plan (or the undo) was made from.
 */
export async function write(conn: KubeConnection, identity: Identity, op: PlanOperation,
  opts: { dryRun: boolean; timeoutMs: number; precondition?: { resourceVersion?: string; uid?: string }; warnings?: string[] }): Promise<RawObject | undefined> {
  const q = opts.dryRun ? '?dryRun=All' : '';
  const what = `${describeOp(op)}${opts.dryRun ? ' (dry run)' : ''}`;
  const pre = opts.precondition ?? { resourceVersion: op.before?.metadata.resourceVersion };
  const common = { identity, timeoutMs: opts.timeoutMs };
  let res;
  if (op.action === 'create') res = await conn.request('POST', objectPath(op, false) + q, { ...common, body: op.object });
  else if (op.action === 'update') {
    const body = { ...op.object, metadata: { ...op.object!.metadata, resourceVersion: pre.resourceVersion } };
    res = await conn.request('PUT', objectPath(op) + q, { ...common, body });
  } else {
    res = await conn.request('DELETE', objectPath(op) + q, { ...common, body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: pre } });
  }
  if (res.status >= 200 && res.status < 300) {
    opts.warnings?.push(...(res.warnings ?? []));
    if (op.action === 'delete') return undefined;
    try {
      return JSON.parse(res.body) as RawObject;
    } catch {
      return undefined; // written; what the server echoed is not needed to go on
    }
  }
  const def = resourceOf(op.kind);
  throw explain(kubeError(res, what, { verb: op.action, group: def.group, resource: def.resource, namespace: op.namespace }), op);
}
