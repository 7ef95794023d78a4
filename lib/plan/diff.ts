import { stringify } from 'yaml';
import type { PlanOperation } from './types';
import { withoutServerFields } from './in-memory';
import type { RawObject } from '../sources/to-model';

/** A unified-style YAML diff of one operation: what the reviewer reads before anything is written. */
export function operationDiff(op: PlanOperation): string {
  const header = `${op.action} ${op.kind} ${op.namespace ? `${op.namespace}/` : ''}${op.name}`;
  const toYaml = (o?: object) => (o ? stringify(withoutServerFields(o as RawObject), { lineWidth: 0 }).trimEnd().split('\n') : []);
  const before = toYaml(op.action === 'create' ? undefined : op.before);
  const after = toYaml(op.action === 'delete' ? undefined : op.object);
  return [`# ${header}`, ...lineDiff(before, after)].join('\n');
}

/** Longest-common-subsequence line diff; objects here are small (tens of lines). */
export function lineDiff(a: string[], b: string[]): string[] {
  const n = a.length, m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: string[] = [];
  let i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) { out.push(`  ${a[i]}`); i++; j++; }
    else if (j < m && (i >= n || lcs[i][j + 1] >= lcs[i + 1][j])) { out.push(`+ ${b[j]}`); j++; }
    else { out.push(`- ${a[i]}`); i++; }
  }
  return out;
}
