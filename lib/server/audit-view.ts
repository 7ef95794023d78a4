import 'server-only';
import { auditCluster } from '../audit/audit';
import type { AuditReport } from '../audit/types';
import type { ClusterModel } from '../model/types';
import { getSource } from './sources/registry';

/**
 * The audit of the source's current model. Models are immutable and replaced on every change, so a
 * report is computed once per model and option; only its timestamp is fresh.
 */
const cache = new WeakMap<ClusterModel, Map<string, AuditReport>>();

export async function auditView(opts: { useServiceAccountCredentials?: boolean } = {}): Promise<AuditReport> {
  const model = await getSource().readModel();
  const key = String(opts.useServiceAccountCredentials ?? true);
  let perModel = cache.get(model);
  if (!perModel) cache.set(model, (perModel = new Map()));
  let report = perModel.get(key);
  if (!report) perModel.set(key, (report = auditCluster(model, { useServiceAccountCredentials: opts.useServiceAccountCredentials })));
  return { ...report, generatedAt: new Date().toISOString() };
}
