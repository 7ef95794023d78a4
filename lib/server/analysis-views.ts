import 'server-only';
import { parse } from 'yaml';
import { AppError } from '../errors';
import { parseKey } from '../model/keys';
import type { ClusterModel, Subject, Workload } from '../model/types';
import { whoCanUse, usableBy, identityOfSubject, groupCoverage } from '../access/effective-access';
import { userIdentity } from '../access/identity';
import { workloadFromManifest, type Manifest } from '../access/manifest';
import { podOfWorkload, simulatePod, simulateWorkload } from '../access/simulate-workload';
import type { SimulateBody } from '../schemas/analysis';
import type { ClusterSource } from './sources/source';
import { analysisOf } from './workload-analysis';

/** The admission simulation and effective-access views, computed from the source's current model. */

export function manifestOf(input: NonNullable<SimulateBody['manifest']>): Manifest {
  if (typeof input !== 'string') return input as Manifest;
  let parsed: unknown;
  try {
    parsed = parse(input);
  } catch (e) {
    throw new AppError('invalid', `The manifest is not valid YAML: ${(e as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new AppError('invalid', 'The manifest must be one object');
  return parsed as Manifest;
}

export async function simulateView(source: ClusterSource, body: SimulateBody) {
  const model = await source.readModel();
  const requester = body.requester ? userIdentity(body.requester.user, body.requester.groups ?? []) : undefined;
  const controllerOpts = { useServiceAccountCredentials: body.useServiceAccountCredentials };
  let workload: Workload | undefined;
  if (body.workload) {
    const key = parseKey(body.workload);
    workload = key ? model.workloads.find((w) => w.kind === key.kind && (w.metadata.namespace ?? '') === (key.namespace ?? '') && w.metadata.name === key.name) : undefined;
    if (!workload) throw new AppError('not_found', `No workload ${body.workload} in this cluster`);
  } else {
    const r = workloadFromManifest(manifestOf(body.manifest!), body.namespace);
    if (!r.ok) throw new AppError('invalid', r.error);
    workload = r.workload;
  }
  if (!(podOfWorkload(workload).spec.containers ?? []).length) throw new AppError('invalid', 'The pod has no containers');
  const result = requester && workload.kind !== 'Pod'
    ? simulatePod(model, podOfWorkload(workload), requester)
    : simulateWorkload(model, workload, { ...controllerOpts, requester });
  return { pspApiServed: model.source.pspApiServed, workload: { kind: workload.kind, namespace: workload.metadata.namespace, name: workload.metadata.name }, ...result };
}

function subjectOf(ref: string): Subject {
  const [kind, a, b] = ref.split('/');
  return kind === 'ServiceAccount' ? { kind, namespace: a, name: b } : { kind, name: a };
}

export async function accessView(source: ClusterSource, q: { psp?: string; subject?: string }) {
  const model = await source.readModel();
  if (q.psp) {
    const exists = model.psps.some((p) => p.metadata.name === q.psp);
    return { psp: q.psp, exists, grants: whoCanUse(model, q.psp) };
  }
  const subject = subjectOf(q.subject!);
  const identity = identityOfSubject(subject);
  const out = {
    subject, identity,
    covers: subject.kind === 'Group' ? groupCoverage(subject.name) : undefined,
    usable: usableBy(model, identity),
  };
  // A service account is both a pod identity (no system:authenticated) and, with its token, a requester.
  if (subject.kind === 'ServiceAccount') {
    const asRequester = identityOfSubject(subject, { asRequester: true });
    return { ...out, asRequester: { identity: asRequester, usable: usableBy(model, asRequester) } };
  }
  return out;
}

/**
 * What every top-level workload's pods get now: the per-namespace view. Kept between requests and
 * followed incrementally (see IncrementalAnalysis), shared with the audit.
 */
export async function workloadOutcomesView(source: ClusterSource, q: { namespace?: string; useServiceAccountCredentials?: boolean }) {
  const model = await source.readModel();
  const workloads = analysisOf(source, q.useServiceAccountCredentials ?? true).outcomes(model, q.namespace);
  return {
    pspApiServed: model.source.pspApiServed,
    useServiceAccountCredentials: q.useServiceAccountCredentials ?? true,
    refused: workloads.filter((w) => !w.allowed).length,
    workloads,
  };
}
