import 'server-only';
import type { IncomingHttpHeaders } from 'node:http';
import { AppError, isAppError } from '../../errors';
import { apiVersionOf, collectionPath, type ResourceDef } from '../../sources/resources';
import { applyWatchEvent, cacheKey, type WatchEvent } from '../../sources/watch-events';
import { slimForCache } from '../../sources/slim';
import type { RawObject } from '../../sources/to-model';
import type { KubeResponse } from './connection';
import { kubeError, parseStatus } from './status';

export type ReflectorState =
  | { phase: 'syncing' }
  | { phase: 'synced' }
  /** The API does not exist on this server (PSP on v1.25+). */
  | { phase: 'absent' }
  /**
   * It has a cache (from a list and the watch after it) but cannot follow changes just now: a
   * watch or relist failed for a reason of transport (no answer in time, connection refused or
   * reset, 429). What it holds may be out of date; it retries from its resourceVersion. One request
   * that got no answer in time says nothing about the API server as a whole (under load a watch can
   * take longer than its open timeout while everything else is answered): whether the server
   * answers is the live source's `/readyz` probe's to say, not this.
   */
  | { phase: 'lagging'; error: AppError }
  | { phase: 'failed'; error: AppError };

/** The part of a watch response the reflector reads: node's IncomingMessage, or a test's fake. */
export interface WatchStream {
  statusCode?: number;
  headers: IncomingHttpHeaders;
  /** True once the whole body arrived (a clean end at the server's timeout). */
  complete: boolean;
  setEncoding(encoding: BufferEncoding): unknown;
  on(event: 'data' | 'end' | 'aborted' | 'error' | 'close', listener: (...args: any[]) => void): unknown;
  destroy(): unknown;
}

/** What a reflector needs of the API server connection (KubeConnection, or a scripted fake in tests). */
export interface ReflectorConnection {
  request(method: 'GET', apiPath: string, opts?: { timeoutMs?: number }): Promise<KubeResponse>;
  /** A list read as it arrives: a 2xx answer's items go to onItem, the rest of the list comes back in `list`. */
  listItems(apiPath: string, opts: { timeoutMs?: number }, onItem: (item: Record<string, unknown>) => void): Promise<KubeResponse & { list?: Record<string, unknown> }>;
  stream(apiPath: string, identity?: undefined, idleTimeoutMs?: number): Promise<WatchStream>;
}

/** Time, timers and randomness, injected so that tests drive them. */
export interface ReflectorClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  random(): number;
}

export const realClock: ReflectorClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  random: () => Math.random(),
};

export interface ReflectorOptions {
  clock?: ReflectorClock;
  /** Page size of lists that the API server answers from etcd (default 500, client-go's pager's). */
  pageSize?: number;
  /** A watch that sends no byte (not even a bookmark) for this long is stalled and re-opened. */
  stallTimeoutMs?: number;
  /** How long a watch request may take to answer with its headers. */
  watchOpenTimeoutMs?: number;
  /**
   * How long one list request may take, body included (default 60 s, the API server's own
   * --request-timeout): a whole kind served at once from the watch cache can be large.
   */
  listTimeoutMs?: number;
  /** How often to look again for an API that is not served (PSP on v1.25+). */
  absentRecheckMs?: number;
  backoff?: Partial<BackoffOptions>;
  /**
   * Awaited once, after the first list and before the first watch: the live source opens the
   * watches after its first model is built, so that their connections do not compete with the
   * other kinds' lists (they start from the list's resourceVersion, so nothing is missed).
   */
  beforeFirstWatch?: () => Promise<void>;
}

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** A failure after this long without one starts again at initialMs. */
  resetAfterMs: number;
  /** The delay is base × (1 − jitter × random): never above maxMs, never in lockstep with the other kinds. */
  jitter: number;
}

/** client-go's reflector backoff: 800 ms → 30 s, ×2, reset after 2 min without a failure (tools/cache/reflector.go). */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1_000, maxMs: 30_000, resetAfterMs: 120_000, jitter: 0.25 };

/**
 * Jittered exponential backoff. Like client-go's ExponentialBackoffManager it is not reset by a
 * success, only by a healthy period: an API server that answers one request and fails the next is
 * still backed off from.
 */
export class Backoff {
  private base: number;
  private lastFailure = -Infinity;
  constructor(private readonly clock: ReflectorClock, private readonly opts: BackoffOptions = DEFAULT_BACKOFF) {
    this.base = opts.initialMs;
  }

