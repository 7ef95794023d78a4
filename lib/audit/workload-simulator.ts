import { controllerIdentity, podServiceAccountIdentity, type ControllerOptions, type Identity } from '../access/identity';
import { podOfWorkload, prepareForAdmission, type SimulationContext, type SimulatedWorkload, type WorkloadSimulation } from '../access/simulate-workload';
import type { Container, Pod } from '../admission/pod';
import { invalidAfterAdmission } from '../admission/pod-validation';
import { selectPolicy, type SelectionResult } from '../admission/select-policy';
import type { ClusterModel } from '../model/types';

/**
 * Many workloads through admission against one policy state (PSPs, RBAC, ServiceAccounts), each
 * distinct case once. A case is the pod as PSP sees it (its security-relevant shape) and the PSPs
 * its identities may use in its namespace: every pod of a ReplicaSet is one case, and so are most
 * Deployments of a big cluster, which differ in images, commands and labels, none of which PSP reads.
 * The answer is the same as simulateWorkload's (the audit's property test compares them), without
 * the admitted and submitted pods, which no bulk reader keeps.
 */

/** A workload's simulation as the bulk readers (outcomes, audit) keep it. */
export type BulkSimulation = Omit<WorkloadSimulation, 'pod' | 'submittedPod'>;

/** Container fields that neither PSP admission nor the API validation after it read. */
const IGNORED_CONTAINER_FIELDS = [
  'image', 'imagePullPolicy', 'command', 'args', 'workingDir', 'env', 'envFrom', 'resources', 'resizePolicy',
  'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'terminationMessagePath', 'terminationMessagePolicy',
];
/**
 * Pod fields of scheduling and naming, which PSP does not read. The service account is read by the
 * ServiceAccount step before PSP (already applied to the pod keyed) and by authorization (in the
 * case's grants), so its name is no part of the shape.
 */
const IGNORED_POD_FIELDS = [
  'serviceAccountName', 'serviceAccount',
  'nodeName', 'nodeSelector', 'affinity', 'tolerations', 'topologySpreadConstraints', 'schedulerName', 'priority', 'priorityClassName',
  'preemptionPolicy', 'imagePullSecrets', 'dnsPolicy', 'dnsConfig', 'hostname', 'subdomain', 'terminationGracePeriodSeconds',
  'activeDeadlineSeconds', 'readinessGates', 'schedulingGates', 'overhead', 'enableServiceLinks', 'setHostnameAsFQDN',
];

function containerShape(c: Container): Record<string, unknown> {
  const out: Record<string, unknown> = { ...c };
  for (const f of IGNORED_CONTAINER_FIELDS) delete out[f];
  return out;
}

/** The pod as PSP reads it: its spec without scheduling, images and commands; of its metadata only the annotations. */
export function admissionShapeKey(pod: Pod): string {
  const spec: Record<string, unknown> = { ...pod.spec };
  for (const f of IGNORED_POD_FIELDS) delete spec[f];
  for (const list of ['containers', 'initContainers', 'ephemeralContainers'] as const) {
    const cs = pod.spec[list] as Container[] | undefined;
    if (Array.isArray(cs)) spec[list] = cs.map(containerShape);
  }
  return JSON.stringify([pod.metadata.annotations ?? null, spec]);
}

/** What one case gives, with the pod's name taken out of the refusal. */
interface CaseResult {
  selection: Omit<SelectionResult, 'pod' | 'message'>;
  /** The refusal after `pods "<name>"`, or the whole message when it does not start so. */
  messageTail?: string;
  named: boolean;
  refusedAfterPsp?: string[];
}

const podsPrefix = (pod: Pod) => `pods ${JSON.stringify(pod.metadata.name || pod.metadata.generateName || '')}`;

export class WorkloadSimulator {
  private readonly cases = new Map<string, CaseResult>();
  private readonly grants = new Map<string, string>();
  private readonly results = new WeakMap<object, BulkSimulation>();
  /** Distinct cases simulated, for benchmarks. */
  get caseCount(): number {
    return this.cases.size;
  }

  constructor(
    private readonly model: Pick<ClusterModel, 'psps' | 'serviceAccounts'>,
    readonly context: SimulationContext,
    private readonly opts: ControllerOptions = {},
  ) {}

