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
      throw new InvalidObjectError(`${file}, document 1`, `invalid JSON: ${(e as Error).message}`);
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
      const line = err.linePos?.[0] ? ` (line ${err.linePos[0].line})` : '';
      throw new InvalidObjectError(where, `invalid YAML${line}: ${err.message.split('\n')[0]}`);
    }
    const value = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue; // an empty document between separators
    out.push(...toObjects(value, where));
  }
  return out;
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
