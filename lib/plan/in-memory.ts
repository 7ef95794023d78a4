import { stringify } from 'yaml';
import { AppError } from '../errors';
import { objectKey } from '../model/keys';
import type { KubeObject } from '../model/types';
import type { RawObject } from '../sources/to-model';
import type { Plan } from './types';

/**
 * The demo and snapshot sources apply plans to an in-memory copy of their objects. Writes carry a
 * resourceVersion precondition as on a real API server, so a stale plan is a conflict here too.
 */
export type ObjectStore = ReadonlyMap<string, RawObject>;

export function storeKey(o: { kind?: string; metadata?: unknown }): string {
  const m = (o.metadata ?? {}) as { name?: string; namespace?: string };
  return objectKey(o.kind ?? '', m.namespace, m.name ?? '');
}

export function toStore(objects: RawObject[]): Map<string, RawObject> {
  return new Map(objects.map((o) => [storeKey(o), o]));
}

function rv(o: KubeObject | RawObject | undefined): string | undefined {
  return (o?.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
}

/** Applies every operation or none; returns the new store. `nextVersion` stamps written objects. */
export function applyPlanToStore(store: ObjectStore, plan: Plan, nextVersion: () => string): Map<string, RawObject> {
  const next = new Map(store);
  for (const op of plan.operations) {
    const key = objectKey(op.kind, op.namespace, op.name);
    const current = next.get(key);
    const label = `${op.kind} ${op.namespace ? `${op.namespace}/` : ''}${op.name}`;
    if (op.action === 'create') {
      if (current) throw new AppError('conflict', `${label} already exists`);
      next.set(key, stamp(op.object as RawObject, nextVersion()));
      continue;
    }
    if (!current) throw new AppError('conflict', `${label} no longer exists`);
    if (rv(current) !== rv(op.before)) throw new AppError('conflict', `${label} was changed since the plan was made; plan again`);
    if (op.action === 'update') next.set(key, stamp(op.object as RawObject, nextVersion()));
    else next.delete(key);
  }
  return next;
}

function stamp(obj: RawObject, version: string): RawObject {
  const copy = JSON.parse(JSON.stringify(obj)) as RawObject;
  copy.metadata = { ...(copy.metadata as object), resourceVersion: version };
  return copy;
}

export interface NetChanges {
  /** Objects to create or update, as they should end up. */
  apply: RawObject[];
  /** Objects to delete. */
  delete: { kind: string; apiVersion: string; name: string; namespace?: string }[];
}

/** What the pending changes amount to, object by object: base → current. */
export function netChanges(base: ObjectStore, current: ObjectStore): NetChanges {
  const apply: RawObject[] = [];
  const del: NetChanges['delete'] = [];
  for (const [key, obj] of current) {
    const before = base.get(key);
    if (!before || JSON.stringify(withoutServerFields(before)) !== JSON.stringify(withoutServerFields(obj))) apply.push(withoutServerFields(obj));
  }
  for (const [key, obj] of base) {
    if (current.has(key)) continue;
    const m = obj.metadata as { name: string; namespace?: string };
    del.push({ kind: obj.kind!, apiVersion: obj.apiVersion ?? '', name: m.name, namespace: m.namespace });
  }
  // Grants are made in dependency order (a binding never refers to a role not made yet) and
  // removed in the reverse order (a binding never left pointing at a deleted role).
  const order = (k?: string) => GRANT_ORDER.indexOf(k ?? '');
  apply.sort((a, b) => order(a.kind) - order(b.kind) || storeKey(a).localeCompare(storeKey(b)));
  const key = (d: NetChanges['delete'][number]) => objectKey(d.kind, d.namespace, d.name);
  del.sort((a, b) => order(b.kind) - order(a.kind) || key(a).localeCompare(key(b)));
  return { apply, delete: del };
}

const GRANT_ORDER = ['PodSecurityPolicy', 'ClusterRole', 'Role', 'ClusterRoleBinding', 'RoleBinding'];

/** Fields the API server owns: never part of an exported manifest. */
export function withoutServerFields(obj: RawObject): RawObject {
  const { resourceVersion: _rv, uid: _uid, creationTimestamp: _ct, managedFields: _mf, generation: _g, selfLink: _sl, ...meta } = (obj.metadata ?? {}) as Record<string, unknown>;
  const { status: _status, ...rest } = obj as RawObject & { status?: unknown };
  return { ...rest, metadata: meta };
}

const RESOURCE_NAMES: Record<string, string> = {
  PodSecurityPolicy: 'podsecuritypolicy', ClusterRole: 'clusterrole', Role: 'role', ClusterRoleBinding: 'clusterrolebinding', RoleBinding: 'rolebinding',
};

/**
 * One YAML file for `kubectl apply -f` (or a GitOps repository); deletions are listed as comments,
 * to run after the apply succeeded, bindings before roles before PSPs (see netChanges).
 */
export function exportYaml(changes: NetChanges): string {
  const header = ['# Pending changes from PSP Dashboard.', '# Apply with: kubectl apply -f this-file.yaml'];
  if (changes.delete.length) {
    header.push('# Then, only after the apply succeeded, delete (kubectl apply does not delete), in this order:');
    for (const d of changes.delete) header.push(`#   kubectl delete ${RESOURCE_NAMES[d.kind] ?? d.kind.toLowerCase()} ${d.name}${d.namespace ? ` -n ${d.namespace}` : ''}`);
  }
  const docs = changes.apply.map((o) => stringify(o, { lineWidth: 0 }).trimEnd());
  return `${header.join('\n')}\n${docs.length ? `---\n${docs.join('\n---\n')}\n` : ''}`;
}

/**
 * The same changes as kubectl commands: every grant first, then the removals (bindings, then roles,
 * then PSPs), so that under `set -e` a failure midway leaves more access, never less — nobody is
 * left unable to create pods. (A name deleted and re-created is one update in net changes: no collision.)
 */
export function exportKubectl(changes: NetChanges): string {
  const lines = ['#!/bin/sh', '# Pending changes from PSP Dashboard, as kubectl commands: grants first, then removals.', 'set -e'];
  for (const o of changes.apply) lines.push(`kubectl apply -f - <<'EOF'\n${stringify(o, { lineWidth: 0 }).trimEnd()}\nEOF`);
  for (const d of changes.delete) lines.push(`kubectl delete ${RESOURCE_NAMES[d.kind] ?? d.kind.toLowerCase()} ${shellQuote(d.name)}${d.namespace ? ` -n ${shellQuote(d.namespace)}` : ''}`);
  return `${lines.join('\n')}\n`;
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9._:/-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
