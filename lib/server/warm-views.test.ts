import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClusterModel } from '../model/types';
import { demoModel } from '../testing/demo';
import { boardComputedFor } from './pod-security-view';
import type { ClusterSource, RevisionScope, SourceEvent } from './sources/source';
import { keepViewsWarm, type WarmViews } from './warm-views';
import { analysisOf } from './workload-analysis';

/** A source whose model the test replaces, telling its subscribers as a live source does. */
class ChangingSource implements ClusterSource {
  private revisions = { policy: 1, workloads: 1 };
  private readonly listeners = new Set<(e: SourceEvent) => void>();
  constructor(public model: ClusterModel) {}
  info() {
    return this.model.source;
  }
  async readModel() {
    return this.model;
  }
  revision(scope?: RevisionScope) {
    return scope ? this.revisions[scope] : this.revisions.policy + this.revisions.workloads;
  }
  subscribe(l: (e: SourceEvent) => void) {
    this.listeners.add(l);
    return () => void this.listeners.delete(l);
  }
  /** A new model, changed in `scope`, and the change notice. */
  change(scope: RevisionScope, model: ClusterModel) {
    this.model = model;
    this.revisions[scope]++;
    for (const l of this.listeners) l('change');
  }
  applyChange(): never {
    throw new Error('not in this test');
  }
  close() {
    for (const l of this.listeners) l('closed');
  }
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
const warmed: WarmViews[] = [];
afterEach(() => warmed.splice(0).forEach((w) => w.stop()));

describe('keepViewsWarm', () => {
  it('computes the outcomes, the audit and the board once the model is read, before any page asks', async () => {
    const source = new ChangingSource(demoModel());
    const w = keepViewsWarm(source, { debounceMs: 5 });
    warmed.push(w);
    expect(boardComputedFor(source.model)).toBe(false);
    await w.ready;
    expect(boardComputedFor(source.model)).toBe(true);
    expect(analysisOf(source).caseCount).toBeGreaterThan(0);
  });

  it('computes them again shortly after a policy change, not after pod and workload events', async () => {
    const source = new ChangingSource(demoModel());
    const w = keepViewsWarm(source, { debounceMs: 5 });
    warmed.push(w);
    await w.ready;
    const first = source.model;
    // A pod event: the pages follow it incrementally; nothing is computed for nobody.
    source.change('workloads', { ...first, workloads: first.workloads.slice(1) });
    await sleep(100);
    expect(boardComputedFor(source.model)).toBe(false);
    // A PSP removed: most views change; warm again.
    source.change('policy', { ...source.model, psps: first.psps.slice(1) });
    await vi.waitFor(() => expect(boardComputedFor(source.model)).toBe(true), { timeout: 10_000, interval: 20 });
  });

  it('stops when the source closes', async () => {
    const source = new ChangingSource(demoModel());
    const w = keepViewsWarm(source, { debounceMs: 5 });
    await w.ready;
    source.close();
    source.change('policy', { ...source.model, psps: source.model.psps.slice(1) });
    await sleep(100);
    expect(boardComputedFor(source.model)).toBe(false);
  });
});
