// What the live benchmarks do to a testenv API server besides the dashboard: create objects many at
// a time, and LIST every kind the way the reflector does, bare (the floor any client pays).
import type { KubeConnection } from '../lib/server/kube/connection';
import { RESOURCES, collectionPath } from '../lib/sources/resources';
import type { RawObject } from '../lib/sources/to-model';

export function createPath(obj: RawObject): string {
  const def = RESOURCES.find((r) => r.kind === obj.kind)!;
  const ns = (obj.metadata as { namespace?: string }).namespace;
  const base = collectionPath(def);
  return ns ? `${base.slice(0, base.lastIndexOf('/'))}/namespaces/${ns}/${def.resource}` : base;
}

/**
 * Creates the objects, `concurrency` requests at a time (an object that exists already counts as
 * created), and gives each created object's uid to `created` (owners' uids go into their children).
 */
export async function createAll(conn: KubeConnection, objects: Iterable<RawObject>, concurrency: number, created?: (obj: RawObject, uid: string) => void): Promise<number> {
  const it = objects[Symbol.iterator]();
  let count = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let next = it.next(); !next.done; next = it.next()) {
      const obj = next.value;
      let res = await conn.request('POST', createPath(obj), { body: obj, timeoutMs: 120_000 });
      for (let retry = 0; (res.status === 429 || res.status >= 500) && retry < 5; retry++) {
        await new Promise((ok) => setTimeout(ok, 500 * (retry + 1)));
        res = await conn.request('POST', createPath(obj), { body: obj, timeoutMs: 120_000 });
      }
      if (res.status === 409 && created) {
        const meta = obj.metadata as { name: string };
        res = await conn.request('GET', `${createPath(obj)}/${meta.name}`);
      }
      if (res.status !== 201 && res.status !== 200 && res.status !== 409) throw new Error(`creating ${obj.kind} ${JSON.stringify(obj.metadata)}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
      if (created && res.status !== 409) created(obj, (JSON.parse(res.body) as { metadata: { uid: string } }).metadata.uid);
      count++;
    }
  }));
  return count;
}

/** The dashboard's LISTs (same query as the reflector's first list), all kinds in parallel, bodies parsed. */
export async function bareLists(conn: KubeConnection): Promise<number> {
  let items = 0;
  await Promise.all(RESOURCES.map(async (def) => {
    let cont = '';
    let first = true;
    do {
      const q = new URLSearchParams({ limit: '500' });
      if (first) q.set('resourceVersion', '0');
      if (cont) q.set('continue', cont);
      const res = await conn.request('GET', `${collectionPath(def)}?${q}`, { timeoutMs: 120_000 });
      const list = JSON.parse(res.body) as { items?: unknown[]; metadata?: { continue?: string } };
      items += list.items?.length ?? 0;
      cont = list.metadata?.continue ?? '';
      first = false;
    } while (cont);
  }));
  return items;
}
