import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../errors';
import { RESOURCES } from '../../sources/resources';
import { FakeClock, FakeKube, listBody, settle, type FakeCall, type FakeWatch } from '../../testing/fake-kube';
import { seededRandom } from '../../testing/prng';
import type { KubeConnection } from '../kube/connection';
import { LiveSource } from './live';

// Issue 9: under load, a watch that could not be opened within its timeout made the live source
// say the API server was unreachable (and every view an error page) while it answered everything
// else. Whether the server answers is the /readyz probe's to say.

const PODS = '/api/v1/pods';
const REPLICA_SETS = '/apis/apps/v1/replicasets';
const opened: LiveSource[] = [];
afterEach(() => opened.splice(0).forEach((l) => l.close()));

/** A live source over a scripted connection: every kind listed (empty but the pods), every watch open but the pods' (unless `podWatch`). */
async function liveWithHungPodWatch(opts: { pods?: Record<string, unknown>[]; replicaSets?: Record<string, unknown>[]; openPodWatch?: boolean } = {}) {
  const clock = new FakeClock();
  const kube = new FakeKube(clock);
  const conn = Object.assign(kube, { info: { context: 'fake', server: 'https://fake.example', inCluster: false } }) as unknown as KubeConnection;
  // The periodic probe is far away: the test sees only the probe the source asks for itself.
  const live = new LiveSource(conn, true, { probeIntervalMs: 3_600_000, reflector: { clock, watchOpenTimeoutMs: 15_000 } });
  opened.push(live);
  const first = live.readModel();
  for (let i = 0; i < RESOURCES.length + 1; i++) {
    const call = await kube.next();
    if (call.path === '/version') call.reply({ status: 200, body: { gitVersion: 'v1.24.17' } });
    else call.reply({ status: 200, body: listBody(call.path.startsWith(`${PODS}?`) ? (opts.pods ?? []) : call.path.startsWith(`${REPLICA_SETS}?`) ? (opts.replicaSets ?? []) : [], '100') });
  }
  await first;
  let podWatch: FakeCall | undefined;
  let podStream: FakeWatch | undefined;
  const streams = new Map<string, FakeWatch>();
  while (await kube.hasPending()) {
    const call = await kube.next();
    expect(call.isWatch).toBe(true);
    if (!call.path.startsWith(`${PODS}?`)) streams.set(call.path.split('?')[0], call.open());
    else if (opts.openPodWatch) podStream = call.open();
    else podWatch = call;
  }
  expect(podWatch ?? podStream).toBeDefined();
  if (!opts.openPodWatch) expect(live.info().state).toBe('live');
  return { clock, kube, live, podStream, streams };
}

/** The next request, which must be the source's own /readyz probe. */
async function probe(kube: FakeKube): Promise<FakeCall> {
  const call = await kube.next();
  expect(call.path).toBe('/readyz');
  return call;
}

describe('LiveSource: a watch that cannot be opened in time', () => {
  it('is degraded with its reason, not unreachable, while the API server answers /readyz; the views keep the cache', async () => {
    const { clock, kube, live } = await liveWithHungPodWatch();
    await clock.advance(15_000);
    (await probe(kube)).reply({ status: 200, body: 'ok' });
    await settle();
    const info = live.info();
    expect(info.state).toBe('degraded');
    expect(info.stateReason).toMatch(/^Pods may be out of date \(the API server answers; retrying\): .*did not answer a watch of pods within 15 s/);
    const model = await live.readModel();
    expect(model.warnings).toContainEqual(expect.objectContaining({ message: expect.stringContaining('Pods are shown as last seen and may be out of date') }));

    // The watch opens on the retry: live again.
    await clock.advance(1_000);
    const retry = await kube.next();
    expect(retry.path.startsWith(`${PODS}?`)).toBe(true);
    expect(retry.params.resourceVersion).toBe('100');
    retry.open();
    await settle();
    expect(live.info()).toMatchObject({ state: 'live' });
    expect(live.info().stateReason).toBeUndefined();
  });

  it('is unreachable, and the views an error, when /readyz does not answer either', async () => {
    const { clock, kube, live } = await liveWithHungPodWatch();
    await clock.advance(15_000);
    (await probe(kube)).fail(new AppError('unreachable', 'The cluster at https://fake.example is unreachable: ECONNREFUSED'));
    await settle();
    expect(live.info()).toMatchObject({ state: 'unreachable', stateReason: expect.stringContaining('does not answer /readyz') });
    await expect(live.readModel()).rejects.toMatchObject({ code: 'unreachable' });
  });
});

