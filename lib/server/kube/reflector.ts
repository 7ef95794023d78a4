import 'server-only';
import type { IncomingMessage } from 'node:http';
import { AppError, isAppError } from '../../errors';
import { apiVersionOf, collectionPath, type ResourceDef } from '../../sources/resources';
import { applyWatchEvent, cacheKey, type WatchEvent } from '../../sources/watch-events';
import type { RawObject } from '../../sources/to-model';
import type { KubeConnection } from './connection';
import { kubeError } from './status';

export type ReflectorState =
  | { phase: 'syncing' }
  | { phase: 'synced' }
  /** The API does not exist on this server (PSP on v1.25+). */
  | { phase: 'absent' }
  | { phase: 'failed'; error: AppError };

const PAGE_SIZE = 500;
const MAX_BACKOFF_MS = 2_000;

/**
 * client-go's Reflector for one kind: LIST (paginated) into a cache, then WATCH from the list's
 * resourceVersion and fold each event in. On 410 it lists again; when the connection drops it
 * retries with a short backoff, so the cache recovers by itself when the API server is back.
 */
export class Reflector {
  readonly items = new Map<string, RawObject>();
  state: ReflectorState = { phase: 'syncing' };
  /** Bumped on every change of items or state, so readers can cache derived models. */
  generation = 0;
  private resourceVersion = '';
  private stopped = false;
  private current?: IncomingMessage;
  private firstSync: Promise<void>;
  private resolveFirstSync!: () => void;

  constructor(private readonly conn: KubeConnection, readonly def: ResourceDef, private readonly onChange: () => void) {
    this.firstSync = new Promise((r) => (this.resolveFirstSync = r));
  }

  start(): Promise<void> {
    void this.run();
    return this.firstSync;
  }

  stop() {
    this.stopped = true;
    this.current?.destroy();
    this.resolveFirstSync();
  }

  private setState(state: ReflectorState) {
    this.state = state;
    this.generation++;
    this.onChange();
  }

  private async run() {
    let backoff = 250;
    while (!this.stopped) {
      try {
        await this.list();
        this.resolveFirstSync();
        if (this.state.phase === 'absent') {
          // Not served: look again now and then (an upgrade or a CRD could bring it).
          await sleep(60_000);
          continue;
        }
        backoff = 250;
        // A watch cut off right after a good LIST must not spin: pause a moment before listing again.
        if ((await this.watchUntilExpired()) === 'broken') await sleep(200);
      } catch (e) {
        if (this.stopped) return;
        const error = isAppError(e) ? e : new AppError('internal', `Reading ${this.def.resource} failed: ${(e as Error).message}`);
        this.setState({ phase: 'failed', error });
        this.resolveFirstSync();
        // Permissions and credentials change by someone's hand: look again every few seconds, so a
        // fixed RBAC rule shows without a restart. A dropped connection is retried sooner.
        const wait = error.code === 'forbidden' || error.code === 'unauthorized' ? 3_000 : backoff;
        await sleep(wait);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  private async list() {
    const items = new Map<string, RawObject>();
    let cont = '';
    let rv = '';
    do {
      const q = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (cont) q.set('continue', cont);
      const res = await this.conn.request('GET', `${collectionPath(this.def)}?${q}`);
      if (res.status === 404 && this.def.kind === 'PodSecurityPolicy') {
        this.items.clear();
        if (this.state.phase !== 'absent') this.setState({ phase: 'absent' });
        return;
      }
      if (res.status === 410 && cont) {
        // The continue token expired mid-list: start over.
        cont = '';
        items.clear();
        continue;
      }
      if (res.status < 200 || res.status > 299) {
        throw kubeError(res, `list ${this.def.resource}`, { verb: 'list', group: this.def.group, resource: this.def.resource });
      }
      const list = JSON.parse(res.body) as { items?: RawObject[]; metadata?: { continue?: string; resourceVersion?: string } };
      for (const item of list.items ?? []) items.set(cacheKey(item), { ...item, kind: this.def.kind, apiVersion: apiVersionOf(this.def) });
      cont = list.metadata?.continue ?? '';
      rv = list.metadata?.resourceVersion ?? rv;
    } while (cont);
    this.items.clear();
    for (const [k, v] of items) this.items.set(k, v);
    this.resourceVersion = rv;
    this.setState({ phase: 'synced' });
  }

  /** Watches until 410 Gone or a dropped connection, after which the caller lists again. */
  private async watchUntilExpired(): Promise<'expired' | 'broken' | 'stopped'> {
    while (!this.stopped) {
      const q = new URLSearchParams({ watch: 'true', allowWatchBookmarks: 'true', timeoutSeconds: String(240 + Math.floor(Math.random() * 60)) });
      if (this.resourceVersion) q.set('resourceVersion', this.resourceVersion);
      const res = await this.conn.stream(`${collectionPath(this.def)}?${q}`);
      this.current = res;
      if (res.statusCode === 410) {
        res.destroy();
        return 'expired';
      }
      if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) > 299) {
        const chunks: Buffer[] = [];
        for await (const c of res) chunks.push(c as Buffer);
        throw kubeError({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }, `watch ${this.def.resource}`, {
          verb: 'watch', group: this.def.group, resource: this.def.resource,
        });
      }
      const outcome = await this.consume(res);
      // Expired, or the connection dropped: list again. If the server is gone, that LIST fails
      // and says why (connection refused, timeout), which is what the user needs to read.
      if (outcome === 'expired' || outcome === 'broken') return outcome;
      // 'ended': the server closed a healthy watch at its timeout; watch again from where we are.
    }
    return 'stopped';
  }

  private consume(res: IncomingMessage): Promise<'ended' | 'expired' | 'broken'> {
    return new Promise((resolve) => {
      let buffer = '';
      let done = false;
      const finish = (v: 'ended' | 'expired' | 'broken') => {
        if (done) return;
        done = true;
        res.destroy();
        resolve(v);
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
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
            finish('broken');
            return;
          }
          const r = applyWatchEvent(this.items, event, this.def.kind, apiVersionOf(this.def));
          if (r.kind === 'expired') return finish('expired');
          if (r.kind === 'error') return finish('broken');
          if (r.resourceVersion) this.resourceVersion = r.resourceVersion;
          if (r.kind === 'changed') {
            this.generation++;
            this.onChange();
          }
        }
      });
      // A clean end is the server's timeout; an abort or error is the connection dropping.
      res.on('end', () => finish(res.complete ? 'ended' : 'broken'));
      res.on('aborted', () => finish('broken'));
      res.on('error', () => finish('broken'));
      res.on('close', () => finish(res.complete ? 'ended' : 'broken'));
    });
  }
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms).unref?.());
}
