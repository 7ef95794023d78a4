import type { IdRange } from '../model/types';

/** Exact ranges for a set of integers: consecutive values merge, nothing else is covered. */
export function toRanges(values: Iterable<number>): IdRange[] {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const out: IdRange[] = [];
  for (const v of sorted) {
    const last = out[out.length - 1];
    if (last && v === last.max + 1) last.max = v;
    else out.push({ min: v, max: v });
  }
  return out;
}

export function inAnyRange(v: number, ranges: IdRange[]): boolean {
  return ranges.some((r) => v >= r.min && v <= r.max);
}

/** Every value of `inner` lies in `outer` (ranges are inclusive; `outer` may be unmerged). */
export function rangesWithin(inner: IdRange[], outer: IdRange[]): boolean {
  const merged = toMergedRanges(outer);
  return inner.every((r) => merged.some((o) => r.min >= o.min && r.max <= o.max));
}

function toMergedRanges(ranges: IdRange[]): IdRange[] {
  const sorted = [...ranges].sort((a, b) => a.min - b.min);
  const out: IdRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.min <= last.max + 1) last.max = Math.max(last.max, r.max);
    else out.push({ ...r });
  }
  return out;
}

export function rangesText(ranges: IdRange[]): string {
  return ranges.map((r) => (r.min === r.max ? `${r.min}` : `${r.min}-${r.max}`)).join(', ');
}
