import { describe, expect, it } from 'vitest';
import { ListItemsReader } from './list-items';

function read(chunks: string[]) {
  const items: unknown[] = [];
  const reader = new ListItemsReader((i) => items.push(i));
  for (const c of chunks) reader.write(c);
  return { items, rest: reader.finish() };
}

/** A list whose items hold what could fool a scanner: braces, brackets, quotes and backslashes in strings, nested arrays, a key named items, non-ASCII. */
const LIST = {
  kind: 'PodList',
  apiVersion: 'v1',
  metadata: { resourceVersion: '1234', continue: 'tok"en}' },
  items: [
    { metadata: { name: 'a', annotations: { x: '{"items":[1,2]}', y: 'back\\slash \\" ]' } }, spec: { containers: [{ name: 'c', args: ['[', ']', '{', '}'] }] } },
    { metadata: { name: 'b-ü-日本', labels: {} }, items: [{ items: [] }], spec: {} },
    { metadata: { name: 'c' } },
  ],
};

describe('ListItemsReader', () => {
  it('gives each item parsed and the list without them, whole or split at every position', () => {
    for (const text of [JSON.stringify(LIST), JSON.stringify(LIST, null, 2)]) {
      for (let at = 0; at <= text.length; at++) {
        const { items, rest } = read([text.slice(0, at), text.slice(at)]);
        expect(items).toEqual(LIST.items);
        expect(rest).toEqual({ ...LIST, items: [] });
      }
    }
  });

  it('reads one character at a time, and an empty list', () => {
    const text = JSON.stringify(LIST);
    expect(read([...text]).items).toEqual(LIST.items);
    expect(read(['{"kind":"List","metadata":{"resourceVersion":"5"},"items":[]}'])).toEqual({ items: [], rest: { kind: 'List', metadata: { resourceVersion: '5' }, items: [] } });
    expect(read(['{"kind":"List","metadata":{}}']).rest).toEqual({ kind: 'List', metadata: {} });
  });

  it('throws on a body that is not JSON', () => {
    expect(() => read(['{"items":[{"a":}]}'])).toThrow();
    expect(() => read(['<html>'])).toThrow();
  });
});