  next(): number {
    const now = this.clock.now();
    if (now - this.lastFailure > this.opts.resetAfterMs) this.base = this.opts.initialMs;
    this.lastFailure = now;
    const delay = Math.round(this.base * (1 - this.opts.jitter * this.clock.random()));
    this.base = Math.min(this.base * 2, this.opts.maxMs);
    return delay;
  }
}

/** One change of a reflector's items (see Reflector.changesSince). */
export interface JournalEntry {
  generation: number;
  /** The object replaced or removed; undefined when added. */
  before?: RawObject;
  /** The object now there; undefined when removed. */
  after?: RawObject;
}

/** Beyond this many unread changes a reader rebuilds from the items (as cheap by then), and the journal starts over. */
const JOURNAL_LIMIT = 10_000;

/** A watch ended: how, and so what comes next. */
type WatchOutcome =
  /** The server closed a healthy watch at its timeout: watch again from the last resourceVersion. */
  | { kind: 'ended' }
  /** The connection dropped mid-stream: watch again from the last resourceVersion, after a backoff. */
  | { kind: 'broken' }
  /** No byte for stallTimeoutMs, or re-opened on request: watch again at once. */
  | { kind: 'stalled' }
  /** 410 Gone / "too old resource version": list again. */
  | { kind: 'expired' }
  /** 429: watch again after Retry-After (or the backoff, whichever is longer). */
  | { kind: 'throttled'; retryAfterMs: number }
  /** The watch could not be opened. */
  | { kind: 'failed'; error: AppError; relist: boolean }
  | { kind: 'stopped' };

const DEFAULTS = {
  pageSize: 500,
  // v1.24+ API servers send a bookmark about every minute on a watch with allowWatchBookmarks (once
  // the kind has seen an event); 90 s of silence is a dead connection or a frozen server. Re-opening a
  // quiet watch from its resourceVersion costs the server one watch-cache lookup, no list.
  stallTimeoutMs: 90_000,
  watchOpenTimeoutMs: 15_000,
  listTimeoutMs: 60_000,
  absentRecheckMs: 60_000,
};

/**
 * client-go's Reflector for one kind (tools/cache/reflector.go), over our own HTTP connection:
 *
 * - The first LIST asks for `resourceVersion=0` with `limit=500`, as client-go does. RV=0 lets the API
 *   server answer from its watch cache, without reading etcd; a v1.24 server (and any before the
 *   cache could paginate) then ignores the limit and sends everything in one answer, which is what we
 *   want (one request, no etcd read). A server that does paginate (watch cache disabled, or a newer
 *   one that pages from the cache) sends continue tokens, and we follow them. We keep the limit
 *   rather than drop it: without a cache, an unpaginated list of 10,000 objects from etcd is what
 *   the limit is there to prevent.
 * - A relist (after 410 on a watch) asks for the last resourceVersion seen, `resourceVersionMatch=
 *   NotOlderThan`, without a limit: also served from the watch cache (a limit with RV≠0 would force
 *   an etcd read). If that RV is gone too (410, or "too large resource version"), it lists once from
 *   etcd (`resourceVersion` unset, a consistent read), as client-go's relistResourceVersion does.
 * - 410 on a continue page (the token expired mid-pagination): one full list at the same
 *   resourceVersion without a limit, as client-go's pager does (FullListIfExpired).
 * - The WATCH asks for bookmarks (the resourceVersion stays fresh on a quiet kind, so a re-watch is
 *   not answered 410) and a random timeout of 5–10 minutes. When the server closes it, or the
 *   connection drops, or it stalls, it is re-opened from the last resourceVersion: no relist. Only
 *   410 Gone relists.
 * - Failures back off 1 s → 30 s with jitter (Backoff); 429 waits at least its Retry-After.
 * - While a watch cannot be opened (or a relist fails) for a reason of transport, it reports
 *   `lagging` with the reason, keeps its items and resourceVersion (the server's return costs a
 *   watch, not a list), and leaves it to the live source's probe to say whether the server answers.
 */
