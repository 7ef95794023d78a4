import { describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/prng';
import { changesAlong, mapAlong } from './map-along';

/** A list after random insertions, removals and replacements (new objects), as a live model changes. */
function edited(list: { group: number }[], rnd: () => number, edits: number): { group: number }[] {
  const out = [...list];
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rnd() * (out.length + 1));
    const r = rnd();
    if (r < 0.4) out.splice(at, 0, { group: Math.floor(rnd() * 6) });
    else if (r < 0.7) out.splice(at, 1);
    else if (at < out.length) out[at] = { group: out[at].group };
  }
  return out;
}

describe('changesAlong (what a workload event changed, for regrouping only what it touched)', () => {
  it('every group without a changed member has the same members in the same order; everything else is listed', () => {
    const rnd = seededRandom(11);
    let regrouped = 0;
    for (let round = 0; round < 300; round++) {
      const last = Array.from({ length: Math.floor(rnd() * 40) }, () => ({ group: Math.floor(rnd() * 6) }));
      const items = edited(last, rnd, Math.floor(rnd() * 5));
      const changes = changesAlong(items, last, 1000)!;
      const lastSet = new Set(last);
      const itemSet = new Set(items);
      // Complete: a new item is added, a gone item is removed.
      for (const x of items) if (!lastSet.has(x)) expect(changes.added).toContain(x);
      for (const x of last) if (!itemSet.has(x)) expect(changes.removed).toContain(x);
      const touched = new Set([...changes.added, ...changes.removed].map((x) => x.group));
      for (let g = 0; g < 6; g++) {
        if (touched.has(g)) {
          regrouped++;
          continue;
        }
        expect(items.filter((x) => x.group === g), `round ${round} group ${g}`).toEqual(last.filter((x) => x.group === g));
        expect(items.filter((x) => x.group === g).every((x, i) => x === last.filter((y) => y.group === g)[i])).toBe(true);
      }
      if (items === last) expect(changes).toEqual({ added: [], removed: [] });
    }
    expect(regrouped).toBeGreaterThan(100);
  });

  it('gives up past the limit', () => {
    const last = Array.from({ length: 10 }, (_, i) => ({ group: i }));
    expect(changesAlong(last.map((x) => ({ ...x })), last, 5)).toBeUndefined();
    expect(changesAlong([...last], last, 0)).toEqual({ added: [], removed: [] });
  });

  it('mapAlong reuses the answers of unchanged items only', () => {
    const rnd = seededRandom(5);
    for (let round = 0; round < 100; round++) {
      const last = Array.from({ length: Math.floor(rnd() * 30) }, () => ({ group: Math.floor(rnd() * 6) }));
      const items = edited(last, rnd, Math.floor(rnd() * 4));
      const lastOut = last.map((x) => ({ of: x }));
      const out = mapAlong(items, last, (x) => x, (x) => ({ of: x }), lastOut);
      out.forEach((o, i) => expect(o.of).toBe(items[i]));
    }
  });
});
