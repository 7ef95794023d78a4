import 'server-only';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../errors';
import type { ClusterModel, SourceInfo } from '../../model/types';
import { modelFromSnapshotFiles } from '../../sources/snapshot-parse';
import { InvalidObjectError } from '../../sources/to-model';
import type { ClusterSource } from './source';

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
 * A snapshot file or directory (what `kubectl get -o yaml|json` prints), or the bundled demo. Read
 * when first asked, and again when a file changed on disk; never written to.
 */
export class FileSource implements ClusterSource {
  private cache?: { stamp: string; model: ClusterModel };
  private reads = 0;

  constructor(
    private readonly target: string,
    private readonly kind: 'snapshot' | 'demo',
    private readonly readOnly: boolean,
    private readonly note?: string,
  ) {}

  info(): SourceInfo {
    return {
      kind: this.kind,
      name: this.kind === 'demo' ? 'demo' : this.target,
      serverVersion: this.cache?.model.source.serverVersion,
      pspApiServed: true,
      state: 'static',
      readOnly: this.readOnly,
      note: this.note,
    };
  }

  async readModel(): Promise<ClusterModel> {
    const files = await snapshotFiles(this.target);
    if (files.length === 0) throw new AppError('source_error', `Snapshot directory ${this.target} holds no .yaml, .yml or .json file`);
    const stats = await Promise.all(files.map((f) => stat(f)));
    const stamp = files.map((f, i) => `${f}:${stats[i].mtimeMs}:${stats[i].size}`).join('|');
    if (this.cache?.stamp === stamp) return this.cache.model;
    const texts = await Promise.all(files.map(async (f) => ({ name: path.relative(process.cwd(), f) || f, text: await readFile(f, 'utf8') })));
    let model: ClusterModel;
    try {
      model = modelFromSnapshotFiles(texts, this.info());
    } catch (e) {
      if (e instanceof InvalidObjectError) throw new AppError('source_error', `The snapshot cannot be read: ${e.message}`);
      throw e;
    }
    this.cache = { stamp, model };
    this.reads++;
    return model;
  }

  revision(): number {
    return this.reads;
  }

  close() {}
}
