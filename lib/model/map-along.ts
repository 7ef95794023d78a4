import { editsFrom, patchedBy, type ListEdit } from './list-edits';

/**
 * `items.map(make)`, reusing the last answers where the items are the last items in the same order:
 * a live model changes by an object added, replaced or removed at a time, and a walk along the last
 * list costs a comparison per item where a lookup per item (a WeakMap of 150,000 entries) costs ten.
 * `lastOut[k]` is the last answer for the item `keyOf(last[k])` (`lastOut` defaults to `last`).
 */
export function mapAlong<I, O, L>(items: I[], last: L[], keyOf: (l: L) => unknown, make: (item: I) => O, lastOut: O[] = last as unknown as O[]): O[] {
  const out = new Array<O>(items.length);
  let j = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    // Skip up to two gone items of the last list (deletions) before giving up on this one.
    let k = j;
    while (k < last.length && k <= j + 2 && keyOf(last[k]) !== item) k++;
    if (k < last.length && k <= j + 2) {
      out[i] = lastOut[k];
      j = k + 1;
    } else out[i] = make(item);
  }
  return out;
}

/** The same items in the same order (by identity). */
export function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * What changed from `last` to `items`, walked along as mapAlong walks: the items not matched to an
 * item of the last list (new, or replaced) and the last items skipped (gone, or replaced). Every
 * other item is at the same place relative to the matched ones, so a group of items (a namespace's)
 * with no changed member keeps its members in the same order. `undefined` when more than `limit`
 * items changed (then recomputing everything is cheaper).
 */
export function changesAlong<T>(items: readonly T[], last: readonly T[], limit: number): { added: T[]; removed: T[] } | undefined {
  if (items === last) return { added: [], removed: [] };
  const edits = editsFrom(items, last);
  if (edits) return edits.length > limit ? undefined : changesOfEdits(edits);
  const added: T[] = [];
  const removed: T[] = [];
  let j = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    let k = j;
    while (k < last.length && k <= j + 2 && last[k] !== item) k++;
    if (k < last.length && k <= j + 2) {
      for (let g = j; g < k; g++) removed.push(last[g]);
      j = k + 1;
    } else added.push(item);
    if (added.length + removed.length > limit) return undefined;
  }
  for (let g = j; g < last.length; g++) removed.push(last[g]);
  return added.length + removed.length > limit ? undefined : { added, removed };
}

/** What `edits` added and removed, an item both added and removed by them in neither. */
function changesOfEdits<T>(edits: readonly ListEdit<T>[]): { added: T[]; removed: T[] } {
  const added: T[] = [];
  const removed: T[] = [];
  for (const e of edits) {
    if (e.removed !== undefined) {
      const at = added.indexOf(e.removed);
      if (at >= 0) added.splice(at, 1);
      else removed.push(e.removed);
    }
    if (e.insert !== undefined) {
      const at = removed.indexOf(e.insert);
      if (at >= 0) removed.splice(at, 1);
      else added.push(e.insert);
    }
  }
  return { added, removed };
}

/**
 * `items.map(make)` given the last items and their answers: the same list keeps its answers, a list
 * whose maker recorded its edits from the last (list-edits) has them replayed on the last answers,
 * and any other is walked along the last (mapAlong).
 */
export function mapFollowing<I, O>(items: I[], last: I[] | undefined, lastOut: O[] | undefined, make: (item: I) => O): O[] {
  if (!last || !lastOut) return items.map(make);
  if (items === last) return lastOut;
  const edits = editsFrom(items, last);
  if (edits) return patchedBy(lastOut, edits, make).list;
  return mapAlong(items, last, (l) => l, make, lastOut);
}
