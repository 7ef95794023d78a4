import 'server-only';
import { AppError, type MissingPermission } from '../../errors';
import type { ClusterModel, ModelWarning, SourceInfo, Workload } from '../../model/types';
import { isWorkloadKind } from '../../sources/slim';
import { RESOURCES } from '../../sources/resources';
import { mapAlong } from '../../model/map-along';
import { recordEdits } from '../../model/list-edits';
import { patchSegments, type SegmentChanges } from '../../model/patch-segments';
import { buildModel, type RawObject } from '../../sources/to-model';
import type { Identity, KubeConnection } from '../kube/connection';
import type { Change, ChangeResult } from '../../plan/change';
import { applyChangeLive } from '../apply';
import { WriteQueue } from '../write-queue';
import { Reflector, type ReflectorOptions } from '../kube/reflector';
import type { ClusterSource, RevisionScope, SourceEvent } from './source';

const FIRST_SYNC_TIMEOUT_MS = 15_000;

export interface LiveSourceOptions {
  /** How often the API server is asked `/readyz` while the watches are open (default 5 s). */
  probeIntervalMs?: number;
  /** How long it may take to answer (default 4 s). */
  probeTimeoutMs?: number;
  reflector?: ReflectorOptions;
}

/** The model's arrays that one group of kinds fills. */
type PolicyPart = Pick<ClusterModel, 'psps' | 'clusterRoles' | 'roles' | 'clusterRoleBindings' | 'roleBindings' | 'serviceAccounts' | 'namespaces'>;

/** A part built for one kind only: the PSP-API warning belongs to the whole model. */
const PART_SOURCE: SourceInfo = { kind: 'live', name: 'part', pspApiServed: true, state: 'live', readOnly: true };

const FIELD_OF_KIND: Record<string, keyof PolicyPart> = {
  PodSecurityPolicy: 'psps', ClusterRole: 'clusterRoles', Role: 'roles', ClusterRoleBinding: 'clusterRoleBindings', RoleBinding: 'roleBindings',
  ServiceAccount: 'serviceAccounts', Namespace: 'namespaces',
};

/** The model array a kind fills. */
function fieldOf(kind: string): keyof PolicyPart | 'workloads' {
  return FIELD_OF_KIND[kind] ?? 'workloads';
}

/** A list slot not parsed yet. */
const MISSING: unknown = Symbol('missing');

/**
 * A live cluster, read through one reflector per kind. Requests read only the cache: reloading the
 * page costs no API calls, and watches keep the picture current.
 */
export class LiveSource implements ClusterSource {
  private readonly reflectors: Reflector[];
  /** PSPs, RBAC, ServiceAccounts and Namespaces: what the graph, tree, PSP table and object views read. */
  private readonly policyReflectors: Reflector[];
  /** Pods and the workload kinds: read by simulation, the namespace view and the audit. */
  private readonly workloadReflectors: Reflector[];
  private serverVersion?: string;
  private versionFetch?: Promise<void>;
  private started?: Promise<void>;
  private firstModel?: Promise<void>;
  private memo?: { generation: number; model: ClusterModel };
  /** Each kind parsed once per generation, each group assembled once per revision: a pod event re-parses pods only. */
  private readonly parts = new WeakMap<Reflector, { generation: number; raws: RawObject[]; list: unknown[] }>();
  private policyPart?: { revision: number; part: PolicyPart };
  /**
   * The workload kinds' model objects as one list (the model's), with each kind's generation and
   * count in it: a pod event patches this list (one copy of 176,000 references at the largest
   * clusters) rather than each kind's lists and their concatenation (three).
   */
  private workloadsPart?: { revision: number; workloads: Workload[]; generations: number[]; counts: number[] };
  /**
   * Each cached workload's model object, kept exactly as the list is patched: a replaced or removed
   * object's model object is then found in the model's list by identity (a builtin scan of
   * references), without a second list of the cached objects copied on every pod event.
   */
  private modelOf = new Map<RawObject, Workload>();
  /** How often the workloads were read whole rather than patched from the watches' journals (for tests and benchmarks). */
  wholeWorkloadReads = 0;
  /** Whether the API server answered the last probe; `since` is when it stopped (Date.now()). */
  private health: { answering: true } | { answering: false; since: number; why: string } = { answering: true };
  private probeTimer?: NodeJS.Timeout;
  private closed = false;
  private readonly probeIntervalMs: number;
  private readonly probeTimeoutMs: number;
  /** One change at a time; one waits at most 20 s for its turn (a change itself takes at most about 55 s). */
  private readonly writes = new WriteQueue(20_000);

