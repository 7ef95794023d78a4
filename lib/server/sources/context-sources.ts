import 'server-only';
import type { ClusterSource } from './source';
import type { KubeconfigContext } from './kubeconfig-contexts';

/** How a context's source is doing, as the header's picker shows it. */
export type ContextState = 'not-started' | 'loading' | 'live' | 'degraded' | 'unreachable' | 'failed';

export interface ContextListing extends KubeconfigContext {
  /** The kubeconfig's current-context. */
  current: boolean;
  /** The context the dashboard was started on (--context, else the current one). */
  start: boolean;
  state: ContextState;
  /** Why it is not live, when the source can say (a context that cannot be opened always says). */
  reason?: string;
}

/**
 * A non-start context nobody asked for in this long is closed (watches stopped, cache dropped); the
 * next request opens it again. The start context stays open for the life of the process.
 */
export const IDLE_CLOSE_MS = 10 * 60_000;

/** Whether a source is a failed one, and why (FailedSource carries its error). */
export type FailureOf = (source: ClusterSource) => string | undefined;

/**
 * The sources of a kubeconfig's contexts: the start context's is given (opened at start); another's
 * is opened on its first use and reused, each with its own connection, reflectors and cache, and
 * closed after IDLE_CLOSE_MS without use. Opening never throws: `open` gives a failed source for a
 * context that cannot be loaded, which fails only that context.
 */
export class ContextSources {
  private readonly opened = new Map<string, { source: ClusterSource; usedAt: number }>();
  private readonly names: Set<string>;

  constructor(
    private readonly contexts: readonly KubeconfigContext[],
    private readonly current: string | undefined,
    readonly startContext: string,
    start: ClusterSource,
    private readonly open: (context: string) => ClusterSource,
    private readonly failureOf: FailureOf,
    private readonly now: () => number = Date.now,
    private readonly idleMs = IDLE_CLOSE_MS,
  ) {
    this.names = new Set(contexts.map((c) => c.name));
    this.opened.set(startContext, { source: start, usedAt: now() });
  }

  has(context: string): boolean {
    return this.names.has(context);
  }

  /** The source of a known context, opened now if it is not yet. */
  get(context: string): ClusterSource {
    if (!this.has(context)) throw new Error(`unknown context ${context}`);
    this.closeIdle();
    let entry = this.opened.get(context);
    if (!entry) this.opened.set(context, (entry = { source: this.open(context), usedAt: this.now() }));
    entry.usedAt = this.now();
    return entry.source;
  }

  /** Every context, in the kubeconfig's order, with the state of its source. */
  list(): ContextListing[] {
    return this.contexts.map((c) => {
      const reason = this.reasonOf(c.name);
      return { ...c, current: c.name === this.current, start: c.name === this.startContext, state: this.stateOf(c.name), ...(reason ? { reason } : {}) };
    });
  }

  private reasonOf(context: string): string | undefined {
    const source = this.opened.get(context)?.source;
    return source && (this.failureOf(source) ?? source.info().stateReason);
  }

  stateOf(context: string): ContextState {
    const source = this.opened.get(context)?.source;
    if (!source) return 'not-started';
    if (this.failureOf(source) !== undefined) return 'failed';
    const state = source.info().state;
    return state === 'syncing' ? 'loading' : state === 'static' ? 'live' : state;
  }

  /** Closes the sources of contexts unused for the idle time (never the start context's). */
  closeIdle(): void {
    const cutoff = this.now() - this.idleMs;
    for (const [name, entry] of this.opened) {
      if (name === this.startContext || entry.usedAt > cutoff) continue;
      entry.source.close();
      this.opened.delete(name);
    }
  }

  closeAll(): void {
    for (const entry of this.opened.values()) entry.source.close();
    this.opened.clear();
  }
}