export class Reflector {
  /** The cache, `namespace/name` → object; replaced whole by a list, changed in place by watch events. */
  items = new Map<string, RawObject>();
  state: ReflectorState = { phase: 'syncing' };
  /** Bumped on every change of items or state, so readers can cache derived models. */
  generation = 0;
  /** Counters, for tests and diagnostics. */
  readonly stats = { lists: 0, watches: 0, stalls: 0 };
  private resourceVersion = '';
  /** See changesSince: a reader at a generation ≥ `since` finds every later change in `changes`. */
  private journal: { since: number; changes: JournalEntry[] } = { since: Infinity, changes: [] };
  /** A list has succeeded once: from then on a failure of transport leaves a cache, `lagging`, not `failed`. */
  private listedOnce = false;
  /** The last relist's RV was unavailable (410/too large): list from etcd next (client-go's isLastSyncResourceVersionUnavailable). */
  private rvUnavailable = false;
  /** The server paginated a list: keep the limit on relists (client-go's paginatedResult). */
  private paginated = false;
  private stopped = false;
  private current?: { res: WatchStream; lastByteAt: number; reopen: () => void };
  private wake?: () => void;
  private readonly firstSync: Promise<void>;
  private resolveFirstSync!: () => void;
  private readonly clock: ReflectorClock;
  private readonly backoff: Backoff;
  private readonly opts: typeof DEFAULTS;
  private beforeFirstWatch?: () => Promise<void>;

  constructor(private readonly conn: ReflectorConnection, readonly def: ResourceDef, private readonly onChange: () => void, options: ReflectorOptions = {}) {
    this.firstSync = new Promise((r) => (this.resolveFirstSync = r));
    this.clock = options.clock ?? realClock;
    this.backoff = new Backoff(this.clock, { ...DEFAULT_BACKOFF, ...options.backoff });
    this.opts = {
      pageSize: options.pageSize ?? DEFAULTS.pageSize,
      stallTimeoutMs: options.stallTimeoutMs ?? DEFAULTS.stallTimeoutMs,
      watchOpenTimeoutMs: options.watchOpenTimeoutMs ?? DEFAULTS.watchOpenTimeoutMs,
      listTimeoutMs: options.listTimeoutMs ?? DEFAULTS.listTimeoutMs,
      absentRecheckMs: options.absentRecheckMs ?? DEFAULTS.absentRecheckMs,
    };
    this.beforeFirstWatch = options.beforeFirstWatch;
  }

  /** Resolves after the first LIST, whatever its outcome. */
  start(): Promise<void> {
    void this.run();
    return this.firstSync;
  }

  stop() {
    this.stopped = true;
    this.current?.res.destroy();
    this.wake?.();
    this.resolveFirstSync();
  }

  /**
   * The watch events' changes to `items` since a generation, oldest first: each the object replaced
   * or removed (`before`) and the one now there (`after`), so that a reader can patch what it built
   * from the items instead of walking 150,000 of them for one pod event. `undefined` when the
   * items were replaced by a list since then, or the journal was cut (JOURNAL_LIMIT).
   */
  changesSince(generation: number): readonly JournalEntry[] | undefined {
    const { since, changes } = this.journal;
    if (generation < since) return undefined;
    let i = changes.length;
    while (i > 0 && changes[i - 1].generation > generation) i--;
    return changes.slice(i);
  }

  /** Forgets the changes up to a generation (the reader has them): the journal holds removed objects alive. */
  forgetChangesUpTo(generation: number) {
    const changes = this.journal.changes;
    let n = 0;
    while (n < changes.length && changes[n].generation <= generation) n++;
    if (n > 0) this.journal = { since: Math.max(this.journal.since, generation), changes: changes.slice(n) };
  }

  private record(before: RawObject | undefined, after: RawObject | undefined) {
    const j = this.journal;
    if (j.changes.length >= JOURNAL_LIMIT) this.journal = { since: this.generation, changes: [] };
    else j.changes.push({ generation: this.generation, before, after });
  }

  /** The resourceVersion the next watch starts from. */
  get lastResourceVersion(): string {
    return this.resourceVersion;
  }

  /**
   * Re-opens the watch from the last resourceVersion if it has been silent since `since` (ms, the
   * clock's time): after the API server failed to answer, a watch opened before may be a dead
   * connection that would otherwise only be noticed by the stall timeout.
   */
  reopenIfSilentSince(since: number) {
    if (this.current && this.current.lastByteAt < since) this.current.reopen();
  }

  private setState(state: ReflectorState) {
    this.state = state;
    this.generation++;
    this.onChange();
  }

