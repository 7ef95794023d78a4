import 'server-only';
import { auditView } from './audit-view';
import { workloadOutcomesView } from './analysis-views';
import { podSecurityView } from './pod-security-view';
import { analysesOf, analysisOf } from './workload-analysis';
import type { ClusterSource } from './sources/source';

/**
 * The views that take seconds the first time on a big cluster — every workload's PSP outcome, the
 * audit, the migration board (150,000 pods: about 1, 1 and 3 s) — computed in the background once
 * the source's model is read, and again shortly after a policy change (PSPs, RBAC, namespaces,
 * service accounts: those redo most of them). A page's first answer then comes from a warm cache.
 *
 * Pod and workload events are followed too, but at most once per `workloadRefreshMs` (10 s): each
 * view follows them incrementally in milliseconds, so warming after every event would spend CPU
 * under churn for nobody; never following them would cost memory instead. Each view keeps what it
 * was last computed from (the analysis its last model's workloads, the board its rows' workloads),
 * so a view nobody asks for kept every object deleted since alive: on a churning cluster of
 * 150,000 pods, up to a second copy of them all (measured: 3,100 deleted pods, 7.7 MiB, kept after
 * 5 minutes of 20 pods/s). Refreshed, they keep at most 10 s of deletions.
 *
 * Each view is computed in its own turn of the event loop, so requests are served in between.
 */
export interface WarmViews {
  /** Settles when the first pass is done (or could not be made: the pages say why). */
  ready: Promise<void>;
  stop(): void;
}

const nextTurn = () => new Promise<void>((ok) => setImmediate(ok));

export function keepViewsWarm(source: ClusterSource, opts: { debounceMs?: number; workloadRefreshMs?: number } = {}): WarmViews {
  const debounceMs = opts.debounceMs ?? 2_000;
  const workloadRefreshMs = opts.workloadRefreshMs ?? 10_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  /** When the pending pass is due (performance.now()), while one is. */
  let due = Infinity;
  /** The revisions the last pass read; a change notice with the same ones needs no pass. */
  let warmedPolicy = -1;
  let warmedWorkloads = -1;
  let running: Promise<void> | undefined;

  const pass = async () => {
    try {
      await source.loaded?.();
      const model = await source.readModel();
      warmedPolicy = source.revision('policy');
      warmedWorkloads = source.revision('workloads');
      const views: (() => unknown)[] = [() => workloadOutcomesView(source, {}), () => auditView(source, {}), () => podSecurityView(source)];
      // Analyses with another setting a page asked for follow too (else they would keep their last model's objects).
      const usual = analysisOf(source);
      for (const other of analysesOf(source)) if (other !== usual) views.push(() => other.outcomes(model), () => other.audit(model));
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
      if (!stopped) follow();
    });
    return running;
  };
  /** A pass `ms` from now, unless one is due sooner. */
  const scheduleIn = (ms: number) => {
    const at = performance.now() + ms;
    if (timer && due <= at) return;
    clearTimeout(timer);
    due = at;
    timer = setTimeout(() => {
      timer = undefined;
      due = Infinity;
      void warm();
    }, ms);
    timer.unref?.();
  };
  /** A policy change: a pass once the changes stop for debounceMs (they come in bursts: an apply of many objects). */
  const debounce = () => {
    clearTimeout(timer);
    timer = undefined;
    scheduleIn(debounceMs);
  };
  const follow = () => {
    if (source.revision('policy') !== warmedPolicy) debounce();
    else if (source.revision('workloads') !== warmedWorkloads) scheduleIn(workloadRefreshMs);
  };
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    unsubscribe?.();
  };
  const unsubscribe = source.subscribe?.((event) => {
    if (event === 'closed') stop();
    else if (!running) follow();
  });
  return { ready: warm(), stop };
}
