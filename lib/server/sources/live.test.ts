import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../errors';
import { RESOURCES } from '../../sources/resources';
import { FakeClock, FakeKube, listBody, settle, type FakeCall } from '../../testing/fake-kube';
import type { KubeConnection } from '../kube/connection';
import { LiveSource } from './live';

// Issue 9: under load, a watch that could not be opened within its timeout made the live source
// say the API server was unreachable (and every view an error page) while it answered everything
// else. Whether the server answers is the /readyz probe's to say.

const PODS = '/api/v1/pods';
const opened: LiveSource[] = [];
afterEach(() => opened.splice(0).forEach((l) => l.close()));

/** A live source over a scripted connection: every kind listed (empty), every watch open but the pods'. */
async function liveWithHungPodWatch() {
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
    else call.reply({ status: 200, body: listBody([], '100') });
  }
  await first;
  let podWatch: FakeCall | undefined;
  while (await kube.hasPending()) {
    const call = await kube.next();
    expect(call.isWatch).toBe(true);
    if (call.path.startsWith(`${PODS}?`)) podWatch = call;
    else call.open();
  }
  expect(podWatch).toBeDefined();
  expect(live.info().state).toBe('live');
  return { clock, kube, live };
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