  constructor(private readonly conn: KubeConnection, private readonly readOnly: boolean, options: LiveSourceOptions = {}) {
    this.reflectors = RESOURCES.map((def) => {
      const r: Reflector = new Reflector(conn, def, () => this.onChange(), { ...options.reflector, beforeFirstWatch: () => this.afterFirstList(r) });
      return r;
    });
    this.policyReflectors = this.reflectors.filter((r) => !isWorkloadKind(r.def.kind));
    this.workloadReflectors = this.reflectors.filter((r) => isWorkloadKind(r.def.kind));
    this.probeIntervalMs = options.probeIntervalMs ?? 5_000;
    this.probeTimeoutMs = options.probeTimeoutMs ?? 4_000;
  }

  /** Settles when every kind's first list has ended, read or failed (the first complete model). */
  loaded(): Promise<void> {
    void this.start();
    return this.firstModel ?? Promise.resolve();
  }

  /** Told after each change the watches bring, and once when the source is closed. */
  private readonly listeners = new Set<(event: SourceEvent) => void>();

  subscribe(listener: (event: SourceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private onChange() {
    for (const l of this.listeners) l('change');
    // A reflector recovering from a failure means the server is back: its version may have changed.
    if (this.reflectors.every((r) => r.state.phase !== 'failed') && !this.serverVersion) void this.fetchVersion();
    // A kind that cannot follow its watch: ask the server now whether it answers at all, rather
    // than wait for the next probe or take one slow request for the whole server's silence.
    if (this.reflectors.some((r) => r.state.phase === 'lagging')) void this.probeNow();
  }

  private probing?: Promise<void>;

  /** One probe at a time; a probe asked for while one runs is that one. */
  private probeNow(): Promise<void> {
    this.probing ??= this.probe().finally(() => (this.probing = undefined));
    return this.probing;
  }

  start(): Promise<void> {
    if (!this.started) {
      this.started = Promise.all([this.fetchVersion(), ...this.reflectors.map((r) => r.start())]).then(() => undefined);
      this.firstModel = this.started
        .then(() => {
          try {
            this.currentModel();
          } catch {
            // An unusable cluster: readModel says why.
          }
        })
        // A turn of the event loop: the readers waiting for the first model get it before the
        // watches' connections are set up.
        .then(() => new Promise<void>((ok) => setImmediate(ok)));
      this.scheduleProbe();
    }
    return this.started;
  }

  /**
   * The first load, as fast as the lists allow: each kind is parsed as soon as its list lands,
   * while the others are still in flight, and the watches open only once the first model is built
   * (or after FIRST_SYNC_TIMEOUT_MS), so that their connections do not compete with the lists. They
   * start from each list's resourceVersion, so no change is missed meanwhile.
   */
  private afterFirstList(r: Reflector): Promise<void> {
    try {
      this.partOf(r);
    } catch {
      // An object the model refuses: readModel says which.
    }
    return Promise.race([this.firstModel ?? Promise.resolve(), new Promise<void>((ok) => setTimeout(ok, FIRST_SYNC_TIMEOUT_MS).unref?.())]);
  }

  /**
   * An open watch says nothing when the API server freezes or the network drops packets: the
   * connection stays up and silent (bookmarks come only about once a minute). So while the watches
   * are open, the API server is asked `/readyz` every few seconds with a short timeout; any HTTP
   * answer below 500 (even a 403) means it answers. When it does not, the source says so
   * (`unreachable`) and keeps serving its cache; when it answers again, watches that stayed silent
   * through the outage are re-opened from their resourceVersion (a dead connection would otherwise
   * wait for the stall timeout), and the state is `live` again.
   */
  private scheduleProbe() {
    if (this.closed) return;
    this.probeTimer = setTimeout(() => void this.probeNow().finally(() => this.scheduleProbe()), this.probeIntervalMs);
    this.probeTimer.unref?.();
  }

  private async probe() {
    // Only once a kind has its cache (its watch open, or lagging): before that, the lists' own
    // failures say what is wrong.
    if (!this.reflectors.some((r) => r.state.phase === 'synced' || r.state.phase === 'lagging')) return;
    const at = Date.now();
    let why: string | undefined;
    try {
      const res = await this.conn.request('GET', '/readyz', { timeoutMs: this.probeTimeoutMs });
      if (res.status >= 500) why = `/readyz answered HTTP ${res.status}`;
    } catch (e) {
      why = (e as Error).message;
    }
    if (this.closed) return;
    if (why) {
      if (this.health.answering) this.health = { answering: false, since: at, why };
      return;
    }
    if (!this.health.answering) {
      const since = this.health.since;
      this.health = { answering: true };
      for (const r of this.reflectors) r.reopenIfSilentSince(since);
    }
  }

  private fetchVersion(): Promise<void> {
    this.versionFetch ??= this.conn
      .request('GET', '/version', { timeoutMs: 5_000 })
      .then((res) => {
        if (res.status === 200) this.serverVersion = JSON.parse(res.body).gitVersion;
      })
      .catch(() => undefined)
      .finally(() => (this.versionFetch = undefined));
    return this.versionFetch;
  }

  info(): SourceInfo {
    const psp = this.reflectors.find((r) => r.def.kind === 'PodSecurityPolicy')!;
    const failed = this.reflectors.filter((r) => r.state.phase === 'failed');
    const lagging = this.reflectors.filter((r) => r.state.phase === 'lagging');
    const errorOf = (r: Reflector) => (r.state as { error: AppError }).error;
    const unreachableList = failed.find((r) => errorOf(r).code === 'unreachable');
    // `unreachable` only on evidence about the whole server: its /readyz probe failed, or a kind
    // that has never been listed cannot be. A lagging watch is `degraded`, with its reason.
    const state: SourceInfo['state'] = !this.health.answering || unreachableList
      ? 'unreachable'
      : failed.length > 0 || lagging.length > 0
        ? 'degraded'
        : this.reflectors.some((r) => r.state.phase === 'syncing')
          ? 'syncing'
          : 'live';
    const stateReason = !this.health.answering
      ? `The API server does not answer /readyz: ${this.health.why}`
      : unreachableList
        ? errorOf(unreachableList).message
        : state === 'degraded'
          ? [
              ...failed.map((r) => `${r.def.kind}s cannot be read: ${errorOf(r).message}`),
              ...lagging.map((r) => `${r.def.kind}s may be out of date (the API server answers; retrying): ${errorOf(r).message}`),
            ].join(' ')
          : undefined;
    return {
      kind: 'live',
      name: this.conn.info.context,
      serverVersion: this.serverVersion,
      pspApiServed: psp.state.phase !== 'absent',
      state,
      ...(stateReason ? { stateReason } : {}),
      readOnly: this.readOnly,
    };
  }

  /** Sums of generations (each only grows): `policy` and `workloads` move independently, the whole with either. */
  revision(scope?: RevisionScope): number {
    const of = scope === 'policy' ? this.policyReflectors : scope === 'workloads' ? this.workloadReflectors : this.reflectors;
    return of.reduce((n, r) => n + r.generation, 0);
  }

  /** When the API server stopped answering the probe, and why; undefined while it answers. */
  notAnswering(): { since: number; why: string } | undefined {
    return this.health.answering ? undefined : { since: this.health.since, why: this.health.why };
  }

  async readModel(): Promise<ClusterModel> {
    await Promise.race([this.start(), new Promise((r) => setTimeout(r, FIRST_SYNC_TIMEOUT_MS).unref?.())]);
    return this.currentModel();
  }

  private currentModel(): ClusterModel {
    this.throwIfUnusable();
    const generation = this.revision();
    if (this.memo?.generation === generation) return this.memo.model;
    const warnings: ModelWarning[] = [];
    for (const r of this.reflectors) {
      if (r.state.phase === 'failed') {
        warnings.push({ code: r.state.error.code === 'forbidden' ? 'list-forbidden' : 'list-failed', message: `${r.def.kind}s are not shown: ${r.state.error.message}` });
      } else if (r.state.phase === 'lagging') {
        warnings.push({ code: 'list-failed', message: `${r.def.kind}s are shown as last seen and may be out of date: ${r.state.error.message}` });
      }
    }
    const base = buildModel({ objects: [], source: this.info(), warnings, computeAggregation: false });
    const model: ClusterModel = { ...base, ...this.policy(), workloads: this.workloads() };
    this.memo = { generation, model };
    return model;
  }

  /**
   * One kind's model objects, in the cache's order. Objects are parsed once: after watch events
   * the last lists are patched from the reflector's journal (a pod event costs copying two arrays
   * and parsing that pod, not a walk over 150,000 objects); after a list, a walk along the last
   * list finds the unchanged objects by a pointer comparison each.
   */
  private partOf(r: Reflector): unknown[] {
    const cached = this.parts.get(r);
    if (cached?.generation === r.generation) return cached.list;
    const patched = cached && this.patchedPart(r, cached);
    const raws = patched ? patched.raws : [...r.items.values()];
    const list = patched ? patched.list : cached ? mapAlong(raws, cached.raws, (o) => o, () => MISSING, cached.list) : raws.map(() => MISSING);
    const misses: number[] = [];
    for (let i = 0; i < list.length; i++) if (list[i] === MISSING) misses.push(i);
    if (misses.length > 0) {
      const out = this.parseObjects(r, misses.map((i) => raws[i]));
      misses.forEach((i, n) => (list[i] = out[n]));
    }
    this.parts.set(r, { generation: r.generation, raws, list });
    r.forgetChangesUpTo(r.generation);
    return list;
  }

  /**
   * The last lists with the reflector's changes since replayed on copies (a replaced object in its
   * place, an added one at the end, a removed one cut out: the order of the cache's Map), changed
   * entries left MISSING; undefined when the reflector has no journal back to then.
   */
  private patchedPart(r: Reflector, last: { generation: number; raws: RawObject[]; list: unknown[] }): { raws: RawObject[]; list: unknown[] } | undefined {
    const changes = r.changesSince(last.generation);
    if (!changes) return undefined;
    const raws = last.raws.slice();
    const list = last.list.slice();
    for (const c of changes) {
      const at = c.before ? raws.lastIndexOf(c.before) : -1;
      if (c.before && at < 0) return undefined;
      if (c.before && c.after) {
        raws[at] = c.after;
        list[at] = MISSING;
      } else if (c.before) {
        raws.splice(at, 1);
        list.splice(at, 1);
      } else if (c.after) {
        raws.push(c.after);
        list.push(MISSING);
      }
    }
    // The journal and the cache must agree; when they do not (a bug), the full walk is right.
    return raws.length === r.items.size ? { raws, list } : undefined;
  }

  private policy(): PolicyPart {
    const revision = this.revision('policy');
    if (this.policyPart?.revision === revision) return this.policyPart.part;
    const part: PolicyPart = { psps: [], clusterRoles: [], roles: [], clusterRoleBindings: [], roleBindings: [], serviceAccounts: [], namespaces: [] };
    for (const r of this.policyReflectors) (part as Record<string, unknown[]>)[fieldOf(r.def.kind)] = this.partOf(r);
    this.policyPart = { revision, part };
    return part;
  }

  private workloads(): Workload[] {
    const revision = this.revision('workloads');
    const last = this.workloadsPart;
    if (last?.revision === revision) return last.workloads;
    const part = (last && this.patchedWorkloads(last)) ?? this.wholeWorkloads();
    this.workloadsPart = { revision, ...part };
    for (const r of this.workloadReflectors) r.forgetChangesUpTo(r.generation);
    return part.workloads;
  }

  /**
   * The last workloads with the journals' changes replayed (patchSegments: one list of the exact
   * size, made in one pass); undefined when a journal does not reach back or disagrees with its
   * cache. A replaced or removed object's model object (modelOf) is found in the list by identity:
   * a builtin scan of references, where reading each model object's metadata would touch 176,000
   * objects scattered over the heap.
   */
  private patchedWorkloads(last: NonNullable<LiveSource['workloadsPart']>): Omit<NonNullable<LiveSource['workloadsPart']>, 'revision'> | undefined {
    const segments: SegmentChanges<RawObject>[] = [];
    for (let i = 0; i < this.workloadReflectors.length; i++) {
      const r = this.workloadReflectors[i];
      const changes = r.generation === last.generations[i] ? [] : r.changesSince(last.generations[i]);
      if (!changes) return undefined;
      segments.push({ changes, size: r.items.size });
    }
    const patched = patchSegments(last.workloads, last.counts, segments, (raw) => this.modelOf.get(raw), (i, raw) => this.parseWorkload(this.workloadReflectors[i], raw));
    if (!patched) return undefined;
    for (const { changes } of segments) for (const c of changes) if (c.before) this.modelOf.delete(c.before);
    // Readers that walked the last list (the simulation's scan) replay these instead.
    recordEdits(patched.list, last.workloads, patched.edits);
    return { workloads: patched.list, generations: this.workloadReflectors.map((r) => r.generation), counts: patched.counts };
  }

  /**
   * Every kind's objects from its cache: the list parsed as it landed (the first load), or one whose
   * objects already in the last list keep their model objects.
   */
  private wholeWorkloads(): Omit<NonNullable<LiveSource['workloadsPart']>, 'revision'> {
    this.wholeWorkloadReads++;
    // A patch that gave up half-way left some objects mapped to their new model objects: right too.
    const known = this.modelOf;
    this.modelOf = new Map();
    const workloads: Workload[] = [];
    const counts: number[] = [];
    for (const r of this.workloadReflectors) {
      // The list parsed as it landed (the first load), brought to the reflector's generation by
      // partOf's patch or walk should the reflector have moved since: never parsed again.
      const parsed = this.parts.has(r) ? (this.partOf(r), this.parts.get(r)) : undefined;
      // Kept no longer than this: the list patched from here on is the model's, and an old list would hold removed objects alive.
      this.parts.delete(r);
      const raws = parsed ? parsed.raws : [...r.items.values()];
      const list = parsed ? (parsed.list as Workload[]) : raws.map((raw) => known.get(raw) ?? (MISSING as Workload));
      const misses: number[] = [];
      for (let i = 0; i < list.length; i++) if (list[i] === MISSING) misses.push(i);
      if (misses.length > 0) {
        const out = this.parseObjects(r, misses.map((i) => raws[i])) as Workload[];
        misses.forEach((i, n) => (list[i] = out[n]));
      }
      for (let i = 0; i < list.length; i++) {
        workloads.push(list[i]);
        this.modelOf.set(raws[i], list[i]);
      }
      counts.push(list.length);
    }
    return { workloads, generations: this.workloadReflectors.map((r) => r.generation), counts };
  }

  private parseWorkload(r: Reflector, raw: RawObject): Workload {
    const model = this.parseObjects(r, [raw])[0] as Workload;
    this.modelOf.set(raw, model);
    return model;
  }

  /** Objects of one kind from the cache through buildModel (trusted: the API server validated them). */
  private parseObjects(r: Reflector, raws: RawObject[]): unknown[] {
    const objects = raws.map((object) => ({ object, where: `${r.def.kind} ${String((object.metadata as { name?: string })?.name)}` }));
    const model = buildModel({ objects, source: PART_SOURCE, computeAggregation: false, trusted: true });
    const out = model[fieldOf(r.def.kind)] as unknown[];
    if (out.length !== raws.length) throw new AppError('internal', `Reading ${r.def.resource}: ${raws.length} objects gave ${out.length}`);
    return out;
  }

  /** Unreachable, bad credentials, or a forbidden essential list: an error page, not a wrong graph. */
  private throwIfUnusable() {
    const failed = this.reflectors.filter((r) => r.state.phase === 'failed');
    const errors = failed.map((r) => (r.state as { error: AppError }).error);
    const unreachable = errors.find((e) => e.code === 'unreachable');
    if (unreachable) throw unreachable;
    // Kinds shown from their cache while their watches fail: fine while the server answers (the
    // state says degraded, the model warns); when the probe says it does not, an error page.
    const lagging = this.reflectors.find((r) => r.state.phase === 'lagging');
    if (lagging && !this.health.answering) throw (lagging.state as { error: AppError }).error;
    const unauthorized = errors.find((e) => e.code === 'unauthorized');
    if (unauthorized) throw unauthorized;
    const essential = failed.filter((r) => r.def.essential);
    if (essential.length === 0) {
      if (this.reflectors.some((r) => r.state.phase === 'syncing')) {
        throw new AppError('not_ready', 'Still reading the cluster; try again in a moment.');
      }
      return;
    }
    const missing = essential.flatMap((r) => ((r.state as { error: AppError }).error.details?.missing ?? []) as MissingPermission[]);
    const first = (essential[0].state as { error: AppError }).error;
    if (first.code === 'forbidden') {
      throw new AppError('forbidden', `The dashboard's identity may not read what it needs: ${missing.map((m) => `${m.verb} ${m.group ? `${m.resource}.${m.group}` : m.resource}`).join(', ')}.`, {
        missing,
        hint: `Grant these cluster-wide (a ClusterRole bound with a ClusterRoleBinding), e.g. kubectl create clusterrole psp-dashboard-read --verb=get,list,watch --resource=${missing.map((m) => (m.group ? `${m.resource}.${m.group}` : m.resource)).join(',')}`,
      });
    }
    throw first;
  }

  /**
   * Changes from this process go one at a time: concurrent requests for the same binding would
   * otherwise only defeat each other's preconditions. Writers elsewhere still meet the
   * resourceVersion preconditions and the conflict retry.
   */
  applyChange(change: Change, opts: { dryRun: boolean; identity: Identity }): Promise<ChangeResult> {
    return this.writes.run(() => applyChangeLive(this.conn, opts.identity, () => this.readModel(), change, opts));
  }

  connection(): KubeConnection {
    return this.conn;
  }

  close() {
    this.closed = true;
    for (const l of this.listeners) l('closed');
    this.listeners.clear();
    clearTimeout(this.probeTimer);
    for (const r of this.reflectors) r.stop();
  }
}
