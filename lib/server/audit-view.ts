import 'server-only';
import type { AuditReport } from '../audit/types';
import type { ClusterSource } from './sources/source';
import { analysisOf } from './workload-analysis';

/**
 * The audit of the source's current model. It is kept between requests and follows the model's
 * changes incrementally (see IncrementalAnalysis): a pod event costs that pod's workload, not the
 * whole audit. Only the timestamp is fresh on each answer.
 */
export async function auditView(source: ClusterSource, opts: { useServiceAccountCredentials?: boolean } = {}): Promise<AuditReport> {
  const model = await source.readModel();
  const report = analysisOf(source, opts.useServiceAccountCredentials ?? true).audit(model);
  return { ...report, generatedAt: new Date().toISOString() };
}
