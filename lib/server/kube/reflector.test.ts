import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors';
import { RESOURCES } from '../../sources/resources';
import { anObject, FakeClock, FakeKube, listBody, settle, type FakeCall } from '../../testing/fake-kube';
import { Backoff, Reflector } from './reflector';

const ROLES = RESOURCES.find((r) => r.kind === 'Role')!;
const PSPS = RESOURCES.find((r) => r.kind === 'PodSecurityPolicy')!;
const STALL = 90_000;

function setup(def = ROLES) {
  const clock = new FakeClock();
  const kube = new FakeKube(clock);
  let changes = 0;
  const r = new Reflector(kube, def, () => changes++, { clock, stallTimeoutMs: STALL, watchOpenTimeoutMs: 15_000 });
  const synced = r.start();
  return { clock, kube, r, synced, changes: () => changes };
}

/** Lists a, b at RV 100 and opens the watch: the state every scenario starts from. */
async function listed(s: ReturnType<typeof setup>) {
  const list = await s.kube.next();
  list.reply({ status: 200, body: listBody([anObject('a', '90'), anObject('b', '95')], '100') });
  await s.synced;
  const watch = await s.kube.next();
  const stream = watch.open();
  await settle();
  return { list, watch, stream };
}

function expectWatchFrom(call: FakeCall, rv: string) {
  expect(call.isWatch).toBe(true);
  expect(call.params).toMatchObject({ watch: 'true', allowWatchBookmarks: 'true', resourceVersion: rv });
}

