import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClusterModel, Workload } from '../model/types';
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

/**
 * A bare pod (a top-level workload of its namespace, as the outcomes, the audit and the board rows
 * hold them) added to the source's model, followed by the warm views, then removed; a weak reference to it.
 */
async function addThenDeleteBarePod(source: ChangingSource): Promise<WeakRef<object>> {
  const deployment = source.model.workloads.find((w) => w.kind === 'Deployment');
  if (!deployment) throw new Error('the demo has no Deployment');
  const template = (deployment.spec as { template: { spec: unknown } }).template;
  const pod = { kind: 'Pod', apiVersion: 'v1', metadata: { name: `${deployment.metadata.name}-bare`, namespace: deployment.metadata.namespace }, spec: template.spec } as Workload;
  source.change('workloads', { ...source.model, workloads: [...source.model.workloads, pod] });
  await vi.waitFor(() => expect(boardComputedFor(source.model)).toBe(true), { timeout: 10_000, interval: 20 });
  expect(analysisOf(source).outcomes(source.model).some((o) => o.name === pod.metadata.name)).toBe(true);
  // A page asks for the analysis without the controllers' service accounts, with the pod there.
  expect(analysisOf(source, false).outcomes(source.model).some((o) => o.name === pod.metadata.name)).toBe(true);
  analysisOf(source, false).audit(source.model);
  source.change('workloads', { ...source.model, workloads: source.model.workloads.filter((w) => w !== pod) });
  return new WeakRef(pod);
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

  it('computes them again shortly after a policy change, and after pod and workload events at most once per workloadRefreshMs', { timeout: 30_000 }, async () => {
    const source = new ChangingSource(demoModel());
    const w = keepViewsWarm(source, { debounceMs: 5, workloadRefreshMs: 3_000 });
    warmed.push(w);
    await w.ready;
    const first = source.model;
    // A pod event: the pages follow it incrementally; not computed at once for nobody.
    source.change('workloads', { ...first, workloads: first.workloads.slice(1) });
    await sleep(100);
    expect(boardComputedFor(source.model)).toBe(false);
    // A PSP removed: most views change; warm again.
    source.change('policy', { ...source.model, psps: first.psps.slice(1) });
    await vi.waitFor(() => expect(boardComputedFor(source.model)).toBe(true), { timeout: 10_000, interval: 20 });
    // Pod events keep coming: one pass follows them all, workloadRefreshMs after the first.
    for (let i = 2; i < 6; i++) source.change('workloads', { ...source.model, workloads: first.workloads.slice(i) });
    await vi.waitFor(() => expect(boardComputedFor(source.model)).toBe(true), { timeout: 20_000, interval: 20 });
  });

  it('keeps no deleted workload alive once it has followed the deletion, in any analysis a page made', { timeout: 20_000 }, async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const source = new ChangingSource(demoModel());
    const w = keepViewsWarm(source, { debounceMs: 5, workloadRefreshMs: 20 });
    warmed.push(w);
    await w.ready;
    const deleted = await addThenDeleteBarePod(source);
    // The outcomes, the audit and the board rows kept it until they followed the change.
    // (A boolean asserted: a failed expect's error would hold the pod, and waitFor keeps the last one.)
    await vi.waitFor(() => {
      gc();
      expect(deleted.deref() === undefined).toBe(true);
    }, { timeout: 10_000, interval: 50 });
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
