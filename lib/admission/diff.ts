/**
 * apimachinery's Semantic.DeepEqual over JSON-shaped pods: nil and empty slices are equal, and so are
 * nil and empty maps (annotations, labels, selectors). A nil struct pointer is not equal to an empty
 * struct, which in JSON is `undefined` vs `{}` for every object key that is not a map.
 */

/** Object-valued fields that are Go maps, where `{}` equals absent. */
const MAP_KEYS = new Set(['annotations', 'labels', 'nodeSelector', 'matchLabels', 'data', 'overhead', 'limits', 'requests']);

const isNil = (v: unknown) => v === undefined || v === null;
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function isEmptySliceOrNil(v: unknown): boolean {
  return isNil(v) || (Array.isArray(v) && v.length === 0);
}

function isEmptyMapOrNil(v: unknown): boolean {
  return isNil(v) || (isPlainObject(v) && Object.keys(v).length === 0);
}

export function semanticEqual(a: unknown, b: unknown, key?: string): boolean {
  if (a === b) return true;
  if (isNil(a) && isNil(b)) return true;
  if ((Array.isArray(a) || Array.isArray(b)) && isEmptySliceOrNil(a) && isEmptySliceOrNil(b)) return true;
  if (key !== undefined && MAP_KEYS.has(key) && isEmptyMapOrNil(a) && isEmptyMapOrNil(b)) return true;
  if (isNil(a) || isNil(b)) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!semanticEqual(a[i], b[i])) return false;
    return true;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    // Hot in bulk simulation (once per pod and PSP): no key-set allocation, and mutated copies share
    // untouched subtrees with the original, so most fields end at the identity check above.
    for (const k in a) if (!semanticEqual(a[k], b[k], k)) return false;
    for (const k in b) if (!(k in a) && !semanticEqual(undefined, b[k], k)) return false;
    return true;
  }
  return false;
}

export interface Mutation {
  /** Field path in the API server's notation: `spec.containers[0].securityContext.runAsUser`. */
  path: string;
  before?: unknown;
  after?: unknown;
}

function childPath(path: string, key: string, parentKey: string | undefined): string {
  if (parentKey !== undefined && MAP_KEYS.has(parentKey)) return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/** The leaf-level changes from `before` to `after`, in field order. */
export function diffObjects(before: unknown, after: unknown, path = '', key?: string): Mutation[] {
  if (semanticEqual(before, after, key)) return [];
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((x, i) => diffObjects(x, after[i], `${path}[${i}]`));
  }
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => diffObjects(before[k], after[k], childPath(path, k, key), k));
  }
  // A whole subtree appeared or vanished: report its leaves so the diff names each defaulted field.
  if (isNil(before) && isPlainObject(after) && !(key && MAP_KEYS.has(key) && Object.keys(after).length === 0)) {
    const keys = Object.keys(after);
    if (keys.length > 0) return keys.flatMap((k) => diffObjects(undefined, after[k], childPath(path, k, key), k));
  }
  const m: Mutation = { path };
  if (!isNil(before)) m.before = before;
  if (!isNil(after)) m.after = after;
  return [m];
}
