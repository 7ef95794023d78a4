/**
 * How a list was made from another by a few edits, told by whoever made it (the live cache, which
 * patches the model's workloads from the watch events) to whoever walks both (the simulation's scan
 * of the top-level workloads). Walking 176,000 workloads to find what changed costs a read of every
 * object, scattered over the heap; replaying two edits costs two splices.
 *
 * Kept in a WeakMap by the new list: the lists stay plain arrays, and a list nobody recorded (a
 * snapshot, a test's model) is walked as before.
 */

/**
 * One edit, applied to the list as the edits before it left it: the item at `index` (`removed`)
 * taken out, when given, then `insert`, when given, put at `index`. Items are never undefined.
 */
export interface ListEdit<T> {
  index: number;
  removed?: T;
  insert?: T;
}

/**
 * `from` is held weakly: each list's record would otherwise keep the list before it alive, whose
 * record keeps the one before that, and a live cluster's every model would stay in memory. (A
 * WeakRef keeps its target until the current task ends: fine for a server, where each request and
 * each watch event is a task of its own.)
 */
const derivations = new WeakMap<readonly unknown[], { from: WeakRef<readonly unknown[]>; edits: readonly ListEdit<unknown>[] }>();

/** Says that `list` is `from` with `edits` applied in order. */
export function recordEdits<T>(list: readonly T[], from: readonly T[], edits: readonly ListEdit<T>[]): void {
  derivations.set(list, { from: new WeakRef(from), edits });
}

/** The edits that make `list` from `from`, when whoever made `list` recorded them. */
export function editsFrom<T>(list: readonly T[], from: readonly T[]): readonly ListEdit<T>[] | undefined {
  const d = derivations.get(list);
  return d?.from.deref() === from ? (d.edits as readonly ListEdit<T>[]) : undefined;
}

/**
 * `list` patched by `edits` made on another list whose items are `list`'s keys (the top-level
 * workloads, for their results): an inserted item is made by `make`, a removed one is `list`'s item
 * at that place. Gives the new list and the edits in its own items' terms (to record for its
 * readers). The list is made once at the size it needs (an insertion by splice would have V8 grow
 * a copy by half): it is kept until the next event, long enough to be moved to the old generation.
 */
export function patchedBy<K, T>(list: readonly T[], edits: readonly ListEdit<K>[], make: (key: K) => T): { list: T[]; edits: ListEdit<T>[] } {
  let size = list.length;
  let room = size;
  for (const e of edits) {
    if (e.removed !== undefined) size--;
    if (e.insert !== undefined) room = Math.max(room, ++size);
  }
  const out = room === list.length ? list.slice() : list.concat(Array<T>(room - list.length).fill(list[0]));
  const mapped: ListEdit<T>[] = [];
  size = list.length;
  for (const e of edits) {
    const edit: ListEdit<T> = { index: e.index };
    if (e.removed !== undefined) {
      edit.removed = out[e.index];
      for (let i = e.index + 1; i < size; i++) out[i - 1] = out[i];
      size--;
    }
    if (e.insert !== undefined) {
      for (let i = size; i > e.index; i--) out[i] = out[i - 1];
      out[e.index] = edit.insert = make(e.insert);
      size++;
    }
    mapped.push(edit);
  }
  // Shrinking trims the array where it is (no copy).
  out.length = size;
  return { list: out, edits: mapped };
}
