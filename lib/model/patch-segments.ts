import type { ListEdit } from './list-edits';

/** One change of a cache, as a watch journal tells it: an object added (`after`), replaced (both) or removed (`before`). */
export interface SegmentChange<R> {
  before?: R;
  after?: R;
}

/** One segment's changes, and how many objects its cache holds after them (a check that the journal and the cache agree). */
export interface SegmentChanges<R> {
  changes: readonly SegmentChange<R>[];
  size: number;
}

export interface PatchedSegments<T> {
  list: T[];
  counts: number[];
  /** The edits that made `list` from the old list, in order (see list-edits). */
  edits: ListEdit<T>[];
}

const GONE = Symbol('gone');

/**
 * A list made of segments (one per kind, each in its cache's order) patched by each segment's
 * changes: a replaced item in its place, a removed one cut out, an added one at the end of its
 * segment. `find` gives an object's item in the old list or an earlier change of the same batch;
 * `make` makes a new object's item. Undefined when a change names an item that is not in its
 * segment, or a segment's size disagrees with its cache: the caller reads the caches whole.
 *
 * The new list is one array of its exact size, filled in one pass over the old one: at 176,000
 * workloads a copy is 1.4 MB of large-object space, which only a full collection frees, and
 * splicing into an exact-size copy would have V8 allocate a second, half again as large.
 */
export function patchSegments<R, T>(
  old: readonly T[],
  counts: readonly number[],
  segments: readonly SegmentChanges<R>[],
  find: (raw: R) => T | undefined,
  make: (segment: number, raw: R) => T,
): PatchedSegments<T> | undefined {
  /** Old places replaced (their new item) or removed (GONE). */
  const replaced = new Map<number, T | typeof GONE>();
  /** Items put in place of an old one by this batch, and that old place. */
  const placeOf = new Map<T, number>();
  const addedTo: (T | typeof GONE)[][] = [];
  const newCounts: number[] = [];
  let offset = 0;
  for (let s = 0; s < segments.length; s++) {
    const end = offset + counts[s];
    const added: (T | typeof GONE)[] = [];
    /** This batch's added items, and their places in `added`. */
    const addedAt = new Map<T, number>();
    let gone = 0;
    for (const c of segments[s].changes) {
      if (c.before) {
        const item = find(c.before);
        if (item === undefined) return undefined;
        const inAdded = addedAt.get(item);
        if (inAdded !== undefined) {
          addedAt.delete(item);
          if (c.after) addedAt.set((added[inAdded] = make(s, c.after)), inAdded);
          else added[inAdded] = GONE;
          continue;
        }
        const at = placeOf.get(item) ?? (counts[s] > 0 ? old.lastIndexOf(item, end - 1) : -1);
        if (at < offset || replaced.get(at) === GONE) return undefined;
        if (c.after) {
          const next = make(s, c.after);
          replaced.set(at, next);
          placeOf.set(next, at);
        } else {
          replaced.set(at, GONE);
          gone++;
        }
      } else if (c.after) {
        const next = make(s, c.after);
        addedAt.set(next, added.length);
        added.push(next);
      }
    }
    const count = counts[s] - gone + addedAt.size;
    if (count !== segments[s].size) return undefined;
    addedTo.push(added);
    newCounts.push(count);
    offset = end;
  }

  const total = newCounts.reduce((a, b) => a + b, 0);
  // The old list copied to the exact size (a block copy): the places before the first edit, and
  // any run the edits leave where it was, already hold their items.
  const list = total <= old.length ? old.slice(0, total) : old.concat(Array<T>(total - old.length).fill(old[0]));
  const points = [...replaced.keys()].sort((a, b) => a - b);
  const edits: ListEdit<T>[] = [];
  let w = 0;
  let r = 0;
  const copyTo = (to: number) => {
    if (w === r) w += to - r;
    else while (r < to) list[w++] = old[r++];
    r = to;
  };
  let p = 0;
  offset = 0;
  for (let s = 0; s < segments.length; s++) {
    const end = offset + counts[s];
    for (; p < points.length && points[p] < end; p++) {
      const at = points[p];
      copyTo(at);
      r = at + 1;
      const next = replaced.get(at)!;
      if (next === GONE) edits.push({ index: w, removed: old[at] });
      else {
        edits.push({ index: w, removed: old[at], insert: next });
        list[w++] = next;
      }
    }
    copyTo(end);
    for (const a of addedTo[s]) {
      if (a === GONE) continue;
      edits.push({ index: w, insert: a });
      list[w++] = a;
    }
    offset = end;
  }
  return { list, counts: newCounts, edits };
}
