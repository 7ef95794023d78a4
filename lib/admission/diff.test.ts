import { describe, expect, it } from 'vitest';
import { diffObjects, semanticEqual } from './diff';

describe('semanticEqual (apimachinery Semantic.DeepEqual on JSON)', () => {
  it.each([
    ['nil and empty slice', { a: undefined }, { a: [] }, true],
    ['nil and empty map (annotations)', { annotations: undefined }, { annotations: {} }, true],
    ['nil and empty struct are different', { securityContext: undefined }, { securityContext: {} }, false],
    ['null and undefined', { a: null }, {}, true],
    ['order of keys does not matter', { a: 1, b: 2 }, { b: 2, a: 1 }, true],
    ['order of list items does', { a: [1, 2] }, { a: [2, 1] }, false],
  ])('%s', (_what, a, b, want) => expect(semanticEqual(a, b)).toBe(want));
});

describe('diffObjects', () => {
  it('names each changed leaf, with map keys in brackets', () => {
    const before = { metadata: { annotations: {} }, spec: { containers: [{ name: 'a' }] } };
    const after = { metadata: { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' } }, spec: { containers: [{ name: 'a', securityContext: { runAsUser: 1000 } }] } };
    expect(diffObjects(before, after)).toEqual([
      { path: 'metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]', after: 'runtime/default' },
      { path: 'spec.containers[0].securityContext.runAsUser', after: 1000 },
    ]);
  });

  it('reports replaced lists whole', () => {
    expect(diffObjects({ drop: ['A'] }, { drop: ['A', 'B'] })).toEqual([{ path: 'drop', before: ['A'], after: ['A', 'B'] }]);
  });
});
