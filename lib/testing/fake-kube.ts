import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import type { KubeResponse } from '../server/kube/connection';
import { ListItemsReader } from '../server/kube/list-items';
import type { ReflectorClock, ReflectorConnection, WatchStream } from '../server/kube/reflector';
import type { WatchEvent } from '../sources/watch-events';

/**
 * A scripted API server connection and a manual clock, for reflector tests: every request waits
 * until the test answers it, and time moves only when the test says so. No wall clock is read.
 */

/** Lets pending promise callbacks and immediates run (the reflector's reaction to an answer). */
export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

export class FakeClock implements ReflectorClock {
  private t = 0;
  private seq = 0;
  private timers: { id: number; at: number; ms: number; fn: () => void }[] = [];
  /** What random() returns: 0 gives the backoff's full delay, 1 the most jitter. */
  randomValue = 0;

  now() {
    return this.t;
  }
  random() {
    return this.randomValue;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.push({ id, at: this.t + ms, ms, fn });
    return id;
  }
  clearTimeout(handle: unknown) {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }
  /** The delays the pending timers were set with, in the order they fire. */
  pending(): number[] {
    return [...this.timers].sort((a, b) => a.at - b.at).map((x) => x.ms);
  }
  /** Moves time forward by ms, firing due timers in order and letting the reflector react to each. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await settle();
    for (;;) {
      const due = this.timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = due.at;
      due.fn();
      await settle();
    }
    this.t = end;
  }
}

/** A watch response: the test sends lines, ends it cleanly, or drops the connection. */
export class FakeWatch extends EventEmitter implements WatchStream {
  complete = false;
  destroyed = false;
  constructor(public statusCode: number, public headers: IncomingHttpHeaders = {}) {
    super();
  }
  setEncoding() {
    return this;
  }
  send(event: WatchEvent | { type: string; object: Record<string, unknown> }) {
    this.sendRaw(`${JSON.stringify(event)}\n`);
  }
  sendRaw(text: string) {
    if (!this.destroyed) this.emit('data', text);
  }
  /** The server closed the watch at its timeout. */
  end() {
    if (this.destroyed) return;
    this.complete = true;
    this.emit('end');
    this.emit('close');
  }
  /** The connection dropped mid-stream. */
  drop() {
    if (this.destroyed) return;
    this.emit('aborted');
    this.emit('close');
  }
  destroy() {
    if (this.destroyed) return this;
    this.destroyed = true;
    this.emit('close');
    return this;
  }
}

export interface FakeReply {
  status: number;
  body?: unknown;
  headers?: IncomingHttpHeaders;
}

export class FakeCall {
  answered = false;
  constructor(
    readonly kind: 'request' | 'stream',
    readonly path: string,
    readonly at: number,
    private readonly resolve: (v: KubeResponse | WatchStream) => void,
    private readonly reject: (e: unknown) => void,
    /** The timeout the client gave the request, if any. */
    readonly timeoutMs?: number,
  ) {}

  get query(): URLSearchParams {
    return new URL(this.path, 'https://x').searchParams;
  }
  /** The query as an object, to compare whole. */
  get params(): Record<string, string> {
    return Object.fromEntries(this.query);
  }
  get isWatch(): boolean {
    return this.query.get('watch') === 'true';
  }

  /** An HTTP answer (for a stream: a non-2xx status whose body is read and closed). */
  reply(r: FakeReply) {
    this.answered = true;
    const body = typeof r.body === 'string' ? r.body : JSON.stringify(r.body ?? {});
    if (this.kind === 'request') return this.resolve({ status: r.status, body, headers: r.headers ?? {} });
    const w = new FakeWatch(r.status, r.headers);
    this.resolve(w);
    setImmediate(() => {
      w.sendRaw(body);
      w.end();
    });
  }
  /** A 200 watch that stays open: the test then sends events on it. */
  open(): FakeWatch {
    if (this.kind !== 'stream') throw new Error(`${this.path} is not a watch`);
    this.answered = true;
    const w = new FakeWatch(200);
    this.resolve(w);
    return w;
  }
  /** A transport failure (connection refused, reset, timeout). */
  fail(e: unknown) {
    this.answered = true;
    this.reject(e);
  }
}

export class FakeKube implements ReflectorConnection {
  readonly calls: FakeCall[] = [];
  private unclaimed: FakeCall[] = [];
  constructor(private readonly clock: FakeClock) {}

  request(_method: 'GET', apiPath: string, opts?: { timeoutMs?: number }): Promise<KubeResponse> {
    return new Promise((resolve, reject) => this.record(new FakeCall('request', apiPath, this.clock.now(), resolve as (v: unknown) => void, reject, opts?.timeoutMs)));
  }
  /** As KubeConnection's: the answer's body goes through ListItemsReader in 7-character chunks (every boundary case comes up). */
  async listItems(apiPath: string, opts: { timeoutMs?: number }, onItem: (item: Record<string, unknown>) => void): Promise<KubeResponse & { list?: Record<string, unknown> }> {
    const res = await this.request('GET', apiPath, opts);
    if (res.status < 200 || res.status > 299) return res;
    const reader = new ListItemsReader(onItem);
    for (let i = 0; i < res.body.length; i += 7) reader.write(res.body.slice(i, i + 7));
    return { ...res, list: reader.finish() };
  }
  stream(apiPath: string): Promise<WatchStream> {
    return new Promise((resolve, reject) => this.record(new FakeCall('stream', apiPath, this.clock.now(), resolve as (v: unknown) => void, reject)));
  }
  private record(call: FakeCall) {
    this.calls.push(call);
    this.unclaimed.push(call);
  }

  /** The next request the client made and the test has not taken yet; throws when there is none. */
  async next(): Promise<FakeCall> {
    await settle();
    const c = this.unclaimed.shift();
    if (!c) throw new Error(`no request is waiting (so far: ${this.calls.map((x) => x.path).join(', ')})`);
    return c;
  }
  /** Whether a request is waiting to be answered. */
  async hasPending(): Promise<boolean> {
    await settle();
    return this.unclaimed.length > 0;
  }
}

/** A list answer of `items` at `resourceVersion`, with an optional continue token. */
export function listBody(items: Record<string, unknown>[], resourceVersion: string, cont?: string) {
  return { kind: 'List', apiVersion: 'v1', metadata: { resourceVersion, ...(cont ? { continue: cont } : {}) }, items };
}

/** An object of a namespaced kind, as a list or watch carries it. */
export function anObject(name: string, resourceVersion: string, namespace = 'default') {
  return { metadata: { name, namespace, resourceVersion } };
}
