/**
 * One frozen copy per distinct value, shared by every cached object that holds an equal one (hash
 * consing). The pods of a ReplicaSet carry equal labels, owner references, annotations, security
 * contexts, tolerations and service-account token volumes: at 150,000 pods these copies were about
 * a fifth of the dashboard's heap. Model objects are never changed in place (the engines copy what
 * they change), and the shared copies are frozen so that a change in place fails where it is made
 * instead of reaching every pod that shares it.
 *
 * The table is emptied when it holds more distinct values than any real cluster gives (objects keep
 * the copies they have), so churn cannot grow it without end.
 */
const shared = new Map<string, unknown>();
const MAX_SHARED = 200_000;

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/** The shared copy of `value` (JSON data: fresh from JSON.parse), or `value` itself when undefined or null. */
export function sharedValue<T>(value: T): T {
  if (value === undefined || value === null || typeof value !== 'object') return value;
  const key = JSON.stringify(value);
  const found = shared.get(key);
  if (found !== undefined) return found as T;
  if (shared.size >= MAX_SHARED) shared.clear();
  shared.set(key, deepFreeze(value));
  return value;
}

/** `obj[k] = sharedValue(obj[k])` for each of `keys` that `obj` holds (an existing property replaced keeps the object's shape). */
export function shareFields(obj: Record<string, unknown>, keys: readonly string[]): void {
  for (const k of keys) if (obj[k] !== undefined) obj[k] = sharedValue(obj[k]);
}
