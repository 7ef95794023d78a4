import { parseAllDocuments } from 'yaml';
import { buildModel, flattenLists, InvalidObjectError, type RawObject } from './to-model';

/**
 * Parses what `kubectl get ... -o yaml|json` prints: one JSON document, or YAML with one or more
 * documents, each an object or a List. Errors name the file and the document (1-based).
 */
export function parseSnapshotText(text: string, file: string): { object: RawObject; where: string }[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      const message = (e as Error).message;
      // V8 gives an offset for some errors only; JSON is YAML, whose parser always gives one.
      const at = /at position (\d+)/.exec(message);
      const offset = at ? Number(at[1]) : parseAllDocuments(text, { prettyErrors: false }).flatMap((d) => ('errors' in d ? d.errors : []))[0]?.pos[0];
      const where = offset === undefined ? '' : ` at ${lineColumn(text, offset)}`;
      throw new InvalidObjectError(`${file}, document 1`, `invalid JSON${where}: ${message.replace(/\s*(in JSON )?at position \d+.*$/, '').split('\n')[0]}`);
    }
    const docs = Array.isArray(value) ? value : [value];
    return docs.flatMap((doc, i) => toObjects(doc, `${file}, document ${i + 1}`));
  }
  const docs = parseAllDocuments(text, { prettyErrors: false });
  const out: { object: RawObject; where: string }[] = [];
  for (const [i, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
    const where = `${file}, document ${i + 1}`;
    if (doc.errors.length > 0) {
      const err = doc.errors[0];
      throw new InvalidObjectError(where, `invalid YAML at ${lineColumn(text, err.pos[0])}: ${err.message.split('\n')[0]}`);
    }
    const value = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue; // an empty document between separators
    out.push(...toObjects(value, where));
  }
  return out;
}

/** `line L, column C` (1-based) of an offset in the file: where an editor goes. */
export function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

function toObjects(value: unknown, where: string): { object: RawObject; where: string }[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidObjectError(where, 'expected a Kubernetes object (a mapping with kind and metadata)');
  }
  const obj = value as RawObject;
  if (typeof obj.kind !== 'string' || !obj.kind) throw new InvalidObjectError(where, 'the object has no kind');
  return flattenLists(obj, where);
}

/** A model from the texts of one or more snapshot files (a directory is read by the caller). */
export function modelFromSnapshotFiles(
  files: { name: string; text: string }[],
  source: import('../model/types').SourceInfo,
): import('../model/types').ClusterModel {
  const objects = files.flatMap((f) => parseSnapshotText(f.text, f.name));
  return buildModel({ objects, source, computeAggregation: true });
}
