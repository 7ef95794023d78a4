import 'server-only';
import { auditView } from './audit-view';
import { workloadOutcomesView } from './analysis-views';
import { podSecurityView } from './pod-security-view';
import type { ClusterSource } from './sources/source';

/**
 * The views that take seconds the first time on a big cluster — every workload's PSP outcome, the
 * audit, the migration board (150,000 pods: about 1, 1 and 3 s) — computed in the background once
 * the source's model is read, and again shortly after a policy change (PSPs, RBAC, namespaces,
 * service accounts: those redo most of them). A page's first answer then comes from a warm cache.
 * Pod and workload events are left to the pages: each view follows them incrementally in
 * milliseconds, and warming after each would spend CPU under churn for nobody.
 *
 * Each view is computed in its own turn of the event loop, so requests are served in between.
 */
export interface WarmViews {
  /** Settles when the first pass is done (or could not be made: the pages say why). */
  ready: Promise<void>;
  stop(): void;
}

const nextTurn = () => new Promise<void>((ok) => setImmediate(ok));

export function keepViewsWarm(source: ClusterSource, opts: { debounceMs?: number } = {}): WarmViews {
  const debounceMs = opts.debounceMs ?? 2_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  /** The policy revision the last pass read; a change notice with the same one needs no pass. */
  let warmedPolicy = -1;
  let running: Promise<void> | undefined;

  const pass = async () => {
    try {
      await source.loaded?.();
      await source.readModel();
      warmedPolicy = source.revision('policy');
      const views = [() => workloadOutcomesView(source, {}), () => auditView(source, {}), () => podSecurityView(source)];
      for (const view of views) {
        await nextTurn();
        if (stopped) return;
        await view();
      }
    } catch {
      // The source cannot give a true picture right now: every page says why, nothing to warm.
    }
  };
  const warm = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    // One pass at a time; a change during a pass is looked at again when it ends.
    running ??= pass().finally(() => {
      running = undefined;
      if (!stopped && source.revision('policy') !== warmedPolicy) schedule();
    });
    return running;
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void warm(), debounceMs);
    timer.unref?.();
  };
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    unsubscribe?.();
  };
  const unsubscribe = source.subscribe?.((event) => {
    if (event === 'closed') stop();
    else if (!running && source.revision('policy') !== warmedPolicy) schedule();
  });
  return { ready: warm(), stop };
}
