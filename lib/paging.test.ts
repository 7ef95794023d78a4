import { describe, expect, it } from 'vitest';
import { pageOf } from './paging';

describe('pageOf', () => {
  const items = Array.from({ length: 45 }, (_, i) => i);
  it('cuts a list into pages and says where it is', () => {
    expect(pageOf(items, 2, 20)).toMatchObject({ page: 2, pages: 3, total: 45, from: 21, to: 40 });
    expect(pageOf(items, '3', 20).items).toEqual([40, 41, 42, 43, 44]);
  });
  it('takes page 1 for anything else and clamps past the end', () => {
    for (const bad of [undefined, '', 'x', '0', -1, 1.5, '2abc']) expect(pageOf(items, bad, 20).page, String(bad)).toBe(bad === '2abc' ? 2 : 1);
    expect(pageOf(items, 99, 20)).toMatchObject({ page: 3, from: 41, to: 45 });
    expect(pageOf([], 1, 20)).toMatchObject({ page: 1, pages: 1, from: 0, to: 0, items: [] });
  });
});
