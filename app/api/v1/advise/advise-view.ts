import 'server-only';
import { AppError } from '@/lib/errors';
import type { ClusterModel, Workload } from '@/lib/model/types';
import { advise, serviceAccountOf, topLevelWorkloads } from '@/lib/advisor/advise';
import type { AdviseBody } from '@/lib/schemas/advise';
import { podShapeErrors } from '@/lib/validation/pod-shape';
import type { ClusterSource } from '@/lib/server/sources/source';

/** The workloads a request names, or a 404 naming what is not there. */
function selectWorkloads(all: Workload[], namespaces: (ns: string) => Workload[], body: AdviseBody): { workloads: Workload[]; name: string } {
  if (body.namespace) {
    const workloads = namespaces(body.namespace);
    if (!workloads.length) throw new AppError('not_found', `No workloads in namespace ${body.namespace}`);
    return { workloads, name: `advised-${body.namespace}` };
  }
  if (body.serviceAccount) {
    const [ns, sa] = body.serviceAccount.split('/');
    const workloads = namespaces(ns).filter((w) => serviceAccountOf(w) === sa);
    if (!workloads.length) throw new AppError('not_found', `No workloads run as service account ${ns}/${sa}`);
    return { workloads, name: `advised-${ns}-${sa}` };
  }
  const refs = body.workloads!;
  const missing: string[] = [];
  const workloads: Workload[] = [];
  for (const r of refs) {
    const w = all.find((x) => x.kind === r.kind && (x.metadata.namespace ?? 'default') === r.namespace && x.metadata.name === r.name);
    if (!w) missing.push(`${r.kind} ${r.namespace}/${r.name}`);
    else if (!workloads.includes(w)) workloads.push(w);
  }
  if (missing.length) throw new AppError('not_found', `No such workload${missing.length > 1 ? 's' : ''} in this cluster: ${missing.join(', ')}`);
  const nss = [...new Set(workloads.map((w) => w.metadata.namespace ?? 'default'))];
  return { workloads, name: nss.length === 1 ? `advised-${nss[0]}` : 'advised' };
}

function templateOf(w: Workload): unknown {
  if (w.kind === 'Pod') return w;
  return w.kind === 'CronJob' ? w.spec?.jobTemplate?.spec?.template : w.spec?.template;
}

/** The request's workloads in a model (404s for what is missing, 400s for unreadable templates) and the proposal's default name. */
export function workloadsOfRequest(model: ClusterModel, body: AdviseBody): { workloads: Workload[]; name: string } {
  const { workloads, name } = selectWorkloads(model.workloads, (ns) => topLevelWorkloads(model, ns), body);
  // A snapshot may hold objects the API server would never have stored: say which, rather than fail.
  for (const w of workloads) {
    const shape = podShapeErrors(templateOf(w), w.kind === 'Pod' ? '' : w.kind === 'CronJob' ? 'spec.jobTemplate.spec.template' : 'spec.template');
    if (shape) throw new AppError('invalid', `${w.kind} ${w.metadata.namespace}/${w.metadata.name} cannot be read as a pod template: ${shape}`);
  }
  return { workloads, name: body.name ?? name };
}

export async function adviseView(source: ClusterSource, body: AdviseBody) {
  const model = await source.readModel();
  const { workloads, name } = workloadsOfRequest(model, body);
  const advice = advise(model, workloads, { name, useServiceAccountCredentials: body.useServiceAccountCredentials });
  return {
    pspApiServed: model.source.pspApiServed,
    workloads: workloads.map((w) => ({ kind: w.kind, namespace: w.metadata.namespace ?? 'default', name: w.metadata.name, serviceAccount: serviceAccountOf(w) })),
    ...advice,
  };
}
