import 'server-only';
import { AppError, type MissingPermission } from '../../errors';
import type { ClusterModel, ModelWarning, SourceInfo } from '../../model/types';
import { RESOURCES } from '../../sources/resources';
import { buildModel } from '../../sources/to-model';
import type { Identity, KubeConnection } from '../kube/connection';
import type { Change, ChangeResult } from '../../plan/change';
import { applyChangeLive } from '../apply';
import { Reflector } from '../kube/reflector';
import type { ClusterSource } from './source';

const FIRST_SYNC_TIMEOUT_MS = 15_000;

/**
 * A live cluster, read through one reflector per kind. Requests read only the cache: reloading the
 * page costs no API calls, and watches keep the picture current.
 */
export class LiveSource implements ClusterSource {
  private readonly reflectors: Reflector[];
  private serverVersion?: string;
  private versionFetch?: Promise<void>;
  private started?: Promise<void>;
  private memo?: { generation: number; model: ClusterModel };
  private writes: Promise<void> = Promise.resolve();

  constructor(private readonly conn: KubeConnection, private readonly readOnly: boolean) {
    this.reflectors = RESOURCES.map((def) => new Reflector(conn, def, () => this.onChange()));
  }

  private onChange() {
    // A reflector recovering from a failure means the server is back: its version may have changed.
    if (this.reflectors.every((r) => r.state.phase !== 'failed') && !this.serverVersion) void this.fetchVersion();
  }

  start(): Promise<void> {
    this.started ??= Promise.all([this.fetchVersion(), ...this.reflectors.map((r) => r.start())]).then(() => undefined);
    return this.started;
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
    const phases = this.reflectors.map((r) => r.state);
    const failed = phases.filter((p): p is { phase: 'failed'; error: AppError } => p.phase === 'failed');
    const state: SourceInfo['state'] = failed.some((f) => f.error.code === 'unreachable')
      ? 'unreachable'
      : failed.length > 0
        ? 'degraded'
        : phases.some((p) => p.phase === 'syncing')
          ? 'syncing'
          : 'live';
    return {
      kind: 'live',
      name: this.conn.info.context,
      serverVersion: this.serverVersion,
      pspApiServed: psp.state.phase !== 'absent',
      state,
      readOnly: this.readOnly,
    };
  }

  revision(): number {
    return this.reflectors.reduce((n, r) => n + r.generation, 0);
  }

  async readModel(): Promise<ClusterModel> {
    await Promise.race([this.start(), new Promise((r) => setTimeout(r, FIRST_SYNC_TIMEOUT_MS).unref?.())]);
    this.throwIfUnusable();
    const generation = this.revision();
    if (this.memo?.generation === generation) return this.memo.model;
    const warnings: ModelWarning[] = [];
    for (const r of this.reflectors) {
      if (r.state.phase === 'failed') {
        warnings.push({ code: r.state.error.code === 'forbidden' ? 'list-forbidden' : 'list-failed', message: `${r.def.kind}s are not shown: ${r.state.error.message}` });
      }
    }
    const objects = this.reflectors.flatMap((r) => [...r.items.values()].map((object) => ({ object, where: `${r.def.kind} ${String((object.metadata as { name?: string })?.name)}` })));
    const model = buildModel({ objects, source: this.info(), warnings, computeAggregation: false });
    this.memo = { generation, model };
    return model;
  }

  /** Unreachable, bad credentials, or a forbidden essential list: an error page, not a wrong graph. */
  private throwIfUnusable() {
    const failed = this.reflectors.filter((r) => r.state.phase === 'failed');
    const errors = failed.map((r) => (r.state as { error: AppError }).error);
    const unreachable = errors.find((e) => e.code === 'unreachable');
    if (unreachable) throw unreachable;
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
    const run = this.writes.then(() => applyChangeLive(this.conn, opts.identity, () => this.readModel(), change, opts));
    this.writes = run.then(() => undefined, () => undefined);
    return run;
  }

  connection(): KubeConnection {
    return this.conn;
  }

  close() {
    for (const r of this.reflectors) r.stop();
  }
}