describe('Reflector', () => {
  it('lists first at resourceVersion 0 (the watch cache), then watches from the list RV with bookmarks', async () => {
    const s = setup();
    const list = await s.kube.next();
    expect(list.kind).toBe('request');
    expect(list.path.split('?')[0]).toBe('/apis/rbac.authorization.k8s.io/v1/roles');
    expect(list.params).toEqual({ limit: '500', resourceVersion: '0' });
    expect(list.timeoutMs).toBe(60_000); // a whole kind at once: more than a request's usual 15 s
    list.reply({ status: 200, body: listBody([anObject('a', '90'), anObject('b', '95')], '100') });
    await s.synced;
    expect(s.r.state).toEqual({ phase: 'synced' });
    expect([...s.r.items.keys()]).toEqual(['default/a', 'default/b']);
    expect(s.r.items.get('default/a')).toMatchObject({ kind: 'Role', apiVersion: 'rbac.authorization.k8s.io/v1' });
    const watch = await s.kube.next();
    expectWatchFrom(watch, '100');
    const timeout = Number(watch.query.get('timeoutSeconds'));
    expect(timeout).toBeGreaterThanOrEqual(300);
    expect(timeout).toBeLessThan(600);
  });

  it('follows continue tokens, and after 410 mid-pagination lists once in full at the same RV (client-go pager)', async () => {
    const s = setup();
    const p1 = await s.kube.next();
    p1.reply({ status: 200, body: listBody([anObject('a', '1')], '100', 'token-1') });
    const p2 = await s.kube.next();
    expect(p2.params).toEqual({ limit: '500', continue: 'token-1' });
    p2.reply({ status: 200, body: listBody([anObject('b', '2')], '100', 'token-2') });
    const p3 = await s.kube.next();
    expect(p3.params).toEqual({ limit: '500', continue: 'token-2' });
    p3.reply({ status: 410, body: { kind: 'Status', code: 410, reason: 'Expired', message: 'The provided continue parameter is too old' } });
    const full = await s.kube.next();
    expect(full.params).toEqual({ resourceVersion: '0' });
    full.reply({ status: 200, body: listBody([anObject('a', '1'), anObject('c', '3')], '120') });
    await s.synced;
    expect([...s.r.items.keys()]).toEqual(['default/a', 'default/c']);
    expectWatchFrom(await s.kube.next(), '120');
    expect(s.clock.pending()).not.toContain(1_000); // no backoff on the way
  });

  it('re-opens a dropped watch from the last resourceVersion after a backoff, without listing again', async () => {
    const s = setup();
    const { stream } = await listed(s);
    stream.send({ type: 'ADDED', object: anObject('c', '101') });
    stream.send({ type: 'DELETED', object: anObject('a', '102') });
    await settle();
    expect([...s.r.items.keys()]).toEqual(['default/b', 'default/c']);
    stream.drop();
    await settle();
    expect(s.clock.pending()).toEqual([1_000]);
    expect(await s.kube.hasPending()).toBe(false);
    await s.clock.advance(1_000);
    const again = await s.kube.next();
    expectWatchFrom(again, '102');
    expect(s.r.stats.lists).toBe(1);
    expect([...s.r.items.keys()]).toEqual(['default/b', 'default/c']);
  });

  it('re-watches at once from the bookmark RV when the server ends a watch at its timeout', async () => {
    const s = setup();
    const { stream } = await listed(s);
    const generation = s.r.generation;
    stream.send({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '150' } } });
    await settle();
    expect(s.r.generation).toBe(generation); // a bookmark changes nothing readers see
    stream.end();
    const again = await s.kube.next();
    expect(again.at).toBe(0);
    expectWatchFrom(again, '150');
    expect(s.r.stats.lists).toBe(1);
  });

  it('backs off a watch the server ends at once without a byte (a "very short watch"), instead of spinning', async () => {
    const s = setup();
    const { stream } = await listed(s);
    stream.end();
    await settle();
    expect(await s.kube.hasPending()).toBe(false);
    expect(s.clock.pending()).toEqual([1_000]);
  });

  it('detects a stalled watch (no byte, not even a bookmark) and re-opens it from the last RV', async () => {
    const s = setup();
    const { stream } = await listed(s);
    await s.clock.advance(60_000);
    stream.send({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '130' } } });
    await s.clock.advance(STALL - 1); // a byte re-arms the timer
    expect(await s.kube.hasPending()).toBe(false);
    expect(stream.destroyed).toBe(false);
    await s.clock.advance(1);
    expect(stream.destroyed).toBe(true);
    expect(s.r.stats.stalls).toBe(1);
    const again = await s.kube.next();
    expect(again.at).toBe(60_000 + STALL);
    expectWatchFrom(again, '130');
    expect(s.r.stats.lists).toBe(1);
  });

  it('re-opens a watch silent since a given time on request (the health probe saw the server fail and return)', async () => {
    const s = setup();
    const { stream } = await listed(s);
    await s.clock.advance(10_000);
    stream.send({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '140' } } });
    await settle();
    s.r.reopenIfSilentSince(5_000); // a byte came after: left alone
    expect(await s.kube.hasPending()).toBe(false);
    s.r.reopenIfSilentSince(10_001);
    expect(stream.destroyed).toBe(true);
    expectWatchFrom(await s.kube.next(), '140');
  });

  it('honours 429 Retry-After on a watch, then watches again from the same RV', async () => {
    const s = setup();
    const { stream } = await listed(s);
    await s.clock.advance(60_000);
    stream.end(); // the server's timeout after a healthy while: re-watch at once
    const w2 = await s.kube.next();
    w2.reply({ status: 429, headers: { 'retry-after': '7' }, body: { kind: 'Status', code: 429, reason: 'TooManyRequests' } });
    await settle();
    expect(s.clock.pending()).toEqual([7_000]);
    await s.clock.advance(6_999);
    expect(await s.kube.hasPending()).toBe(false);
    await s.clock.advance(1);
    const w3 = await s.kube.next();
    expectWatchFrom(w3, '100');
    expect(s.r.state).toEqual({ phase: 'synced' });
    expect(s.r.stats.lists).toBe(1);
  });

  it('honours 429 Retry-After on a list, and the backoff when it is longer', async () => {
    const s = setup();
    const l1 = await s.kube.next();
    l1.reply({ status: 429, headers: { 'retry-after': '5' } });
    await s.synced;
    expect(s.r.state).toMatchObject({ phase: 'failed', error: { code: 'unreachable' } });
    expect(s.clock.pending()).toEqual([5_000]);
    await s.clock.advance(5_000);
    const l2 = await s.kube.next();
    expect(l2.params).toEqual({ limit: '500', resourceVersion: '0' });
    l2.reply({ status: 429, headers: { 'retry-after': '1' } });
    await settle();
    expect(s.clock.pending()).toEqual([2_000]); // the backoff's second step beats Retry-After: 1
  });

  it('relists only on 410: from the last RV (watch cache, NotOlderThan, no limit), then from etcd when that RV is gone too', async () => {
    const s = setup();
    const { stream } = await listed(s);
    stream.send({ type: 'MODIFIED', object: anObject('a', '105') });
    stream.send({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 105 (200)' } });
    await settle();
    expect(stream.destroyed).toBe(true);
    await s.clock.advance(1_000);
    const relist = await s.kube.next();
    expect(relist.isWatch).toBe(false);
    expect(relist.params).toEqual({ resourceVersion: '105', resourceVersionMatch: 'NotOlderThan' });
    relist.reply({ status: 410, body: { kind: 'Status', code: 410, reason: 'Expired' } });
    const fromEtcd = await s.kube.next();
    expect(fromEtcd.params).toEqual({ limit: '500' });
    fromEtcd.reply({ status: 200, body: listBody([anObject('z', '210')], '210') });
    expectWatchFrom(await s.kube.next(), '210');
    expect([...s.r.items.keys()]).toEqual(['default/z']);
    expect(s.r.stats.lists).toBe(2);
  });

  it('relists on a 410 answer to the watch request itself', async () => {
    const s = setup();
    const { stream } = await listed(s);
    await s.clock.advance(60_000);
    stream.end();
    const w2 = await s.kube.next();
    w2.reply({ status: 410, body: { kind: 'Status', code: 410, reason: 'Expired' } });
    await s.clock.advance(1_000);
    const relist = await s.kube.next();
    expect(relist.params).toEqual({ resourceVersion: '100', resourceVersionMatch: 'NotOlderThan' });
  });

  it('backs off 1 s → 30 s while the server is unreachable, keeping the cache, and watches again from its RV when it answers', async () => {
    const s = setup();
    const { stream } = await listed(s);
    stream.drop();
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      await settle();
      const [delay] = s.clock.pending();
      delays.push(delay);
      await s.clock.advance(delay);
      const w = await s.kube.next();
      expectWatchFrom(w, '100');
      if (i < 6) w.fail(new AppError('unreachable', 'connect ECONNREFUSED 127.0.0.1:6443'));
      else w.open();
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    await settle();
    expect(s.r.state).toEqual({ phase: 'synced' });
    expect(s.r.items.size).toBe(2);
    expect(s.r.stats.lists).toBe(1);
  });

  it('reports lagging (cache kept, reason given) while watches cannot be opened, and counts a retry of the same failure as no change', async () => {
    const s = setup();
    const { stream } = await listed(s);
    stream.drop();
    await s.clock.advance(1_000);
    (await s.kube.next()).fail(new AppError('unreachable', 'connect ECONNREFUSED'));
    await settle();
    expect(s.r.state).toMatchObject({ phase: 'lagging', error: { code: 'unreachable', message: 'connect ECONNREFUSED' } });
    expect(s.r.items.size).toBe(2);
    const generation = s.r.generation;
    await s.clock.advance(2_000);
    (await s.kube.next()).fail(new AppError('unreachable', 'connect ECONNREFUSED'));
    await settle();
    expect(s.r.generation).toBe(generation);
  });

  it('gives up on a watch request that gets no headers (a frozen server), and drops the late answer', async () => {
    const s = setup();
    const { stream } = await listed(s);
    await s.clock.advance(60_000);
    stream.end();
    const hung = await s.kube.next();
    await s.clock.advance(15_000);
    // Not `failed`: one watch without an answer is no proof that the server is down (the live
    // source's probe decides that), and the cache is still the last one seen.
    expect(s.r.state).toMatchObject({ phase: 'lagging', error: { code: 'unreachable', message: expect.stringContaining('did not answer a watch of roles within 15 s') } });
    expect(s.r.items.size).toBe(2);
    const late = hung.open();
    await settle();
    expect(late.destroyed).toBe(true);
    await s.clock.advance(1_000);
    const retry = await s.kube.next();
    expectWatchFrom(retry, '100');
    retry.open();
    await settle();
    expect(s.r.state).toEqual({ phase: 'synced' });
  });

  it('relists after a watch refused for another reason (403), with backoff', async () => {
    const s = setup();
    const { stream } = await listed(s);
    await s.clock.advance(60_000);
    stream.end();
    (await s.kube.next()).reply({ status: 403, body: { kind: 'Status', code: 403, reason: 'Forbidden', message: 'roles is forbidden' } });
    await settle();
    expect(s.r.state).toMatchObject({ phase: 'failed', error: { code: 'forbidden', details: { missing: [{ verb: 'watch', resource: 'roles' }] } } });
    await s.clock.advance(1_000);
    expect((await s.kube.next()).isWatch).toBe(false);
  });

  it('a broken line in the stream re-opens the watch from the last good RV', async () => {
    const s = setup();
    const { stream } = await listed(s);
    stream.send({ type: 'ADDED', object: anObject('c', '101') });
    stream.sendRaw('{"type":"ADDED","obj');
    stream.sendRaw('ect": nope}\n');
    await s.clock.advance(1_000);
    expectWatchFrom(await s.kube.next(), '101');
    expect(s.r.stats.lists).toBe(1);
  });

  it('marks the PSP API absent on 404 and looks again a minute later', async () => {
    const s = setup(PSPS);
    (await s.kube.next()).reply({ status: 404, body: { kind: 'Status', code: 404 } });
    await s.synced;
    expect(s.r.state).toEqual({ phase: 'absent' });
    expect(s.clock.pending()).toEqual([60_000]);
  });

  it('opens its first watch only once beforeFirstWatch resolves (the live source builds its first model meanwhile), and never waits again', async () => {
    const clock = new FakeClock();
    const kube = new FakeKube(clock);
    let open!: () => void;
    const gate = new Promise<void>((ok) => (open = ok));
    let waits = 0;
    const r = new Reflector(kube, ROLES, () => {}, { clock, beforeFirstWatch: () => (waits++, gate) });
    const synced = r.start();
    (await kube.next()).reply({ status: 200, body: listBody([anObject('a', '1')], '100') });
    await synced;
    expect(await kube.hasPending()).toBe(false);
    open();
    const w1 = await kube.next();
    expectWatchFrom(w1, '100');
    w1.reply({ status: 410, body: { kind: 'Status', code: 410 } });
    await clock.advance(1_000);
    (await kube.next()).reply({ status: 200, body: listBody([], '200') });
    expectWatchFrom(await kube.next(), '200');
    expect(waits).toBe(1);
  });

  it('stores list items as they came, without managedFields', async () => {
    const s = setup();
    const list = await s.kube.next();
    list.reply({ status: 200, body: listBody([{ metadata: { name: 'a', namespace: 'default', resourceVersion: '1', managedFields: [{ manager: 'kubectl' }] }, rules: [] }], '100') });
    await s.synced;
    expect(s.r.items.get('default/a')).toEqual({ kind: 'Role', apiVersion: 'rbac.authorization.k8s.io/v1', metadata: { name: 'a', namespace: 'default', resourceVersion: '1' }, rules: [] });
  });

  it('stop() ends the watch and the loop', async () => {
    const s = setup();
    const { stream } = await listed(s);
    s.r.stop();
    await settle();
    expect(stream.destroyed).toBe(true);
    expect(await s.kube.hasPending()).toBe(false);
    expect(s.clock.pending()).toEqual([]);
  });
});

describe('Backoff', () => {
  it('doubles from 1 s to 30 s, jittered downwards, and starts over only after 2 minutes without a failure', async () => {
    const clock = new FakeClock();
    const b = new Backoff(clock);
    expect([b.next(), b.next(), b.next()]).toEqual([1_000, 2_000, 4_000]);
    await clock.advance(119_000);
    expect(b.next()).toBe(8_000); // failures 2 min apart at most: still backing off
    await clock.advance(120_001);
    expect(b.next()).toBe(1_000);
    clock.randomValue = 1;
    expect(b.next()).toBe(1_500); // 2 s × (1 − 0.25)
    for (let i = 0; i < 10; i++) b.next();
    clock.randomValue = 0.5;
    expect(b.next()).toBe(26_250); // capped at 30 s, × (1 − 0.125)
  });
});
