import { applySeccompVersionSkew } from '../admission/storage';
import { applyApiDefaults, applyServiceAccountAdmission } from '../admission/api-defaults';
import type { Pod } from '../admission/pod';
import { invalidAfterAdmission } from '../admission/pod-validation';
import { selectPolicy, type SelectionResult } from '../admission/select-policy';
import type { ClusterModel, Workload, WorkloadKind } from '../model/types';
import { authorizationCache, indexAccess, type AccessIndex, type Authorizer } from './can-use';
import { controllerIdentity, podServiceAccountIdentity, type ControllerOptions, type Identity } from './identity';

/**
 * A workload's pods through admission: the pod template as its controller submits it, the pod's
 * service account, and the controller (or, for a bare Pod, the given requester) as the requester.
 */

export interface SimulateOptions extends ControllerOptions {
  /** The requester for a bare Pod (a workload's requester is its controller). */
  requester?: Identity;
  /** Apply the ServiceAccount admission step (default true), as the API server does before PSP. */
  serviceAccountAdmission?: boolean;
}

export interface WorkloadSimulation extends SelectionResult {
  namespace: string;
  serviceAccount?: string;
  requester?: Identity;
  /** The pod as submitted to PSP (after API defaulting and the ServiceAccount step). */
  submittedPod: Pod;
  /**
   * A refusal that comes before PSP: the ServiceAccount admission plugin refuses a pod whose
   * service account does not exist (only said when the model lists service accounts).
   */
  refusedBeforePsp?: string;
  /** API validation errors the chosen PSP's defaults cause (the server then answers 422 Invalid). */
  refusedAfterPsp?: string[];
}

/** The pod a workload's controller creates (or the Pod itself). */
export function podOfWorkload(w: Workload): Pod {
  const ns = w.metadata.namespace ?? 'default';
  if (w.kind === 'Pod') return { apiVersion: 'v1', kind: 'Pod', metadata: { ...w.metadata, namespace: ns }, spec: structuredClone(w.spec) as Pod['spec'] };
  const template = w.kind === 'CronJob' ? w.spec?.jobTemplate?.spec?.template : w.spec?.template;
  const meta = template?.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { generateName: `${w.metadata.name}-`, namespace: ns, ...(meta.labels ? { labels: { ...meta.labels } } : {}), ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}) },
    spec: structuredClone(template?.spec ?? { containers: [] }),
  };
  if (w.kind === 'StatefulSet') withClaimVolumes(pod, w);
  return pod;
}

/**
 * The StatefulSet controller gives each pod a `persistentVolumeClaim` volume per volumeClaimTemplate
 * (`<template>-<set>-<ordinal>`), replacing a template volume of the same name (updateStorage in
 * pkg/controller/statefulset): a PSP without `persistentVolumeClaim` refuses such pods.
 */
function withClaimVolumes(pod: Pod, w: Workload): void {
  const claims: { metadata?: { name?: string } }[] = Array.isArray(w.spec?.volumeClaimTemplates) ? w.spec.volumeClaimTemplates : [];
  const names = claims.map((c) => c.metadata?.name).filter((n): n is string => !!n);
  if (names.length === 0) return;
  const claimVolumes = names.map((name) => ({ name, persistentVolumeClaim: { claimName: `${name}-${w.metadata.name}-0` } }));
  pod.spec.volumes = [...claimVolumes, ...(pod.spec.volumes ?? []).filter((v) => !names.includes(v.name))];
}

/** API defaulting, then the ServiceAccount admission step, as the API server runs them before PSP. */
export function prepareForAdmission(model: Pick<ClusterModel, 'serviceAccounts'>, pod: Pod, serviceAccountAdmission = true, accounts?: ServiceAccountIndex): Pod {
  const defaulted = applyApiDefaults(pod);
  if (!serviceAccountAdmission) return defaulted;
  const ns = pod.metadata.namespace ?? 'default';
  const saName = defaulted.spec.serviceAccountName || 'default';
  const sa = (accounts ?? indexServiceAccounts(model)).get(`${ns}/${saName}`);
  return applyServiceAccountAdmission(defaulted, { serviceAccountAutomount: sa?.automountServiceAccountToken });
}

type ServiceAccountIndex = Map<string, { automountServiceAccountToken?: boolean }>;

function indexServiceAccounts(model: Pick<ClusterModel, 'serviceAccounts'>): ServiceAccountIndex {
  return new Map(model.serviceAccounts.map((sa) => [`${sa.metadata.namespace}/${sa.metadata.name}`, sa as { automountServiceAccountToken?: boolean }]));
}

export interface SimulationContext {
  index: AccessIndex;
  accounts: ServiceAccountIndex;
  isAuthorized: Authorizer;
}

/** Indexes a model once for many simulations. */
export function simulationContext(model: ClusterModel): SimulationContext {
  const index = indexAccess(model);
  return { index, accounts: indexServiceAccounts(model), isAuthorized: authorizationCache(index) };
}

