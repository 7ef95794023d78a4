import 'server-only';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../errors';
import type { ClusterModel, SourceInfo } from '../../model/types';
import { performedOf, type Change, type ChangeResult } from '../../plan/change';
import { applyPlanToStore, netChanges, toStore } from '../../plan/in-memory';
import { parseSnapshotText } from '../../sources/snapshot-parse';
import { buildModel, InvalidObjectError, type RawObject } from '../../sources/to-model';
import type { ClusterSource, PendingChanges } from './source';

const SNAPSHOT_EXTENSIONS = ['.yaml', '.yml', '.json'];

/** The files of a snapshot: the file itself, or every YAML/JSON file under the directory, sorted. */
async function snapshotFiles(target: string): Promise<string[]> {
  let s;
  try {
    s = await stat(target);
  } catch {
    throw new AppError('source_error', `Snapshot ${target} does not exist`);
  }
  if (!s.isDirectory()) return [target];
  const entries = await readdir(target, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && SNAPSHOT_EXTENSIONS.includes(path.extname(e.name).toLowerCase()))
    .map((e) => path.join(e.parentPath ?? target, e.name))
    .sort();
}

/**
 * A snapshot file or directory (what `kubectl get -o yaml|json` prints), or the bundled demo.
 * Read when first asked, and again when a file changed on disk. Changes apply to an in-memory copy
 * and are kept as pending changes to export; the files are never written.
 */
export class FileSource implements ClusterSource {
  private base?: { stamp: string; store: Map<string, RawObject> };
  private current?: Map<string, RawObject>;
  private history: PendingChanges['history'] = [];
  /** The changes behind the history, to plan again without one of them (undo). */
  private changes: Change[] = [];
  private model?: ClusterModel;
  private version = 0;
  private reads = 0;

  constructor(
    private readonly target: string,
    private readonly kind: 'snapshot' | 'demo',
    private readonly readOnly: boolean,
    private readonly note?: string,
  ) {}

  info(): SourceInfo {
    return { kind: this.kind, name: this.kind === 'demo' ? 'demo' : this.target, pspApiServed: true, state: 'static', readOnly: this.readOnly, note: this.note };
  }

  private async load(): Promise<void> {
    const files = await snapshotFiles(this.target);
    if (files.length === 0) throw new AppError('source_error', `Snapshot directory ${this.target} holds no .yaml, .yml or .json file`);
    const stats = await Promise.all(files.map((f) => stat(f)));
    const stamp = files.map((f, i) => `${f}:${stats[i].mtimeMs}:${stats[i].size}`).join('|');
    if (this.base?.stamp === stamp) return;
    // With changes pending, the files stay as they were read: the changes were planned against them.
    if (this.base && this.current) return;
    // Errors name a file under the working directory relatively, any other as given (not "../../../tmp/x.yaml").
    const shown = (f: string) => {
      const relative = path.relative(process.cwd(), f);
      return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : f;
    };
    const texts = await Promise.all(files.map(async (f) => ({ name: shown(f), text: await readFile(f, 'utf8') })));
    let objects: RawObject[];
    try {
      const parsed = texts.flatMap((t) => parseSnapshotText(t.text, t.name));
      this.toModel(parsed); // validate before accepting, naming the file and document of a bad object
      objects = parsed.map((o) => o.object);
    } catch (e) {
      if (e instanceof InvalidObjectError) throw new AppError('source_error', `The snapshot cannot be read: ${e.message}`);
      throw e;
    }
    this.base = { stamp, store: toStore(objects) };
    this.model = undefined;
  }

  private toModel(objects: { object: RawObject; where: string }[]): ClusterModel {
    return buildModel({ objects, source: this.info(), computeAggregation: true });
  }

  async readModel(): Promise<ClusterModel> {
    await this.load();
    if (!this.model) {
      const store = this.current ?? this.base!.store;
      this.model = this.toModel([...store.values()].map((object) => ({ object, where: `${object.kind} ${(object.metadata as { name?: string }).name}` })));
      this.reads++;
    }
    return this.model;
  }

  revision(): number {
    return this.reads;
  }

  async applyChange(change: Change, opts: { dryRun: boolean }): Promise<ChangeResult> {
    const plan = change.plan(await this.readModel());
    if (plan.noop || opts.dryRun) return { plan, dryRun: true, performed: [], attempts: 1 };
    this.current = applyPlanToStore(this.current ?? this.base!.store, plan, () => `${this.kind}-${++this.version}`);
    this.history.push({ summary: plan.summary, at: new Date().toISOString(), operations: plan.operations.length });
    this.changes.push(change);
    this.model = undefined;
    return { plan, dryRun: false, performed: plan.operations.map(performedOf), attempts: 1 };
  }

  pending(): PendingChanges {
    return { history: [...this.history], changes: this.base && this.current ? netChanges(this.base.store, this.current) : { apply: [], delete: [] } };
  }

  discardPending() {
    this.current = undefined;
    this.history = [];
    this.changes = [];
    this.model = undefined;
  }

  /**
   * Takes back one pending change: every other one is planned again, in order, from the files as
   * read (a change is a function of the cluster, so a later one adapts, or says why it cannot).
   * Nothing changes when one of them no longer applies.
   */
  async undoPending(index: number): Promise<void> {
    await this.load();
    if (!Number.isInteger(index) || index < 0 || index >= this.changes.length) throw new AppError('not_found', `There is no pending change ${index + 1}`);
    let store = this.base!.store;
    const history: PendingChanges['history'] = [];
    const changes: Change[] = [];
    let version = this.version;
    for (const [i, change] of this.changes.entries()) {
      if (i === index) continue;
      let plan;
      try {
        plan = change.plan(this.toModel([...store.values()].map((object) => ({ object, where: `${object.kind}` }))));
        if (plan.noop) continue;
        store = applyPlanToStore(store, plan, () => `${this.kind}-${++version}`);
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        throw new AppError('conflict', `Change ${index + 1} cannot be undone alone: change ${i + 1} (${this.history[i].summary}) depends on it (${why}). Undo that one first.`);
      }
      history.push({ ...this.history[i], summary: plan.summary, operations: plan.operations.length });
      changes.push(change);
    }
    this.version = version;
    this.current = changes.length ? store : undefined;
    this.history = history;
    this.changes = changes;
    this.model = undefined;
  }

  close() {}
}
