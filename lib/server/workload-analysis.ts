import 'server-only';
import { IncrementalAnalysis } from '../audit/incremental';
import type { ClusterSource } from './sources/source';

/**
 * One IncrementalAnalysis per source and controller setting, shared by the audit and the workload
 * outcomes: a pod event re-simulates that pod once for both, and a source that is replaced (another
 * cluster chosen) takes its analyses with it.
 */
const analyses = new WeakMap<ClusterSource, Map<boolean, IncrementalAnalysis>>();

export function analysisOf(source: ClusterSource, useServiceAccountCredentials = true): IncrementalAnalysis {
  let perSource = analyses.get(source);
  if (!perSource) analyses.set(source, (perSource = new Map()));
  let analysis = perSource.get(useServiceAccountCredentials);
  if (!analysis) perSource.set(useServiceAccountCredentials, (analysis = new IncrementalAnalysis({ useServiceAccountCredentials })));
  return analysis;
}

/** The analyses made so far for `source` (each setting a page asked for). */
export function analysesOf(source: ClusterSource): IncrementalAnalysis[] {
  return [...(analyses.get(source)?.values() ?? [])];
}