describe('LiveSource: the model after watch events', () => {
  const pod = (name: string, rv: number, label: string) => ({
    metadata: { name, namespace: 'default', resourceVersion: String(rv), uid: `uid-${name}`, labels: { v: label } },
    spec: { containers: [{ name: 'c', image: 'i' }] },
  });

  const replicaSet = (name: string, rv: number, label: string) => ({
    metadata: { name, namespace: 'default', resourceVersion: String(rv), uid: `uid-${name}`, labels: { v: label } },
    spec: { template: { spec: { containers: [{ name: 'c', image: 'i' }] } } },
  });

  it('equals the caches in order and content after each of many random adds, replacements and deletes of two kinds, patched from the journals', async () => {
    const initialPods = Array.from({ length: 30 }, (_, i) => pod(`p${i}`, 10 + i, 'a'));
    const initialSets = Array.from({ length: 10 }, (_, i) => replicaSet(`rs${i}`, 50 + i, 'a'));
    const { live, podStream, streams } = await liveWithHungPodWatch({ pods: initialPods, replicaSets: initialSets, openPodWatch: true });
    // The caches as the API server's events make them: a Map keeps a replaced key in its place.
    const kinds = [
      { kind: 'Pod', stream: podStream!, make: pod, prefix: 'p', expected: new Map(initialPods.map((p) => [p.metadata.name, p as { metadata: { name: string; labels: { v: string } } }])), next: 30 },
      { kind: 'ReplicaSet', stream: streams.get(REPLICA_SETS)!, make: replicaSet, prefix: 'rs', expected: new Map(initialSets.map((p) => [p.metadata.name, p as { metadata: { name: string; labels: { v: string } } }])), next: 10 },
    ];
    const rnd = seededRandom(9);
    let rv = 200;
    const view = (w: { metadata: { name?: string; labels?: Record<string, string> } }) => `${w.metadata.name}:${w.metadata.labels?.v}`;
    const before = (await live.readModel()).workloads;
    const reads = live.wholeWorkloadReads;
    for (let round = 0; round < 80; round++) {
      // Sometimes one event between reads, sometimes several, of either kind (a read sees them batched).
      for (let e = 0, n = 1 + Math.floor(rnd() * 4); e < n; e++) {
        const k = kinds[rnd() < 0.7 ? 0 : 1];
        const names = [...k.expected.keys()];
        const r = rnd();
        if (r < 0.35 || names.length === 0) {
          const o = k.make(`${k.prefix}${k.next++}`, ++rv, 'new');
          k.expected.set(o.metadata.name, o);
          k.stream.send({ type: 'ADDED', object: o });
        } else if (r < 0.7) {
          const o = k.make(names[Math.floor(rnd() * names.length)], ++rv, `m${round}`);
          k.expected.set(o.metadata.name, o);
          k.stream.send({ type: 'MODIFIED', object: o });
        } else {
          const name = names[Math.floor(rnd() * names.length)];
          k.stream.send({ type: 'DELETED', object: k.expected.get(name)! });
          k.expected.delete(name);
        }
      }
      await settle();
      const workloads = (await live.readModel()).workloads;
      // Each kind together, in its cache's order, in the order of the kinds.
      expect(workloads.map((w) => `${w.kind} ${view(w)}`)).toEqual(kinds.flatMap((k) => [...k.expected.values()].map((o) => `${k.kind} ${view(o)}`)));
    }
    // Every read patched the last list: none read a kind whole.
    expect(live.wholeWorkloadReads).toBe(reads);
    // An object no event touched (still as listed, label `a`) is still the same model object.
    const now = (await live.readModel()).workloads;
    const untouched = before.filter((w) => kinds.find((k) => k.kind === w.kind)!.expected.get(w.metadata.name!)?.metadata.labels.v === 'a');
    expect(untouched.length).toBeGreaterThan(0);
    for (const w of untouched) expect(now).toContain(w);
  });
});
