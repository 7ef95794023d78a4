import { describe, expect, it } from 'vitest';
import type { SourceInfo } from '../../model/types';
import { ContextSources, IDLE_CLOSE_MS } from './context-sources';
import type { ClusterSource } from './source';

/** A source that only knows its name, its state and whether it was closed. */
function fakeSource(name: string, state: SourceInfo['state'] = 'live'): ClusterSource & { closed: boolean; failure?: string } {
  return {
    closed: false,
    info: () => ({ kind: 'live', name, pspApiServed: true, state, readOnly: false }),
    readModel: () => Promise.reject(new Error('not used')),
    revision: () => 0,
    applyChange: () => Promise.reject(new Error('not used')),
    close() {
      this.closed = true;
    },
  };
}

const CONTEXTS = [
  { name: 'a', cluster: 'ca', user: 'ua' },
  { name: 'b', cluster: 'cb', user: 'ub', namespace: 'team-b' },
  { name: 'broken', cluster: 'cx', user: 'ux' },
];

function setup() {
  let now = 1_000_000;
  const start = fakeSource('a');
  const opened: string[] = [];
  const sources = new ContextSources(CONTEXTS, 'b', 'a', start, (context) => {
    opened.push(context);
    return context === 'broken' ? Object.assign(fakeSource(context, 'static'), { failure: 'no such file' }) : fakeSource(context, 'syncing');
  }, (s) => (s as { failure?: string }).failure, () => now);
  return { sources, start, opened, advance: (ms: number) => (now += ms) };
}

describe('ContextSources', () => {
  it('gives the start source at once, opens another context on first use and reuses it', () => {
    const { sources, start, opened } = setup();
    expect(sources.get('a')).toBe(start);
    expect(opened).toEqual([]);
    const b = sources.get('b');
    expect(b.info().name).toBe('b');
    expect(sources.get('b')).toBe(b);
    expect(opened).toEqual(['b']);
  });

  it('lists every context by name with current, start and state; a context not used yet is not opened by listing', () => {
    const { sources, opened } = setup();
    expect(sources.list()).toEqual([
      { name: 'a', cluster: 'ca', user: 'ua', current: false, start: true, state: 'live' },
      { name: 'b', cluster: 'cb', user: 'ub', namespace: 'team-b', current: true, start: false, state: 'not-started' },
      { name: 'broken', cluster: 'cx', user: 'ux', current: false, start: false, state: 'not-started' },
    ]);
    expect(opened).toEqual([]);
    sources.get('b');
    expect(sources.stateOf('b')).toBe('loading');
  });

  it('a context that cannot be opened fails alone', () => {
    const { sources } = setup();
    expect(sources.get('broken').info().name).toBe('broken');
    expect(sources.stateOf('broken')).toBe('failed');
    expect(sources.list().find((c) => c.name === 'broken')).toMatchObject({ state: 'failed', reason: 'no such file' });
    expect(sources.stateOf('a')).toBe('live');
    expect(sources.get('b').info().name).toBe('b');
  });

  it('closes a context idle for the idle time (never the start one) and opens it again on the next use', () => {
    const { sources, start, opened, advance } = setup();
    const b = sources.get('b') as ReturnType<typeof fakeSource>;
    advance(IDLE_CLOSE_MS - 1);
    sources.closeIdle();
    expect(b.closed).toBe(false);
    advance(2);
    sources.closeIdle();
    expect(b.closed).toBe(true);
    expect((start as ReturnType<typeof fakeSource>).closed).toBe(false);
    expect(sources.stateOf('b')).toBe('not-started');
    const again = sources.get('b');
    expect(again).not.toBe(b);
    expect(opened).toEqual(['b', 'b']);
  });

  it('use keeps a context open', () => {
    const { sources, advance } = setup();
    const b = sources.get('b') as ReturnType<typeof fakeSource>;
    advance(IDLE_CLOSE_MS - 10);
    sources.get('b');
    advance(IDLE_CLOSE_MS - 10);
    sources.closeIdle();
    expect(b.closed).toBe(false);
  });

  it('knows only the kubeconfig\'s contexts', () => {
    const { sources } = setup();
    expect(sources.has('c')).toBe(false);
    expect(() => sources.get('c')).toThrow(/unknown context/);
  });
});
