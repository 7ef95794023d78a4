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
const opened: LiveSource[] = [];
afterEach(() => opened.splice(0).forEach((l) => l.close()));

/** A live source over a scripted connection: every kind listed (empty but the pods), every watch open but the pods' (unless `podWatch`). */
async function liveWithHungPodWatch(opts: { pods?: Record<string, unknown>[]; openPodWatch?: boolean } = {}) {
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
    else call.reply({ status: 200, body: listBody(call.path.startsWith(`${PODS}?`) ? (opts.pods ?? []) : [], '100') });
  }
  await first;
  let podWatch: FakeCall | undefined;
  let podStream: FakeWatch | undefined;
  while (await kube.hasPending()) {
    const call = await kube.next();
    expect(call.isWatch).toBe(true);
    if (!call.path.startsWith(`${PODS}?`)) call.open();
    else if (opts.openPodWatch) podStream = call.open();
    else podWatch = call;
  }
  expect(podWatch ?? podStream).toBeDefined();
  if (!opts.openPodWatch) expect(live.info().state).toBe('live');
  return { clock, kube, live, podStream };
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

  it('equals the cache in order and content after each of many random adds, replacements and deletes', async () => {
    const initial = Array.from({ length: 30 }, (_, i) => pod(`p${i}`, 10 + i, 'a'));
    const { live, podStream } = await liveWithHungPodWatch({ pods: initial, openPodWatch: true });
    // The cache as the API server's events make it: a Map keeps a replaced key in its place.
    const expected = new Map(initial.map((p) => [p.metadata.name, p]));
    const rnd = seededRandom(9);
    let rv = 200;
    let next = 30;
    for (let round = 0; round < 60; round++) {
      // Sometimes one event between reads, sometimes several (a read sees them batched).
      for (let e = 0, n = 1 + Math.floor(rnd() * 4); e < n; e++) {
        const names = [...expected.keys()];
        const r = rnd();
        if (r < 0.35 || names.length === 0) {
          const p = pod(`p${next++}`, ++rv, 'new');
          expected.set(p.metadata.name, p);
          podStream!.send({ type: 'ADDED', object: p });
        } else if (r < 0.7) {
          const p = pod(names[Math.floor(rnd() * names.length)], ++rv, `m${round}`);
          expected.set(p.metadata.name, p);
          podStream!.send({ type: 'MODIFIED', object: p });
        } else {
          const name = names[Math.floor(rnd() * names.length)];
          podStream!.send({ type: 'DELETED', object: expected.get(name)! });
          expected.delete(name);
        }
      }
      await settle();
      const pods = (await live.readModel()).workloads.filter((w) => w.kind === 'Pod');
      expect(pods.map((p) => `${p.metadata.name}:${p.metadata.labels?.v}`)).toEqual([...expected.values()].map((p) => `${p.metadata.name}:${p.metadata.labels.v}`));
    }
  });
});
