import { controllerIdentity, podServiceAccountIdentity, type ControllerOptions, type Identity } from '../access/identity';
import { podOfWorkload, prepareForAdmission, type SimulationContext, type WorkloadSimulation } from '../access/simulate-workload';
import type { Container, Pod } from '../admission/pod';
import { invalidAfterAdmission } from '../admission/pod-validation';
import { selectPolicy, type PolicyChecks, type SelectionResult } from '../admission/select-policy';
import type { ClusterModel, Workload } from '../model/types';
import type { Usable } from '../access/can-use';

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
const IGNORED_CONTAINER_FIELDS = new Set([
  'image', 'imagePullPolicy', 'command', 'args', 'workingDir', 'env', 'envFrom', 'resources', 'resizePolicy',
  'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'terminationMessagePath', 'terminationMessagePolicy',
]);
/**
 * Pod fields of scheduling and naming, which PSP does not read. The service account is read by the
 * ServiceAccount step before PSP (already applied to the pod keyed) and by authorization (in the
 * case's grants), so its name is no part of the shape.
 */
const IGNORED_POD_FIELDS = new Set([
  'serviceAccountName', 'serviceAccount',
  'nodeName', 'nodeSelector', 'affinity', 'tolerations', 'topologySpreadConstraints', 'schedulerName', 'priority', 'priorityClassName',
  'preemptionPolicy', 'imagePullSecrets', 'dnsPolicy', 'dnsConfig', 'hostname', 'subdomain', 'terminationGracePeriodSeconds',
  'activeDeadlineSeconds', 'readinessGates', 'schedulingGates', 'overhead', 'enableServiceLinks', 'setHostnameAsFQDN',
]);

/**
 * The ServiceAccount plugin names the token volume `kube-api-access-<5 random characters>`, so every
 * stored pod (which a bare Pod's spec is) has its own: renamed alike in the shape, mounts included
 * (PSP reads volume types and which mounts are read-only, never a name), or every bare pod would be
 * a case of its own, and the cases of a churning cluster would grow without end.
 */
const TOKEN_VOLUME = /^kube-api-access-/;
const SHAPE_TOKEN_VOLUME = 'kube-api-access-*';

/** A copy without the ignored fields, the others in their order (copying what is kept is cheaper than deleting from a copy, which leaves a slow object). */
function without(o: Record<string, unknown>, ignored: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) if (!ignored.has(k)) out[k] = o[k];
  return out;
}

function containerShape(c: Container, tokenVolumes: Set<string>): Record<string, unknown> {
  const out = without(c as unknown as Record<string, unknown>, IGNORED_CONTAINER_FIELDS);
  if (tokenVolumes.size && Array.isArray(c.volumeMounts)) {
    out.volumeMounts = c.volumeMounts.map((m) => (tokenVolumes.has(m.name) ? { ...m, name: SHAPE_TOKEN_VOLUME } : m));
  }
  return out;
}

/**
 * A workload's admission shape, read from its pod template without building the pod: its spec
 * without scheduling, images, commands and the service account's name, the template's annotations,
 * whether the account mounts its token (the ServiceAccount step reads it), and the names of a
 * StatefulSet's claim templates (they become volumes). Everything the pod PSP sees is a function of
 * these, up to names PSP does not read, so one key is one pod for PSP.
 */
export function admissionShapeKey(workload: Workload, automountToken: boolean | undefined): string {
  const isPod = workload.kind === 'Pod';
  const template = isPod ? workload : workload.kind === 'CronJob' ? workload.spec?.jobTemplate?.spec?.template : workload.spec?.template;
  const podSpec = (template?.spec ?? { containers: [] }) as Record<string, unknown>;
  const spec = without(podSpec, IGNORED_POD_FIELDS);
  const volumes = podSpec.volumes as { name: string; projected?: unknown }[] | undefined;
  const tokenVolumes = new Set((Array.isArray(volumes) ? volumes : []).filter((v) => v.projected && TOKEN_VOLUME.test(v.name)).map((v) => v.name));
  if (tokenVolumes.size) spec.volumes = volumes!.map((v) => (tokenVolumes.has(v.name) ? { ...v, name: SHAPE_TOKEN_VOLUME } : v));
  for (const list of ['containers', 'initContainers', 'ephemeralContainers'] as const) {
    const cs = podSpec[list] as Container[] | undefined;
    if (Array.isArray(cs)) spec[list] = cs.map((c) => containerShape(c, tokenVolumes));
  }
  const claims = workload.kind === 'StatefulSet' && Array.isArray(workload.spec?.volumeClaimTemplates)
    ? (workload.spec.volumeClaimTemplates as { metadata?: { name?: string } }[]).map((c) => c.metadata?.name ?? null)
    : null;
  return JSON.stringify([template?.metadata?.annotations ?? null, spec, automountToken ?? null, claims]);
}

