import { describe, expect, it } from 'vitest';
import { patchSegments, type SegmentChange } from './patch-segments';
import type { ListEdit } from './list-edits';

/** A cache's object and the list item made of it. */
interface Raw { id: number }
interface Item { of: Raw }

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

function applyEdits<T>(list: readonly T[], edits: readonly ListEdit<T>[]): T[] {
  const out = [...list];
  for (const e of edits) {
    if (e.removed !== undefined) expect(out[e.index]).toBe(e.removed);
    out.splice(e.index, e.removed !== undefined ? 1 : 0, ...(e.insert !== undefined ? [e.insert] : []));
  }
  return out;
}

describe('patchSegments', () => {
  it('gives, for random batches over several segments, the caches in order, the same items for unchanged objects, and edits that make the new list from the old', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const rnd = random(seed);
      let id = 0;
      const segmentCount = 1 + Math.floor(rnd() * 3);
      // Each segment's cache, in its order (a Map keeps insertion order; a replaced object keeps its place).
      const caches = Array.from({ length: segmentCount }, () => new Map<number, Raw>());
      const itemOf = new Map<Raw, Item>();
      const make = (_s: number, raw: Raw) => {
        const item = { of: raw };
        itemOf.set(raw, item);
        return item;
      };
      for (const cache of caches) for (let i = Math.floor(rnd() * 6); i > 0; i--) cache.set(id, { id: id++ });
      const old = caches.flatMap((c) => [...c.values()].map((raw) => make(0, raw)));
      const counts = caches.map((c) => c.size);

      const batches = caches.map((cache) => {
        const changes: SegmentChange<Raw>[] = [];
        for (let n = Math.floor(rnd() * 6); n > 0; n--) {
          const keys = [...cache.keys()];
          const pick = keys[Math.floor(rnd() * keys.length)];
          const what = keys.length === 0 ? 0 : Math.floor(rnd() * 3);
          if (what === 0) {
            const raw = { id: id++ };
            cache.set(raw.id, raw);
            changes.push({ after: raw });
          } else if (what === 1) {
            const raw = { id: pick };
            changes.push({ before: cache.get(pick), after: raw });
            cache.set(pick, raw);
          } else {
            changes.push({ before: cache.get(pick) });
            cache.delete(pick);
          }
        }
        return { changes, size: cache.size };
      });

      const patched = patchSegments(old, counts, batches, (raw) => itemOf.get(raw), make);
      expect(patched, `seed ${seed}`).toBeDefined();
      const want = caches.flatMap((c) => [...c.values()]);
      expect(patched!.list.map((i) => i.of), `seed ${seed}`).toEqual(want);
      expect(patched!.counts).toEqual(caches.map((c) => c.size));
      // Unchanged objects keep their items (the simulation's answers are kept by identity).
      for (const item of patched!.list) expect(item).toBe(itemOf.get(item.of));
      expect(applyEdits(old, patched!.edits), `seed ${seed}`).toEqual(patched!.list);
      for (let i = 0; i < patched!.list.length; i++) expect(applyEdits(old, patched!.edits)[i]).toBe(patched!.list[i]);
    }
  });

  it('refuses a change whose object is not in its segment, and a segment whose size disagrees with its cache', () => {
    const raws = [{ id: 1 }, { id: 2 }];
    const items = raws.map((of) => ({ of }));
    const find = (raw: Raw) => items.find((i) => i.of === raw);
    const make = (_s: number, of: Raw) => ({ of });
    // Object 2 is in the second segment, not the first.
    expect(patchSegments(items, [1, 1], [{ changes: [{ before: raws[1] }], size: 0 }, { changes: [], size: 1 }], find, make)).toBeUndefined();
    expect(patchSegments(items, [2], [{ changes: [{ before: { id: 3 } }], size: 1 }], find, make)).toBeUndefined();
    expect(patchSegments(items, [2], [{ changes: [{ after: { id: 3 } }], size: 2 }], find, make)).toBeUndefined();
    expect(patchSegments(items, [2], [{ changes: [{ after: { id: 3 } }], size: 3 }], find, make)?.list.map((i) => i.of.id)).toEqual([1, 2, 3]);
  });

  it('makes the list at its exact size, packed', () => {
    const items = Array.from({ length: 50 }, (_, id) => ({ of: { id } }));
    const patched = patchSegments(items, [50], [{ changes: [{ before: items[3].of }, { after: { id: 50 } }, { after: { id: 51 } }], size: 51 }], (raw) => items.find((i) => i.of === raw), (_s, of) => ({ of }));
    expect(patched!.list).toHaveLength(51);
    expect(Object.keys(patched!.list)).toHaveLength(51);
  });
});
