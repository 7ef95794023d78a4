import { objectKey } from '../model/keys';
import type { ClusterModel } from '../model/types';
import { whoCanUse } from './effective-access';

/**
 * "Who may use which PSP where" as three tables an admin sorts and pages: the subjects (with the
 * PSPs each may use and where), the bindings that grant use, and the roles that hold the use rules.
 * Built from whoCanUse for every PSP (the same chains the graph and the audit read).
 */

export interface SubjectRow {
  key: string;
  kind: string;
  name: string;
  namespace?: string;
  /** `psp (where)`, sorted: where is "every namespace" or a namespace. */
  grants: { psp: string; where: string; binding?: string }[];
  psps: number;
}

export interface BindingRow {
  key: string;
  kind: string;
  name: string;
  namespace?: string;
  role: string;
  psps: string[];
  subjects: number;
}

export interface RoleRow {
  key: string;
  kind: string;
  name: string;
  namespace?: string;
  psps: string[];
  bindings: number;
}

export interface AccessTables {
  subjects: SubjectRow[];
  bindings: BindingRow[];
  roles: RoleRow[];
}

const EVERYWHERE = 'every namespace';

export function accessTables(model: ClusterModel): AccessTables {
  const subjects = new Map<string, SubjectRow>();
  const bindings = new Map<string, BindingRow & { subjectKeys: Set<string> }>();
  const roles = new Map<string, RoleRow & { bindingKeys: Set<string> }>();
  const add = <T,>(list: T[], v: T) => (list.includes(v) ? undefined : list.push(v));
  for (const psp of model.psps.map((p) => p.metadata.name)) {
    for (const g of whoCanUse(model, psp)) {
      const s = g.subject;
      const sKey = objectKey(s.kind, s.kind === 'ServiceAccount' ? s.namespace : undefined, s.name);
      const sRow = subjects.get(sKey) ?? { key: sKey, kind: s.kind, name: s.name, namespace: s.kind === 'ServiceAccount' ? s.namespace : undefined, grants: [], psps: 0 };
      const b = g.chain.binding;
      const bKey = b ? objectKey(b.kind, b.namespace, b.name) : undefined;
      sRow.grants.push({ psp, where: g.namespace ?? EVERYWHERE, binding: bKey });
      subjects.set(sKey, sRow);
      if (!b || !bKey || !g.chain.role) continue;
      const r = g.chain.role;
      const rKey = objectKey(r.kind, r.namespace, r.name);
      const bRow = bindings.get(bKey) ?? { key: bKey, kind: b.kind, name: b.name, namespace: b.namespace, role: rKey, psps: [], subjects: 0, subjectKeys: new Set() };
      add(bRow.psps, psp);
      bRow.subjectKeys.add(sKey);
      bindings.set(bKey, bRow);
      const rRow = roles.get(rKey) ?? { key: rKey, kind: r.kind, name: r.name, namespace: r.namespace, psps: [], bindings: 0, bindingKeys: new Set() };
      add(rRow.psps, psp);
      rRow.bindingKeys.add(bKey);
      roles.set(rKey, rRow);
    }
  }
  return {
    subjects: [...subjects.values()].map((r) => ({ ...r, psps: new Set(r.grants.map((g) => g.psp)).size })),
    bindings: [...bindings.values()].map(({ subjectKeys, ...r }) => ({ ...r, subjects: subjectKeys.size })),
    roles: [...roles.values()].map(({ bindingKeys, ...r }) => ({ ...r, bindings: bindingKeys.size })),
  };
}

/** Rows sorted by one column (numbers numerically, text by name), ties by key: a stable order to page through. */
export function sortRows<T extends { key: string }>(rows: T[], column: keyof T, dir: 'asc' | 'desc'): T[] {
  const value = (r: T) => {
    const v = r[column];
    return Array.isArray(v) ? v.length : v;
  };
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x ?? '').localeCompare(String(y ?? ''));
    return sign * c || a.key.localeCompare(b.key);
  });
}
