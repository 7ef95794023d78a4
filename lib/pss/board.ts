/**
 * The migration board: one row per namespace with what leaving PSP means for it. Its current Pod
 * Security labels (as the server parses them), the PSPs its workloads get now, the strictest level
 * all its workloads meet at the server's pinned version, at `latest` and at `latest` after the next
 * upgrade, the workloads each level refuses with PSA's check IDs and wording, whether PSP mutates its
 * pods today (what stops being set when PSP goes), and who may relabel it (guide step 1).
 *
 * Pure: the model, the server's minor, an optional PodSecurityConfiguration and the PSP admission
 * outcomes (computed by lib/access/simulate-workload; absent on clusters without PSP) go in.
 */
import type { Pod } from '../admission/pod';
import { indexAccess } from '../access/can-use';
import { objectKey } from '../model/keys';
import { sameItems } from '../model/map-along';
import type { Binding, ClusterModel, PolicyRule, Role, Workload } from '../model/types';
import { compareNames, roleRefKey } from '../rbac/grants';
import type { CheckId } from './checks';
import { DEFAULT_CONFIGURATION, type PssConfiguration } from './config';
import { checkMessages, evaluatePodAt, podTemplateOf, type PodLike, type PssResult } from './evaluate';
import { LABEL_PREFIX, levelLabel, namespacePolicy, relabelWarnings, versionLabel, type LabelError, type PssMode } from './labels';
import { normalizeForServer } from './normalize';
import { asSeccompField, onePerPath, runningPodMutations, templatePathOf, type PodMutation } from './pod-mutations';

export { templatePathOf };
import { pspVerdict, type MutatingField, type SecurityGap } from './psp-verdict';
import { NEWEST_KNOWN_MINOR, type LevelVersion, type PssLevel, type PssVersion } from './version';

/** What PSP does to one workload's pods today (from the admission simulation). */
export interface PspOutcome {
  /** The PSP its pods get; undefined when PSP refuses them. */
  psp?: string;
  allowed: boolean;
  /** The fields the chosen PSP changed in the pod created from the template. */
  mutations: { path: string; before?: unknown; after?: unknown }[];
}

export interface BoardInput {
  model: Pick<ClusterModel, 'namespaces' | 'workloads' | 'psps' | 'clusterRoles' | 'roles' | 'clusterRoleBindings' | 'roleBindings'>;
  /** The API server's minor (24 for v1.24.17). */
  serverMinor: number;
  config?: PssConfiguration;
  /** By workload key (`Kind/namespace/name`); absent on clusters without the PSP API. */
  outcomes?: Map<string, PspOutcome>;
}

export interface CheckMessage {
  id: CheckId;
  /** `reason (detail)` exactly as the plugin words it. */
  message: string;
}

export interface WorkloadViolation {
  /** `Kind/name` within the namespace. */
  workload: string;
  kind: string;
  name: string;
  checks: CheckMessage[];
}

export interface LevelOutcome {
  violations: WorkloadViolation[];
}

export interface Relabeler {
  kind: string;
  name: string;
  namespace?: string;
  /** The binding that grants it: `ClusterRoleBinding/name` or `RoleBinding/ns/name`. */
  via: string;
  verbs: string[];
}

export interface MutatedWorkload {
  workload: string;
  psp: string;
  /** What the PSP sets today, and the template field that keeps it after PSP (set it to `value`). */
  changes: { path: string; before?: unknown; after?: unknown; templatePath: string }[];
}