  private readonly derivedValues = new Map<string, unknown>();

  /**
   * Something derived from this policy state alone (a simulator for a variant of it, the audit's
   * policy-only findings), made once per key and kept as long as this simulator: an audit after a
   * pod event then pays only for that pod's workload.
   */
  derived<T>(key: string, make: () => T): T {
    if (!this.derivedValues.has(key)) this.derivedValues.set(key, make());
    return this.derivedValues.get(key) as T;
  }

  /** One workload's simulation; the same workload object is simulated once. */
  simulate(workload: SimulatedWorkload): BulkSimulation {
    let r = this.results.get(workload);
    if (!r) this.results.set(workload, (r = this.compute(workload)));
    return r;
  }

  /** Which PSPs either identity may use in the namespace, as one string (a case's grants). */
  private grantsOf(sa: Identity | undefined, requester: Identity | undefined, namespace: string): string {
    const key = `${sa?.user ?? ''}\u0000${requester ? `${requester.user}\u0001${requester.groups.join(',')}` : ''}\u0000${namespace}`;
    let bits = this.grants.get(key);
    if (bits === undefined) {
      const { isAuthorized } = this.context;
      bits = this.model.psps.map((p) => ((sa && isAuthorized(sa, p.metadata.name, namespace)) || (requester && isAuthorized(requester, p.metadata.name, namespace)) ? '1' : '0')).join('');
      this.grants.set(key, bits);
    }
    return bits;
  }

  private compute(workload: SimulatedWorkload): BulkSimulation {
    const requester = workload.kind === 'Pod' ? undefined : controllerIdentity(workload.kind, this.opts);
    const pod = podOfWorkload(workload);
    const namespace = pod.metadata.namespace ?? 'default';
    const submitted = prepareForAdmission(this.model, pod, true, this.context.accounts);
    const saName = submitted.spec.serviceAccountName || undefined;
    const sa = saName ? podServiceAccountIdentity(namespace, saName) : undefined;
    const key = `${this.grantsOf(sa, requester, namespace)}\u0000${admissionShapeKey(submitted)}`;
    let found = this.cases.get(key);
    if (!found) this.cases.set(key, (found = this.simulateCase(submitted, namespace, sa, requester)));
    const prefix = podsPrefix(submitted);
    const message = found.messageTail === undefined ? undefined : found.named ? `${prefix}${found.messageTail}` : found.messageTail;
    const accounts = this.context.accounts;
    if (saName && accounts.size > 0 && !accounts.has(`${namespace}/${saName}`)) {
      // As simulatePod: the ServiceAccount plugin refuses the pod before PSP sees it.
      const refusedBeforePsp = `${prefix} is forbidden: error looking up service account ${namespace}/${saName}: serviceaccount ${JSON.stringify(saName)} not found`;
      return { ...found.selection, allowed: false, psp: undefined, mutations: [], message: refusedBeforePsp, namespace, serviceAccount: saName, requester, refusedBeforePsp };
    }
    return {
      ...found.selection, ...(message !== undefined ? { message } : {}), namespace, serviceAccount: saName, requester,
      ...(found.refusedAfterPsp ? { refusedAfterPsp: found.refusedAfterPsp } : {}),
    };
  }

  private simulateCase(pod: Pod, namespace: string, sa: Identity | undefined, requester: Identity | undefined): CaseResult {
    const { isAuthorized } = this.context;
    const result = selectPolicy({
      pod, namespace, psps: this.model.psps, diffEveryPolicy: false,
      isAuthorized: (psp) => (!!sa && isAuthorized(sa, psp, namespace)) || (!!requester && isAuthorized(requester, psp, namespace)),
    });
    const { pod: admitted, message, ...selection } = result;
    const invalid = admitted ? invalidAfterAdmission(admitted) : [];
    const prefix = podsPrefix(pod);
    const named = !!message?.startsWith(prefix);
    return {
      selection, named, messageTail: message === undefined ? undefined : named ? message.slice(prefix.length) : message,
      ...(invalid.length ? { refusedAfterPsp: invalid } : {}),
    };
  }
}
