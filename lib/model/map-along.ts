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