export interface BoardRow {
  namespace: string;
  labels: {
    /** The six labels as written (only those set). */
    set: Record<string, string>;
    /** The policy the server applies (labels, else the configuration's defaults). */
    enforce: LevelVersion;
    audit: LevelVersion;
    warn: LevelVersion;
    errors: LabelError[];
    /** Modes pinned to a version newer than the server knows (evaluated as its latest). */
    newerThanServer: PssMode[];
  };
  /** Exempt by the PodSecurityConfiguration: nothing is evaluated there. */
  exempt: boolean;
  workloads: number;
  /** The PSPs its workloads' pods get now. */
  psps: string[];
  /** Workloads whose next pod PSP refuses today. */
  pspRefused: number;
  /** The strictest level all workloads meet: at the pinned server version, at `latest`, and at `latest` after the next upgrade. */
  strictest: { pinned: PssLevel; latest: PssLevel; nextUpgrade?: PssLevel };
  /** The recommendation: the strictest level at the server's version, pinned. */
  recommended: LevelVersion;
  /** At the recommended version. */
  levels: { baseline: LevelOutcome; restricted: LevelOutcome };
  /**
   * What `kubectl label --dry-run=server ns NS pod-security.kubernetes.io/enforce=LEVEL
   * pod-security.kubernetes.io/enforce-version=VERSION` answers about its existing pods, per level
   * at the recommended version (guide step 3's first try).
   */
  enforceWarnings: { baseline: string[]; restricted: string[] };
  /** Workloads the namespace's own labels flag today (enforce refuses their next pods; audit/warn report them). */
  current: Record<PssMode, number>;
  mutated: boolean;
  /** Mutating fields (pspVerdict) of the PSPs its pods get. */
  mutatingPsps: { psp: string; fields: MutatingField[] }[];
  /**
   * Per PSP its pods get: the settings Pod Security has no equivalent for, what its pods may do
   * after the migration that this PSP refuses now (read-only root, UID ranges, host path lists…).
   */
  pspGaps: { psp: string; gaps: SecurityGap[] }[];
  /** The mutation check: per workload, what its PSP changes in the pods made from its template today. */
  mutations: MutatedWorkload[];
  /** The mutation check on running pods: what their PSP set that their owner's template does not. */
  /**
   * Running pods whose PSP set what their owner's template does not: one entry per owner, PSP and
   * identical changes, naming its first pod and counting the others (a DaemonSet's 20,000 pods are
   * one entry, not 20,000).
   */
  podMutations: BoardPodMutation[];
  relabelers: Relabeler[];
}

export interface PssVersionInfo {
  serverMinor: number;
  /** What `latest` means on this server, and after the next minor upgrade. */
  latest: { now: PssVersion; nextUpgrade?: PssVersion };
}

export interface Board extends PssVersionInfo {
  namespaces: BoardRow[];
}

const RANK: Record<PssLevel, number> = { privileged: 0, baseline: 1, restricted: 2 };
const minLevel = (a: PssLevel, b: PssLevel): PssLevel => (RANK[a] <= RANK[b] ? a : b);

/**
 * Which workloads stand for themselves: those owned by a controller the model lists (a Deployment's
 * ReplicaSets, a CronJob's Jobs, their pods) are their owner's; one whose owner is not listed (an
 * orphan, or a kind the dashboard does not read) counts on its own.
 */
export function topLevelFilter(workloads: readonly Workload[]): (w: Workload) => boolean {
  // A pod owns nothing: only the other kinds can be a listed owner.
  const listed = new Set<string>();
  for (const w of workloads) if (w.kind !== 'Pod') listed.add(`${w.kind}/${w.metadata.namespace ?? ''}/${w.metadata.name}`);
  return (w) => {
    const owner = (w.metadata.ownerReferences ?? []).find((o) => o.controller);
    return !owner || !listed.has(`${owner.kind}/${w.metadata.namespace ?? ''}/${owner.name}`);
  };
}


interface TemplateResults {
  pinned: PssResult[]; // [baseline, restricted] at the pinned version
  latest: PssResult[]; // [baseline, restricted] at latest
  next?: PssResult[]; // [baseline, restricted] at latest on serverMinor + 1
  pod: Pod;
  key: string;
  /** The pinned results' checks as the API words them, shared by every workload of this shape. */
  checks: CheckMessage[][];
}