export function simulatePod(
  model: ClusterModel, pod: Pod, requester: Identity | undefined,
  opts: { serviceAccountAdmission?: boolean; mutationAllowed?: boolean; context?: SimulationContext; diffEveryPolicy?: boolean } = {},
): WorkloadSimulation {
  const namespace = pod.metadata.namespace ?? 'default';
  const ctx = opts.context ?? simulationContext(model);
  const submittedPod = prepareForAdmission(model, { ...pod, metadata: { ...pod.metadata, namespace } }, opts.serviceAccountAdmission ?? true, ctx.accounts);
  const saName = submittedPod.spec.serviceAccountName || undefined;
  const sa = saName ? podServiceAccountIdentity(namespace, saName) : undefined;
  const result = selectPolicy({
    pod: submittedPod, namespace, psps: model.psps, mutationAllowed: opts.mutationAllowed, diffEveryPolicy: opts.diffEveryPolicy,
    // The service account is asked first, then the requester; either suffices.
    isAuthorized: (psp) => (!!sa && ctx.isAuthorized(sa, psp, namespace)) || (!!requester && ctx.isAuthorized(requester, psp, namespace)),
  });
  const missingAccount = (opts.serviceAccountAdmission ?? true) && saName && ctx.accounts.size > 0 && !ctx.accounts.has(`${namespace}/${saName}`);
  const refusedBeforePsp = missingAccount
    ? `pods ${JSON.stringify(pod.metadata.name || pod.metadata.generateName || '')} is forbidden: error looking up service account ${namespace}/${saName}: serviceaccount ${JSON.stringify(saName)} not found`
    : undefined;
  if (refusedBeforePsp) {
    // The ServiceAccount plugin refuses the pod before PSP looks at it, whoever asks: nothing is admitted or stored.
    return { ...result, allowed: false, psp: undefined, pod: undefined, mutations: [], message: refusedBeforePsp, namespace, serviceAccount: saName, requester, submittedPod, refusedBeforePsp };
  }
  const invalid = result.pod ? invalidAfterAdmission(result.pod) : [];
  return {
    ...result,
    // The pod as the API server stores it: after admission it keeps the seccomp field and annotation in step.
    ...(result.pod ? { pod: applySeccompVersionSkew(result.pod) } : {}),
    namespace, serviceAccount: saName, requester, submittedPod,
    ...(invalid.length ? { refusedAfterPsp: invalid } : {}),
  };
}

export function simulateWorkload(model: ClusterModel, workload: Workload, opts: SimulateOptions & { context?: SimulationContext; diffEveryPolicy?: boolean } = {}): WorkloadSimulation {
  const requester = workload.kind === 'Pod' ? opts.requester : controllerIdentity(workload.kind, opts);
  return simulatePod(model, podOfWorkload(workload), requester, { serviceAccountAdmission: opts.serviceAccountAdmission, context: opts.context, diffEveryPolicy: opts.diffEveryPolicy });
}

export interface WorkloadOutcome {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  serviceAccount?: string;
  requester?: string;
  allowed: boolean;
  psp?: string;
  /** The chosen PSP had to change the pod. */
  mutated: boolean;
  /** The refusal, as the controller's FailedCreate event would say it. */
  message?: string;
  /** The ServiceAccount admission plugin's refusal (missing account), which comes before PSP. */
  refusedBeforePsp?: string;
  /** API validation errors caused by the chosen PSP's defaults. */
  refusedAfterPsp?: string[];
}

/**
 * What every top-level workload's pods get now (optionally in one namespace): workloads owned by a
 * controller (a Deployment's ReplicaSets, a CronJob's Jobs, controllers' Pods) are left out, their
 * owner stands for them.
 */
export function simulateWorkloads(model: ClusterModel, opts: ControllerOptions & { namespace?: string } = {}): WorkloadOutcome[] {
  const context = simulationContext(model);
  return model.workloads
    .filter((w) => !opts.namespace || w.metadata.namespace === opts.namespace)
    .filter((w) => !(w.metadata.ownerReferences ?? []).some((o) => o.controller))
    .map((w) => workloadOutcome(w, simulateWorkload(model, w, { ...opts, context, diffEveryPolicy: false })));
}

/** A workload's outcome as the namespaces view shows it: refused before, by or after PSP, or the PSP its pods get. */
export function workloadOutcome(w: Workload, r: Omit<WorkloadSimulation, 'pod' | 'submittedPod'>): WorkloadOutcome {
  return {
    kind: w.kind, namespace: r.namespace, name: w.metadata.name, serviceAccount: r.serviceAccount, requester: r.requester?.user,
    allowed: r.allowed && !r.refusedBeforePsp && !r.refusedAfterPsp, psp: r.psp, mutated: r.mutations.length > 0,
    message: r.refusedBeforePsp ?? r.refusedAfterPsp?.join('; ') ?? r.message,
    ...(r.refusedBeforePsp ? { refusedBeforePsp: r.refusedBeforePsp } : {}),
    ...(r.refusedAfterPsp ? { refusedAfterPsp: r.refusedAfterPsp } : {}),
  };
}
