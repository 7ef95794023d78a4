import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WriteQueue } from './write-queue';

describe('WriteQueue', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs changes one at a time, in order', async () => {
    const q = new WriteQueue(20_000);
    const log: string[] = [];
    const job = (name: string, ms: number) => q.run(async () => {
      log.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`end ${name}`);
      return name;
    });
    const all = Promise.all([job('a', 100), job('b', 10), job('c', 1)]);
    await vi.advanceTimersByTimeAsync(200);
    expect(await all).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('a change behind a stalled one is refused after the wait, having run nothing; the one after it still waits for the stalled one', async () => {
    const q = new WriteQueue(20_000);
    let finishStalled!: () => void;
    const ran: string[] = [];
    const stalled = q.run(() => new Promise<string>((r) => (finishStalled = () => r('stalled'))));
    const second = q.run(async () => {
      ran.push('second');
      return 'second';
    });
    const secondOutcome = second.then(() => 'ran', (e: Error) => e.message);
    await vi.advanceTimersByTimeAsync(19_999);
    expect(ran).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(await secondOutcome).toMatch(/^Another change is still being written .* has not moved for 20 s: nothing of this change was done/);
    const third = q.run(async () => {
      ran.push('third');
      return 'third';
    });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(ran).toEqual([]);
    finishStalled();
    expect(await stalled).toBe('stalled');
    expect(await third).toBe('third');
    expect(ran).toEqual(['third']);
  });

  it('a long queue that moves is waited out, however long it takes in all', async () => {
    const q = new WriteQueue(1_000);
    const results = Promise.all(Array.from({ length: 30 }, (_, i) => q.run(async () => {
      await new Promise((r) => setTimeout(r, 600));
      return i;
    })));
    await vi.advanceTimersByTimeAsync(30 * 600);
    expect(await results).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('a failed change frees the queue', async () => {
    const q = new WriteQueue(1_000);
    await expect(q.run(async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(await q.run(async () => 'next')).toBe('next');
  });
});