const CONTAINER_FIELDS = ['name', 'securityContext', 'ports', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle'] as const;
const POD_FIELDS = ['os', 'volumes', 'securityContext', 'hostUsers', 'hostNetwork', 'hostPID', 'hostIPC'] as const;

/**
 * The part of a pod template the PodSecurity checks read (lib/pss/checks.ts), and what API
 * defaulting and the annotation sync of normalizeForServer use: the annotations, the host
 * namespaces, volumes, security contexts, and per container its name, security context, ports,
 * probes and lifecycle hooks. Two templates with the same view get the same verdicts.
 */
/** Volume kinds every PodSecurity level and version allows (restricted's list; `image` is version-dependent). */
const PLAIN_VOLUME_KINDS = new Set(['name', 'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const isPlainAllowedVolume = (v: Record<string, unknown>): boolean => typeof v === 'object' && v !== null && Object.keys(v).every((k) => PLAIN_VOLUME_KINDS.has(k));

function pssView(annotations: Record<string, string> | undefined, spec: Record<string, unknown>) {
  const pick = (o: Record<string, unknown>, keys: readonly string[]) => {
    const out: Record<string, unknown> = {};
    for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
    return out;
  };
  const view = pick(spec, POD_FIELDS);
  // Volumes of the always-allowed kinds (service account tokens, config maps, secrets…) pass every
  // check and are never named in a reason, but their names differ per pod (kube-api-access-xxxxx):
  // kept, they made each running pod its own shape to evaluate (150,000 evaluations, 22 s live).
  if (Array.isArray(view.volumes)) {
    const telling = (view.volumes as Record<string, unknown>[]).filter((v) => !isPlainAllowedVolume(v));
    if (telling.length > 0) view.volumes = telling;
    else delete view.volumes;
  }
  for (const k of ['containers', 'initContainers', 'ephemeralContainers']) {
    if (Array.isArray(spec[k])) view[k] = (spec[k] as Record<string, unknown>[]).map((c) => pick(c, CONTAINER_FIELDS));
  }
  view.containers ??= [];
  return { metadata: annotations ? { annotations } : {}, spec: view };
}

/** A running pod's mutations, standing for `otherPods` more pods of its owner with the same ones. */
export type BoardPodMutation = PodMutation & { otherPods?: number };

/** A number per changes list: runningPodMutations gives pods with the same changes the same list. */
const changeListIds = new WeakMap<PodMutation['changes'], number>();
let nextChangeListId = 0;
const changeListId = (changes: PodMutation['changes']): number => {
  let id = changeListIds.get(changes);
  if (id === undefined) changeListIds.set(changes, (id = nextChangeListId++));
  return id;
};

/** One namespace's running pods' mutations, with pods of one owner, PSP and changes counted together. */
function groupPodMutations(found: Iterable<PodMutation>): BoardPodMutation[] {
  const out: BoardPodMutation[] = [];
  const seen = new Map<string, BoardPodMutation>();
  for (const m of found) {
    const key = `${m.owner}\u0000${m.psp ?? ''}\u0000${changeListId(m.changes)}`;
    const same = seen.get(key);
    if (same) {
      same.otherPods = (same.otherPods ?? 0) + 1;
      continue;
    }
    const entry: BoardPodMutation = { ...m };
    seen.set(key, entry);
    out.push(entry);
  }
  return out;
}

interface ShapeKey {
  key: string;
  view: ReturnType<typeof pssView>;
}

/**
 * The PSS view of an object's pod template and its key, kept per object across boards: the live
 * cache keeps unchanged objects as they are, so after a pod event only the new pod is keyed again
 * (150,000 pods made every board after an event re-key them all). Model objects are never mutated.
 */
const shapeKeys = new WeakMap<object, ShapeKey>();
/**
 * One ShapeKey per distinct shape, which the objects of that shape share: 150,000 pods of a few
 * hundred shapes held a key string and a view each (about 100 MiB). Emptied when it grows past
 * any real number of shapes (the objects keep theirs).
 */
const internedShapes = new Map<string, ShapeKey>();
const MAX_INTERNED_SHAPES = 50_000;
function shapeKeyOf(owner: object, t: PodLike): ShapeKey {
  let k = shapeKeys.get(owner);
  if (!k) {
    const view = pssView(t.metadata?.annotations ?? undefined, (t.spec ?? {}) as Record<string, unknown>);
    const key = JSON.stringify(view);
    k = internedShapes.get(key);
    if (!k) {
      if (internedShapes.size >= MAX_INTERNED_SHAPES) internedShapes.clear();
      internedShapes.set(key, (k = { key, view }));
    }
    shapeKeys.set(owner, k);
  }
  return k;
}

const strictestOf = (r: PssResult[]): PssLevel => (r[1].allowed ? 'restricted' : r[0].allowed ? 'baseline' : 'privileged');

type BoardModel = BoardInput['model'];

/** What a row's own part reads beyond its namespace's objects: any of them changed, every row is computed again. */
interface RowContext {
  server: number;
  config: PssConfiguration;
  withOutcomes: boolean;
}

/** The policy objects a row's last part reads: the PSPs' verdicts and who may relabel the namespace. */
interface PolicyObjects {
  psps: BoardModel['psps'];
  clusterRoles: BoardModel['clusterRoles'];
  roles: BoardModel['roles'];
  clusterRoleBindings: BoardModel['clusterRoleBindings'];
  roleBindings: BoardModel['roleBindings'];
}

const sameContext = (a: RowContext, b: RowContext) => a.server === b.server && a.config === b.config && a.withOutcomes === b.withOutcomes;
const samePolicy = (a: PolicyObjects, b: PolicyObjects) =>
  a.psps === b.psps && a.clusterRoles === b.clusterRoles && a.roles === b.roles && a.clusterRoleBindings === b.clusterRoleBindings && a.roleBindings === b.roleBindings;

/** The part of a row that only its namespace's objects and their PSP outcomes decide. */
type OwnRow = Omit<BoardRow, 'mutatingPsps' | 'pspGaps' | 'relabelers'>;

/** A row and what it was computed from. */
interface RowMemo {
  context: RowContext;
  /** All the namespace's workloads (pods too), in the model's order. */
  workloads: Workload[];
  topLevel: Workload[];
  /** The PSP outcome of each top-level workload, in that order. */
  outcomes: (PspOutcome | undefined)[];
  own: OwnRow;
  policy: PolicyObjects;
  row: BoardRow;
}

/**
 * Rows kept per namespace object across boards: the live cache keeps unchanged objects as they are,
 * so after a pod event only its namespace's row is computed again (at 150,000 pods in 5,000
 * namespaces every board after an event took seconds), and a binding or PSP change only redoes
 * the rows' policy part (unless the PSP outcomes change too).
 */
const rowMemos = new WeakMap<object, RowMemo>();

/** Outcomes compared by what a row reads (a simulation's mutation lists are shared per admission case). */
const sameOutcome = (a: PspOutcome | undefined, b: PspOutcome | undefined) =>
  a === b || (!!a && !!b && a.psp === b.psp && a.allowed === b.allowed && (a.mutations === b.mutations || (a.mutations.length === 0 && b.mutations.length === 0)));

export function buildBoard(input: BoardInput): Board {
  const server = input.serverMinor;
  const config = input.config ?? DEFAULT_CONFIGURATION;
  const pinnedVersion: PssVersion = `v1.${Math.min(server, NEWEST_KNOWN_MINOR)}`;
  const nextMinor = server + 1 <= NEWEST_KNOWN_MINOR ? server + 1 : undefined;
  const { model } = input;
  const context: RowContext = { server, config, withOutcomes: !!input.outcomes };
  const policy: PolicyObjects = { psps: model.psps, clusterRoles: model.clusterRoles, roles: model.roles, clusterRoleBindings: model.clusterRoleBindings, roleBindings: model.roleBindings };

  // One pass over every workload (pods included) by namespace; the rest is per namespace.
  const workloadsByNs = new Map<string, Workload[]>();
  for (const w of model.workloads) {
    const ns = w.metadata.namespace ?? 'default';
    const list = workloadsByNs.get(ns);
    if (list) list.push(w);
    else workloadsByNs.set(ns, [w]);
  }
  let ownRows: OwnRowBuilder | undefined;
  let policyParts: PolicyPartBuilder | undefined;
  const namespaces = [...model.namespaces].sort((a, b) => compareNames(a.metadata.name, b.metadata.name)).map((nsObj): BoardRow => {
    const workloads = workloadsByNs.get(nsObj.metadata.name) ?? [];
    const memo = rowMemos.get(nsObj);
    const topLevel = memo && sameItems(memo.workloads, workloads) ? memo.topLevel : workloads.filter(topLevelFilter(workloads));
    const outcomes = topLevel.map((w) => input.outcomes?.get(objectKey(w.kind, nsObj.metadata.name, w.metadata.name)));
    let own: OwnRow;
    if (memo && memo.topLevel === topLevel && sameContext(memo.context, context) && outcomes.every((o, i) => sameOutcome(o, memo.outcomes[i]))) {
      if (samePolicy(memo.policy, policy)) return memo.row;
      own = memo.own;
    } else {
      ownRows ??= ownRowBuilder(server, config, pinnedVersion, nextMinor);
      own = ownRows(nsObj, workloads, topLevel, outcomes);
    }
    policyParts ??= policyPartBuilder(model, server);
    const row: BoardRow = { ...own, ...policyParts(own) };
    rowMemos.set(nsObj, { context, workloads, topLevel, outcomes, own, policy, row });
    return row;
  });
  return { serverMinor: server, latest: { now: pinnedVersion, ...(nextMinor ? { nextUpgrade: `v1.${nextMinor}` as PssVersion } : {}) }, namespaces };
}

type PolicyPartBuilder = (own: OwnRow) => Pick<BoardRow, 'mutatingPsps' | 'pspGaps' | 'relabelers'>;

/** A row's policy part: what the PSPs its pods get set and lack (pspVerdict), and who may relabel it. */
function policyPartBuilder(model: BoardModel, server: number): PolicyPartBuilder {
  const verdicts = new Map<string, { mutating: MutatingField[]; gaps: SecurityGap[] }>();
  const verdictOf = (psp: string) => {
    let v = verdicts.get(psp);
    if (!v) {
      const obj = model.psps.find((p) => p.metadata.name === psp);
      verdicts.set(psp, (v = obj ? pspVerdict(obj, { serverMinor: Math.min(server, 24) }) : { mutating: [], gaps: [] }));
    }
    return v;
  };
  const relabelersOf = relabelerIndex(model);
  return (own) => ({
    mutatingPsps: own.psps.map((psp) => ({ psp, fields: verdictOf(psp).mutating })).filter((m) => m.fields.length > 0),
    pspGaps: own.psps.map((psp) => ({ psp, gaps: verdictOf(psp).gaps })).filter((g) => g.gaps.length > 0),
    relabelers: relabelersOf(own.namespace),
  });
}

type OwnRowBuilder = (nsObj: BoardModel['namespaces'][number], workloads: Workload[], topLevel: Workload[], outcomes: (PspOutcome | undefined)[]) => OwnRow;

/** Computes rows' own parts; pod shapes' verdicts are computed once per board. */
function ownRowBuilder(server: number, config: PssConfiguration, pinnedVersion: PssVersion, nextMinor: number | undefined): OwnRowBuilder {
  const pinnedPair: LevelVersion[] = [{ level: 'baseline', version: pinnedVersion }, { level: 'restricted', version: pinnedVersion }];
  const latestPair: LevelVersion[] = [{ level: 'baseline', version: 'latest' }, { level: 'restricted', version: 'latest' }];

  // Each distinct pod template is evaluated once: workloads of a kind share shapes, and images,
  // commands, service accounts and labels play no part in the checks (see pssView).
  const byTemplate = new Map<string, TemplateResults>();
  const evaluate = (w: Workload): TemplateResults | undefined => {
    const t = podTemplateOf(w as never);
    return t ? evaluateShape(shapeKeyOf(w, t)) : undefined;
  };
  // Both enforce levels' warnings read every pod.
  const evaluatePodShape = (pod: PodLike): TemplateResults => evaluateShape(shapeKeyOf(pod, pod));
  const evaluateShape = ({ key, view }: ShapeKey): TemplateResults => {
    let r = byTemplate.get(key);
    if (!r) {
      const pod = normalizeForServer({ apiVersion: 'v1', kind: 'Pod', metadata: view.metadata as Pod['metadata'], spec: view.spec as Pod['spec'] }, server);
      const now = evaluatePodAt(pod, [...pinnedPair, ...latestPair], { serverMinor: server });
      const next = nextMinor ? evaluatePodAt(normalizeForServer(pod, nextMinor), latestPair, { serverMinor: nextMinor }) : undefined;
      const pinned = now.slice(0, 2);
      byTemplate.set(key, (r = { pinned, latest: now.slice(2), next, pod, key, checks: pinned.map(checkMessages) }));
    }
    return r;
  };
  const extra = new Map<string, PssResult>();
  const evaluateAt = (r: TemplateResults, lv: LevelVersion): PssResult => {
    const i = lv.level === 'baseline' ? 0 : lv.level === 'restricted' ? 1 : -1;
    if (i >= 0 && lv.version === pinnedVersion) return r.pinned[i];
    if (i >= 0 && lv.version === 'latest') return r.latest[i];
    const k = `${r.key}\u0000${lv.level}:${lv.version}`;
    let res = extra.get(k);
    if (!res) extra.set(k, (res = evaluatePodAt(r.pod, [lv], { serverMinor: server })[0]));
    return res;
  };
  return (nsObj, nsWorkloads, workloads, outcomes) => {
    const namespace = nsObj.metadata.name;
    const labels = nsObj.metadata.labels ?? {};
    const policy = namespacePolicy(labels, config, { serverMinor: server });
    const set = Object.fromEntries(Object.entries(labels).filter(([k]) => k.startsWith(LABEL_PREFIX)));
    const exempt = config.exemptions.namespaces.includes(namespace);
    const strictest = { pinned: 'restricted' as PssLevel, latest: 'restricted' as PssLevel, nextUpgrade: nextMinor ? ('restricted' as PssLevel) : undefined };
    const levels = { baseline: { violations: [] as WorkloadViolation[] }, restricted: { violations: [] as WorkloadViolation[] } };
    const current: Record<PssMode, number> = { enforce: 0, audit: 0, warn: 0 };
    const psps = new Set<string>();
    let pspRefused = 0;
    const mutations: MutatedWorkload[] = [];
    workloads.forEach((w, wi) => {
      const ref = `${w.kind}/${w.metadata.name}`;
      const outcome = outcomes[wi];
      if (outcome?.psp && outcome.allowed) psps.add(outcome.psp);
      if (outcome && !outcome.allowed) pspRefused++;
      if (outcome?.psp && outcome.allowed && outcome.mutations.length > 0) {
        mutations.push({ workload: ref, psp: outcome.psp, changes: templateChanges(outcome.mutations, w.kind) });
      }
      const r = evaluate(w);
      if (!r) return;
      strictest.pinned = minLevel(strictest.pinned, strictestOf(r.pinned));
      strictest.latest = minLevel(strictest.latest, strictestOf(r.latest));
      if (r.next && strictest.nextUpgrade) strictest.nextUpgrade = minLevel(strictest.nextUpgrade, strictestOf(r.next));
      (['baseline', 'restricted'] as const).forEach((level, i) => {
        if (!r.pinned[i].allowed) levels[level].violations.push({ workload: ref, kind: w.kind, name: w.metadata.name, checks: r.checks[i] });
      });
      if (!exempt) {
        for (const mode of ['enforce', 'audit', 'warn'] as const) {
          const lv = policy.policy[mode];
          if (lv.level !== 'privileged' && !evaluateAt(r, lv).allowed) current[mode]++;
        }
      }
    });
    const pods = nsWorkloads.filter((w) => w.kind === 'Pod');
    // A namespace without pods warns of nothing, unless it is exempt (v1.25+ say the labels will be ignored).
    const tryEnforce = (level: 'baseline' | 'restricted') => pods.length === 0 && !exempt ? [] :
      relabelWarnings({
        namespace, oldLabels: labels, newLabels: { ...labels, [levelLabel('enforce')]: level, [versionLabel('enforce')]: pinnedVersion }, pods: pods as never, config,
        evaluate: (pod, lv) => evaluateAt(evaluatePodShape(pod), lv),
      }, { serverMinor: server }).warnings;
    const pspList = [...psps].sort(compareNames);
    // Owners are in their pods' namespace: the namespace's workloads are all the check needs.
    const podMutations = groupPodMutations(runningPodMutations(nsWorkloads));
    return {
      namespace,
      labels: { set, enforce: policy.policy.enforce, audit: policy.policy.audit, warn: policy.policy.warn, errors: policy.errors, newerThanServer: policy.newerThanServer },
      exempt,
      workloads: workloads.length,
      psps: pspList,
      pspRefused,
      strictest: nextMinor ? strictest : { pinned: strictest.pinned, latest: strictest.latest },
      recommended: { level: strictest.pinned, version: pinnedVersion },
      levels,
      enforceWarnings: { baseline: tryEnforce('baseline'), restricted: tryEnforce('restricted') },
      current,
      mutated: mutations.length > 0 || podMutations.length > 0,
      mutations,
      podMutations,
    };
  };
}

/**
 * A workload's template changes from its admission case's mutations (`before`/`after` per pod path,
 * seccomp as its field), with where each is set in a workload of this kind. Workloads of one case
 * share their mutations list: made once per list and kind.
 */
const changesOf = new WeakMap<PspOutcome['mutations'], Map<string, MutatedWorkload['changes']>>();
function templateChanges(list: PspOutcome['mutations'], kind: string): MutatedWorkload['changes'] {
  let perKind = changesOf.get(list);
  if (!perKind) changesOf.set(list, (perKind = new Map()));
  let out = perKind.get(kind);
  if (!out) {
    const changes = onePerPath(list.map((m) => {
      const f = asSeccompField({ ...m, value: m.after });
      return { path: f.path, ...(f.path === m.path ? { before: m.before } : {}), after: f.value };
    }));
    perKind.set(kind, (out = changes.map((m) => ({ ...m, templatePath: templatePathOf(kind, m.path) }))));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Who may relabel a namespace: update or patch on `namespaces` (core group). The API server asks
// the authorizer with the namespace's own name as the request namespace, so a RoleBinding inside
// the namespace grants it too. system:masters may always, without a binding.

const RELABEL_VERBS = ['update', 'patch'];

function relabelVerbs(rule: PolicyRule): string[] {
  if (rule.nonResourceURLs?.length && !rule.resources?.length) return [];
  const groups = rule.apiGroups ?? [];
  if (!groups.includes('') && !groups.includes('*')) return [];
  const resources = rule.resources ?? [];
  if (!resources.includes('namespaces') && !resources.includes('*')) return [];
  return rule.verbs.includes('*') ? RELABEL_VERBS : RELABEL_VERBS.filter((v) => rule.verbs.includes(v));
}

interface RelabelGrant {
  binding: Binding;
  /** undefined: any namespace name. */
  names?: Set<string>;
  verbs: string[];
}

type RoleGrant = Omit<RelabelGrant, 'binding'> | null;

/** What a role lets its subjects do to namespaces' labels (null: nothing), once per role. */
function roleGrant(role: Role, cache: Map<Role, RoleGrant>): RoleGrant {
  let g = cache.get(role);
  if (g !== undefined) return g;
  let any = false;
  const names = new Set<string>();
  const verbs = new Set<string>();
  for (const rule of role.rules ?? []) {
    const v = relabelVerbs(rule);
    if (v.length === 0) continue;
    v.forEach((x) => verbs.add(x));
    if (!rule.resourceNames?.length) any = true;
    else rule.resourceNames.forEach((n) => names.add(n));
  }
  g = verbs.size > 0 ? { names: any ? undefined : names, verbs: [...verbs].sort() } : null;
  cache.set(role, g);
  return g;
}

function grantsOf(bindings: Binding[], roles: ReturnType<typeof indexAccess>['roles'], cache: Map<Role, RoleGrant>): RelabelGrant[] {
  const out: RelabelGrant[] = [];
  for (const b of bindings) {
    const key = roleRefKey(b);
    const role = key ? roles.get(key) : undefined;
    const g = role ? roleGrant(role, cache) : null;
    if (g) out.push({ binding: b, ...g });
  }
  return out;
}

function relabelerIndex(model: BoardInput['model']): (namespace: string) => Relabeler[] {
  const index = indexAccess(model);
  const cache = new Map<Role, RoleGrant>();
  const cluster = grantsOf(index.clusterRoleBindings, index.roles, cache);
  return (namespace) => {
    const local = grantsOf(index.roleBindingsByNamespace.get(namespace) ?? [], index.roles, cache);
    const out = new Map<string, Relabeler>();
    for (const g of [...cluster, ...local]) {
      if (g.names && !g.names.has(namespace)) continue;
      const bNs = g.binding.kind === 'RoleBinding' ? g.binding.metadata.namespace : undefined;
      const via = bNs ? `RoleBinding/${bNs}/${g.binding.metadata.name}` : `ClusterRoleBinding/${g.binding.metadata.name}`;
      for (const s of g.binding.subjects ?? []) {
        const sNs = s.kind === 'ServiceAccount' ? s.namespace || bNs : undefined;
        if (s.kind === 'ServiceAccount' && !sNs) continue;
        const key = `${s.kind}/${sNs ?? ''}/${s.name}`;
        const prev = out.get(key);
        if (prev) prev.verbs = [...new Set([...prev.verbs, ...g.verbs])].sort();
        else out.set(key, { kind: s.kind, name: s.name, ...(sNs ? { namespace: sNs } : {}), via, verbs: g.verbs });
      }
    }
    return [...out.values()].sort((a, b) => compareNames(`${a.kind}/${a.namespace ?? ''}/${a.name}`, `${b.kind}/${b.namespace ?? ''}/${b.name}`));
  };
}

/** A row as the board's table lists it (counts only; the details are fetched per namespace). */
export interface BoardSummaryRow {
  namespace: string;
  /** `level:version` per mode when labelled, else undefined (the default applies). */
  labels: Record<PssMode, string | undefined>;
  labelErrors: number;
  exempt: boolean;
  workloads: number;
  psps: string[];
  pspRefused: number;
  strictest: BoardRow['strictest'];
  recommended: LevelVersion;
  refused: { baseline: number; restricted: number };
  current: Record<PssMode, number>;
  mutated: boolean;
  relabelers: number;
}

export function summarizeRow(r: BoardRow): BoardSummaryRow {
  const label = (m: PssMode) => (r.labels.set[`${LABEL_PREFIX}${m}`] !== undefined || r.labels.set[`${LABEL_PREFIX}${m}-version`] !== undefined ? `${r.labels[m].level}:${r.labels[m].version}` : undefined);
  return {
    namespace: r.namespace,
    labels: { enforce: label('enforce'), audit: label('audit'), warn: label('warn') },
    labelErrors: r.labels.errors.length,
    exempt: r.exempt,
    workloads: r.workloads,
    psps: r.psps,
    pspRefused: r.pspRefused,
    strictest: r.strictest,
    recommended: r.recommended,
    refused: { baseline: r.levels.baseline.violations.length, restricted: r.levels.restricted.violations.length },
    current: r.current,
    mutated: r.mutated,
    relabelers: r.relabelers.length,
  };
}
