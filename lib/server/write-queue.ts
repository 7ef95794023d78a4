import { AppError } from '../errors';

/**
 * Changes from this process go one at a time: concurrent requests for the same binding would only
 * defeat each other's preconditions. But a change stuck behind a stalled API server must not hold
 * the ones after it for minutes: a waiting change that sees the queue make no progress (no change
 * finishing) for `stallMs` is refused, having done nothing, and leaves the queue. A long queue that
 * moves (50 quick attaches at once) is waited out.
 */
export class WriteQueue {
  private tail: Promise<void> = Promise.resolve();
  private lastProgress = Date.now();

  constructor(private readonly stallMs: number) {}

  run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    this.tail = previous.then(() => mine);
    const done = () => {
      this.lastProgress = Date.now();
      release();
    };
    return (async () => {
      let settled = false;
      void previous.then(() => (settled = true));
      const enqueued = Date.now();
      for (;;) {
        const waitFrom = Math.max(enqueued, this.lastProgress);
        const left = waitFrom + this.stallMs - Date.now();
        let timer: NodeJS.Timeout | undefined;
        const turn = await Promise.race([
          previous.then(() => true),
          new Promise<boolean>((r) => {
            timer = setTimeout(() => r(false), Math.max(0, left));
          }),
        ]);
        clearTimeout(timer);
        if (turn || settled) break;
        if (Date.now() - Math.max(enqueued, this.lastProgress) >= this.stallMs) {
          done();
          throw new AppError('unreachable', `Another change is still being written (the API server is slow to answer), and the queue has not moved for ${Math.round(this.stallMs / 1000)} s: nothing of this change was done. Try again in a moment.`);
        }
      }
      try {
        return await fn();
      } finally {
        done();
      }
    })();
  }
}