  private fail(e: unknown) {
    const error = isAppError(e) ? e : new AppError('internal', `Reading ${this.def.resource} failed: ${(e as Error).message}`);
    const phase = this.listedOnce && error.code === 'unreachable' ? 'lagging' : 'failed';
    const was = this.state;
    // The same failure again (each retry of a server that stays down) is no change for the readers.
    if (was.phase === phase && was.error.code === error.code && was.error.message === error.message) this.state = { phase, error };
    else this.setState({ phase, error });
    this.resolveFirstSync();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve();
      const done = () => {
        this.clock.clearTimeout(handle);
        this.wake = undefined;
        resolve();
      };
      const handle = this.clock.setTimeout(done, ms);
      this.wake = done;
    });
  }

  private async run() {
    let mustList = true;
    while (!this.stopped) {
      if (mustList) {
        try {
          const served = await this.list();
          this.resolveFirstSync();
          if (!served) {
            // Not served: look again now and then (an upgrade or a CRD could bring it).
            await this.sleep(this.opts.absentRecheckMs);
            continue;
          }
          mustList = false;
          const gate = this.beforeFirstWatch;
          this.beforeFirstWatch = undefined;
          if (gate) await gate().catch(() => undefined);
          if (this.stopped) return;
        } catch (e) {
          if (this.stopped) return;
          this.fail(e);
          const retryAfter = isAppError(e) && typeof e.details?.retryAfterMs === 'number' ? e.details.retryAfterMs : 0;
          await this.sleep(Math.max(retryAfter, this.backoff.next()));
          continue;
        }
      }
      const outcome = await this.watch();
      switch (outcome.kind) {
        case 'ended':
        case 'stalled':
          break;
        case 'broken':
          await this.sleep(this.backoff.next());
          break;
        case 'expired':
          mustList = true;
          await this.sleep(this.backoff.next());
          break;
        case 'throttled':
          await this.sleep(Math.max(outcome.retryAfterMs, this.backoff.next()));
          break;
        case 'failed':
          this.fail(outcome.error);
          // Unreachable: keep the cache and its resourceVersion, and watch again from there when the
          // server answers (client-go does so on "connection refused"). Anything else (403, 500):
          // list again.
          if (outcome.relist) mustList = true;
          await this.sleep(this.backoff.next());
          break;
        case 'stopped':
          return;
      }
    }
  }

  /** The collection's path with a query. */
  private path(q: Record<string, string>): string {
    return `${collectionPath(this.def)}?${new URLSearchParams(q)}`;
  }

  /** Lists into the cache; false when the API is not served on this server. */
  private async list(): Promise<boolean> {
    this.stats.lists++;
    let result = await this.listAt(this.relistResourceVersion());
    if (result === 'rv-unavailable') {
      // Retry at once from etcd, as client-go does: the RV we asked for is gone or not yet there.
      this.rvUnavailable = true;
      result = await this.listAt('');
      if (result === 'rv-unavailable') throw new AppError('unreachable', `The API server could not list ${this.def.resource} at any resourceVersion`);
    }
    if (result === 'absent') {
      this.items = new Map();
      if (this.state.phase !== 'absent') this.setState({ phase: 'absent' });
      return false;
    }
    this.rvUnavailable = false;
    this.listedOnce = true;
    this.items = result.items;
    this.journal = { since: this.generation + 1, changes: [] };
    this.resourceVersion = result.resourceVersion;
    this.setState({ phase: 'synced' });
    return true;
  }

  /** client-go's relistResourceVersion: "0" first (the watch cache), then the last RV seen, "" (etcd) after it was unavailable. */
  private relistResourceVersion(): string {
    if (this.rvUnavailable) return '';
    return this.resourceVersion || '0';
  }

  private async listAt(rv: string): Promise<{ items: Map<string, RawObject>; resourceVersion: string } | 'absent' | 'rv-unavailable'> {
    // See the class comment: a limit with RV "0" is ignored by a watch cache that cannot paginate, so
    // it is kept; with a newer RV it would force an etcd read, so it is dropped unless the server has
    // shown it paginates.
    const limited = rv === '' || rv === '0' || this.paginated;
    const first: Record<string, string> = {};
    if (limited) first.limit = String(this.opts.pageSize);
    if (rv) first.resourceVersion = rv;
    if (rv && rv !== '0') first.resourceVersionMatch = 'NotOlderThan';
    const items = new Map<string, RawObject>();
    let query = first;
    let listRv = '';
    let fullListed = false;
    const apiVersion = apiVersionOf(this.def);
    const add = (item: RawObject) => {
      // Fresh from JSON.parse, so filled and slimmed in place rather than copied (see slimForCache:
      // what no engine reads is not kept).
      // Slimmed before kind and apiVersion are added: `status` is then still the last property,
      // whose deletion keeps the object's fast shape (deleting any other makes it a dictionary).
      slimForCache(item, this.def.kind);
      item.kind = this.def.kind;
      item.apiVersion = apiVersion;
      items.set(cacheKey(item), item);
    };
    for (;;) {
      // Items are taken as the body arrives (a whole kind from the watch cache can be hundreds of
      // MB); a page that then fails is thrown away with the whole list.
      const res = await this.conn.listItems(this.path(query), { timeoutMs: this.opts.listTimeoutMs }, add);
      if (res.status === 404 && this.def.kind === 'PodSecurityPolicy' && !query.continue) return 'absent';
      if (res.status === 410 && query.continue && !fullListed) {
        // The continue token expired mid-list: one full list at the same RV, no limit (client-go's pager).
        items.clear();
        fullListed = true;
        query = rv ? { resourceVersion: rv, ...(rv !== '0' ? { resourceVersionMatch: 'NotOlderThan' } : {}) } : {};
        continue;
      }
      if (!query.continue && (res.status === 410 || isTooLargeResourceVersion(res))) return 'rv-unavailable';
      if (res.status === 429) {
        throw new AppError('unreachable', `The API server asked to wait before listing ${this.def.resource} (429 Too Many Requests)`, {
          retryAfterMs: retryAfterMs(res.headers, this.clock.now()),
        });
      }
      if (res.status < 200 || res.status > 299) {
        throw kubeError(res, `list ${this.def.resource}`, { verb: 'list', group: this.def.group, resource: this.def.resource });
      }
      const list = res.list as { metadata?: { continue?: string; resourceVersion?: string } };
      listRv = list.metadata?.resourceVersion ?? listRv;
      const cont = list.metadata?.continue ?? '';
      if (!cont) break;
      this.paginated = true;
      query = { limit: String(this.opts.pageSize), continue: cont };
    }
    return { items, resourceVersion: listRv };
  }

  /** One watch from the last resourceVersion, until it ends one way or another. */
  private async watch(): Promise<WatchOutcome> {
    this.stats.watches++;
    // client-go: a random timeout in [5, 10) minutes spreads the re-watches of many clients.
    const timeoutSeconds = 300 + Math.floor(this.clock.random() * 300);
    const q: Record<string, string> = { watch: 'true', allowWatchBookmarks: 'true', timeoutSeconds: String(timeoutSeconds) };
    if (this.resourceVersion) q.resourceVersion = this.resourceVersion;
    let res: WatchStream;
    try {
      res = await this.open(this.path(q));
    } catch (e) {
      if (this.stopped) return { kind: 'stopped' };
      const error = isAppError(e) ? e : new AppError('unreachable', String((e as Error)?.message ?? e));
      return { kind: 'failed', error, relist: error.code !== 'unreachable' };
    }
    if (this.stopped) {
      res.destroy();
      return { kind: 'stopped' };
    }
    const status = res.statusCode ?? 0;
    if (status < 200 || status > 299) {
      const body = await readBody(res);
      const response: KubeResponse = { status, body, headers: res.headers };
      if (status === 410 || isTooLargeResourceVersion(response)) return { kind: 'expired' };
      if (status === 429) return { kind: 'throttled', retryAfterMs: retryAfterMs(res.headers, this.clock.now()) };
      return { kind: 'failed', error: kubeError(response, `watch ${this.def.resource}`, { verb: 'watch', group: this.def.group, resource: this.def.resource }), relist: true };
    }
    // The server answers again: whatever failure was shown is over.
    if (this.state.phase !== 'synced') this.setState({ phase: 'synced' });
    return this.consume(res);
  }

  /** Opens a watch, giving up after watchOpenTimeoutMs without headers (a frozen server accepts the connection and says nothing). */
  private open(apiPath: string): Promise<WatchStream> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const timer = this.clock.setTimeout(() => {
        if (settled) return;
        settled = true;
        reject(new AppError('unreachable', `The API server did not answer a watch of ${this.def.resource} within ${this.opts.watchOpenTimeoutMs / 1000} s`));
      }, this.opts.watchOpenTimeoutMs);
      // The socket's own idle timeout is only a backstop behind the stall timer.
      this.conn.stream(apiPath, undefined, this.opts.stallTimeoutMs + 30_000).then(
        (res) => {
          this.clock.clearTimeout(timer);
          if (settled) return void res.destroy();
          settled = true;
          resolve(res);
        },
        (e) => {
          this.clock.clearTimeout(timer);
          if (settled) return;
          settled = true;
          reject(e);
        },
      );
    });
  }

  private consume(res: WatchStream): Promise<WatchOutcome> {
    return new Promise((resolve) => {
      let buffer = '';
      let done = false;
      let stallTimer: unknown;
      const openedAt = this.clock.now();
      let bytes = 0;
      const current = { res, lastByteAt: openedAt, reopen: () => finish({ kind: 'stalled' }) };
      this.current = current;
      const armStall = () => {
        if (stallTimer !== undefined) this.clock.clearTimeout(stallTimer);
        stallTimer = this.clock.setTimeout(() => {
          this.stats.stalls++;
          finish({ kind: 'stalled' });
        }, this.opts.stallTimeoutMs);
      };
      const finish = (v: WatchOutcome) => {
        if (done) return;
        done = true;
        if (stallTimer !== undefined) this.clock.clearTimeout(stallTimer);
        if (this.current === current) this.current = undefined;
        res.destroy();
        resolve(this.stopped ? { kind: 'stopped' } : v);
      };
      armStall();
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (done) return;
        current.lastByteAt = this.clock.now();
        bytes += chunk.length;
        armStall();
        buffer += chunk;
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (!line) continue;
          let event: WatchEvent;
          try {
            event = JSON.parse(line);
          } catch {
            return finish({ kind: 'broken' });
          }
          const key = event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED' ? cacheKey(event.object) : undefined;
          const before = key === undefined ? undefined : this.items.get(key);
          const r = applyWatchEvent(this.items, event, this.def.kind, apiVersionOf(this.def));
          if (r.kind === 'expired') return finish({ kind: 'expired' });
          // Any other ERROR event (the server's 500, a timeout of its own): watch again from our RV.
          if (r.kind === 'error') return finish({ kind: 'broken' });
          if (r.resourceVersion) this.resourceVersion = r.resourceVersion;
          if (r.kind === 'changed') {
            this.generation++;
            this.record(before, key === undefined ? undefined : this.items.get(key));
            this.onChange();
          }
        }
      });
      // A clean end is the server's timeout; an abort or error is the connection dropping. A clean
      // end within a second and without a byte is not a timeout (client-go's "very short watch"):
      // back off rather than spin.
      const ended = () => finish(res.complete && (bytes > 0 || this.clock.now() - openedAt >= 1_000) ? { kind: 'ended' } : { kind: 'broken' });
      res.on('end', ended);
      res.on('aborted', () => finish({ kind: 'broken' }));
      res.on('error', () => finish({ kind: 'broken' }));
      res.on('close', ended);
    });
  }
}

function readBody(res: WatchStream): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    let done = false;
    const end = () => {
      if (done) return;
      done = true;
      res.destroy();
      resolve(body);
    };
    res.setEncoding('utf8');
    res.on('data', (c: string) => (body += c));
    res.on('end', end);
    res.on('error', end);
    res.on('close', end);
  });
}

/** 504 "Too large resource version" (client-go's isTooLargeResourceVersionError): the cache is behind the RV asked for. */
function isTooLargeResourceVersion(res: KubeResponse): boolean {
  if (res.status !== 504) return false;
  const s = parseStatus(res.body);
  return !!s.details?.causes?.some((c) => c.reason === 'ResourceVersionTooLarge' || c.message === 'Too large resource version') || /Too large resource version/.test(s.message ?? '');
}

/** Retry-After in seconds (the API server sends seconds; an HTTP date is accepted too). */
function retryAfterMs(headers: IncomingHttpHeaders, now: number): number {
  const v = headers['retry-after'];
  const s = Array.isArray(v) ? v[0] : v;
  if (!s) return 0;
  const n = Number(s);
  if (Number.isFinite(n)) return Math.max(0, n * 1000);
  const at = Date.parse(s);
  return Number.isFinite(at) ? Math.max(0, at - now) : 0;
}
