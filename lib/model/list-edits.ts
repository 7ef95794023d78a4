/**
 * How a list was made from another by a few edits, told by whoever made it (the live cache, which
 * patches the model's workloads from the watch events) to whoever walks both (the simulation's scan
 * of the top-level workloads). Walking 176,000 workloads to find what changed costs a read of every
 * object, scattered over the heap; replaying two edits costs two splices.
 *
 * Kept in a WeakMap by the new list: the lists stay plain arrays, and a list nobody recorded (a
 * snapshot, a test's model) is walked as before.
 */

/** One edit, applied to the list as the edits before it left it: the item at `index` removed (when `remove`), then `insert` (when given) put at `index`. */
export interface ListEdit<T> {
  index: number;
  remove: boolean;
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