/** The pod's name as the refusal quotes it: a Pod's own, or the controller's generateName. */
function displayName(workload: Workload): string {
  return workload.kind === 'Pod' ? workload.metadata.name || (workload.metadata as { generateName?: string }).generateName || '' : `${workload.metadata.name}-`;
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

/**
 * What does not depend on authorization, only on the PSPs and ServiceAccounts: a case is keyed by
 * the PSPs its identities may use, so a simulator of the same model under changed grants (a fix's
 * impact) shares these with the one it varies, and simulates only the cases the change creates.
 */
/** Per pod shape: the pod (as the first workload of that shape submits it), what each PSP does to it, and the API validation's errors for the pod each PSP admits. */
interface ShapeChecks {
  /** Its cases by their grants (a shape key is kilobytes: a case key built from it would be hashed and kept again per case). */
  cases: Map<string, CaseResult>;
  /** Built when the first case of the shape is simulated (a shape whose every case is known needs no pod). */
  pod?: Pod;
  checked: PolicyChecks;
  invalid: Map<string, string[]>;
}

interface SharedCases {
  /** Distinct cases simulated. */
  caseCount: number;
  shapes: Map<string, ShapeChecks>;
  /** Each workload object's shape (the one object per distinct key: the workload's own key string dies young). */
  shapeOf: WeakMap<object, ShapeChecks>;
}

export class WorkloadSimulator {
  private readonly shared: SharedCases;
  private readonly grants = new Map<Identity, Map<Identity | undefined, string>>();
  /** A case's grants by the two identities' answers (the same answer objects give the same string). */
  private readonly bitsOfUsable = new WeakMap<Usable, Map<Usable | undefined, string>>();
  /** Each PSP's place in the model's list (the place of its character in a case's grants). */
  private readonly pspIndex: Map<string, number>;
  private readonly results = new WeakMap<object, BulkSimulation>();
  /** Distinct cases simulated, for benchmarks. */
  get caseCount(): number {
    return this.shared.caseCount;
  }

  /**
   * The PSPs and ServiceAccounts simulated against, not the model they came from: a simulator lives
   * as long as the policy does (days), and the model it was made with would keep that day's
   * workloads alive, every pod deleted since (on a churning cluster of 150,000 pods, up to a second
   * copy of them all).
   */
  private readonly model: Pick<ClusterModel, 'psps' | 'serviceAccounts'>;

  constructor(
    model: Pick<ClusterModel, 'psps' | 'serviceAccounts'>,
    readonly context: SimulationContext,
    private readonly opts: ControllerOptions = {},
    /** A simulator of the same PSPs and ServiceAccounts (under other grants) whose cases to share. */
    variantOf?: WorkloadSimulator,
  ) {
    this.model = { psps: model.psps, serviceAccounts: model.serviceAccounts };
    if (variantOf && !variantOf.sharesCasesWith(model)) throw new Error('a variant simulator needs the same PSPs and ServiceAccounts');
    this.shared = variantOf?.shared ?? { caseCount: 0, shapes: new Map(), shapeOf: new WeakMap() };
    this.pspIndex = new Map(model.psps.map((p, i) => [p.metadata.name, i]));
  }

  /** Whether a simulator of `model` (under any grants) may share this one's cases: the same PSPs and ServiceAccounts. */
  sharesCasesWith(model: Pick<ClusterModel, 'psps' | 'serviceAccounts'>): boolean {
    return this.model.psps === model.psps && this.model.serviceAccounts === model.serviceAccounts;
  }

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

  private readonly identities = new Map<string, Identity | undefined>();

  /** The same identity object for the same identity: the authorization cache knows it by object, and skips building its key. */
  private identity(key: string, make: () => Identity | undefined): Identity | undefined {
    if (!this.identities.has(key)) this.identities.set(key, make());
    return this.identities.get(key);
  }

  /** One workload's simulation; the same workload object is simulated once. */
  simulate(workload: Workload): BulkSimulation {
    let r = this.results.get(workload);
    if (!r) this.results.set(workload, (r = this.compute(workload)));
    return r;
  }

  /**
   * Which PSPs either identity may use in the namespace, as one string (a case's grants). Kept by
   * the identity objects (interned by this simulator; a service account's names its namespace), not
   * by a string built per workload.
   */
  private grantsOf(sa: Identity, requester: Identity | undefined, namespace: string): string {
    let withSa = this.grants.get(sa);
    if (!withSa) this.grants.set(sa, (withSa = new Map()));
    let bits = withSa.get(requester);
    if (bits === undefined) {
      const { isAuthorized } = this.context;
      const { psps } = this.model;
      if (isAuthorized.usable) {
        // Both identities' answers at once rather than a question per PSP; the answers are shared
        // objects (per binding subject), so thousands of namespaces give a few distinct pairs.
        const a = isAuthorized.usable(sa, namespace);
        const b = requester ? isAuthorized.usable(requester, namespace) : undefined;
        let withA = this.bitsOfUsable.get(a);
        if (!withA) this.bitsOfUsable.set(a, (withA = new Map()));
        bits = withA.get(b);
        if (bits === undefined) {
          bits = a.all || b?.all ? '1'.repeat(psps.length) : psps.map((p) => (a.names.has(p.metadata.name) || b?.names.has(p.metadata.name) ? '1' : '0')).join('');
          withA.set(b, bits);
        }
      } else {
        bits = psps.map((p) => (isAuthorized(sa, p.metadata.name, namespace) || (requester && isAuthorized(requester, p.metadata.name, namespace)) ? '1' : '0')).join('');
      }
      withSa.set(requester, bits);
    }
    return bits;
  }

  private compute(workload: Workload): BulkSimulation {
    const requester = workload.kind === 'Pod' ? undefined : this.identity(`controller\u0000${workload.kind}`, () => controllerIdentity(workload.kind, this.opts));
    const namespace = workload.metadata.namespace ?? 'default';
    const template = (workload.kind === 'Pod' ? workload.spec : workload.kind === 'CronJob' ? workload.spec?.jobTemplate?.spec?.template?.spec : workload.spec?.template?.spec) as { serviceAccountName?: string; serviceAccount?: string } | undefined;
    // As API defaulting and the ServiceAccount step name it.
    const saName = template?.serviceAccountName || template?.serviceAccount || 'default';
    const account = `${namespace}/${saName}`;
    const sa = this.identity(account, () => podServiceAccountIdentity(namespace, saName))!;
    const accounts = this.context.accounts;
    const { shapes, shapeOf } = this.shared;
    let shape = shapeOf.get(workload);
    if (!shape) {
      const key = admissionShapeKey(workload, accounts.get(account)?.automountServiceAccountToken);
      shape = shapes.get(key);
      if (!shape) shapes.set(key, (shape = { cases: new Map(), checked: { byPsp: new Map() }, invalid: new Map() }));
      shapeOf.set(workload, shape);
    }
    const bits = this.grantsOf(sa, requester, namespace);
    let found = shape.cases.get(bits);
    if (!found) {
      shape.pod ??= prepareForAdmission(this.model, podOfWorkload(workload), true, accounts);
      shape.cases.set(bits, (found = this.simulateCase(shape as ShapeChecks & { pod: Pod }, namespace, bits)));
      this.shared.caseCount++;
    }
    const prefix = `pods ${JSON.stringify(displayName(workload))}`;
    const message = found.messageTail === undefined ? undefined : found.named ? `${prefix}${found.messageTail}` : found.messageTail;
    const { allowed, psp, mutations, errors, evaluations } = found.selection;
    // One literal with every field, always in this order: objects spread together from parts each get
    // a hidden class of their own, and reading a field of 15,000 of them costs the rules ten times more.
    if (accounts.size > 0 && !accounts.has(account)) {
      // As simulatePod: the ServiceAccount plugin refuses the pod before PSP sees it.
      const refusedBeforePsp = `${prefix} is forbidden: error looking up service account ${namespace}/${saName}: serviceaccount ${JSON.stringify(saName)} not found`;
      return { allowed: false, psp: undefined, mutations: [], errors, evaluations, message: refusedBeforePsp, namespace, serviceAccount: saName, requester, refusedBeforePsp, refusedAfterPsp: undefined };
    }
    return { allowed, psp, mutations, errors, evaluations, message, namespace, serviceAccount: saName, requester, refusedBeforePsp: undefined, refusedAfterPsp: found.refusedAfterPsp };
  }

  /** A case: the pod of a shape through admission, authorized as `bits` says (one character per PSP of the model, in its order). */
  private simulateCase({ pod, checked, invalid: invalidByPsp }: ShapeChecks & { pod: Pod }, namespace: string, bits: string): CaseResult {
    const result = selectPolicy({ pod, namespace, psps: this.model.psps, diffEveryPolicy: false, checked, isAuthorized: (psp) => bits[this.pspIndex.get(psp)!] === '1' });
    const { pod: admitted, message, ...selection } = result;
    // What the API validation says of the admitted pod depends only on the shape and the chosen PSP.
    let invalid = result.psp === undefined ? [] : invalidByPsp.get(result.psp);
    if (!invalid) invalidByPsp.set(result.psp!, (invalid = admitted ? invalidAfterAdmission(admitted) : []));
    const prefix = podsPrefix(pod);
    const named = !!message?.startsWith(prefix);
    return {
      selection, named, messageTail: message === undefined ? undefined : named ? message.slice(prefix.length) : message,
      ...(invalid.length ? { refusedAfterPsp: invalid } : {}),
    };
  }
}
