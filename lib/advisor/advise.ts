import { pspVerdict, type PspVerdict } from '../pss/psp-verdict';
import { stringify } from 'yaml';
import type { Mutation } from '../admission/diff';
import type { Pod } from '../admission/pod';
import { podOfWorkload, prepareForAdmission, simulatePod, simulationContext } from '../access/simulate-workload';
import { controllerIdentity } from '../access/identity';
import { compareNames } from '../rbac/grants';
import type { Binding, ClusterModel, Psp, Role, Workload } from '../model/types';
import { lineDiff } from '../plan/diff';
import { APPARMOR_ALLOWED_ANNOTATION, SECCOMP_ALLOWED_ANNOTATION } from '../admission/strategies';
import { useRuleFor } from '../plan/attach';
import { looserFields } from './compare';
import { checkMinimality, outcomeOf, validationViews, type MinimalityCheck } from './minimality';
import { proposePsp, type AdvisedPod, type Reason } from './propose';

/**
 * The advisor: the least permissive PSP that admits a set of workloads' pods unchanged, with the
 * proof built in (the admission engine run with the proposal in a copy of the model, granted to the
 * workloads' service accounts), its minimality, and how it compares with the PSPs that exist.
 */

export interface Admit {
  /** `Kind namespace/name`. */
  workload: string;
  serviceAccount?: string;
  allowed: boolean;
  psp?: string;
  mutated: boolean;
  mutations: Mutation[];
  message?: string;
}

export interface Existing {
  /** The existing PSP: a sufficient one, or (when none is) the one most of the workloads get now. */
  psp: string | null;
  /** It admits every pod unchanged and is no looser than the proposal (see looserFields). */
  sufficient: boolean;
  /** Whether every workload's service account (or controller) may use it in its namespace. */
  granted?: boolean;
  /** Where the PSP they get now is looser than the proposal. */
  looser?: string[];
  /** The proposal against the PSP they get now, as a line diff of the YAML. */
  diff?: string;
}

export interface Advice {
  psp: Psp;
  yaml: string;
  reasons: Reason[];
  notes: string[];
  existing?: Existing;
  /** The PSP each workload gets now (null: refused). */
  current: { psp: string | null; workloads: string[] }[];
  admits: Admit[];
  minimality: MinimalityCheck[];
  /** The grant the proof assumes: psp-util's ClusterRole and a RoleBinding per namespace to the service accounts. */
  grants: (Role | Binding)[];
  /**
   * The Pod Security Standards level every pod the PSP admits meets (policy version `latest` of a
   * v1.24 server), and the PSP fields that keep it from a stricter level: where these workloads
   * stand when the cluster moves to Pod Security Admission.
   */
  pss: { level: PspVerdict['level']; looser: { field: string; value: string; check: string; why: string }[] };
}

export const workloadLabel = (w: Pick<Workload, 'kind' | 'metadata'>) => `${w.kind} ${w.metadata.namespace ?? 'default'}/${w.metadata.name}`;

/**
 * The workloads that stand for a namespace's pods: those no listed controller owns (a Deployment
 * stands for its ReplicaSets and their Pods; a Pod whose owner is not listed, such as an operator's,
 * stands for itself).
 */
export function topLevelWorkloads(model: ClusterModel, namespace: string): Workload[] {
  const inNs = model.workloads.filter((w) => (w.metadata.namespace ?? 'default') === namespace);
  const names = new Set(inNs.map((w) => `${w.kind}/${w.metadata.name}`));
  return inNs.filter((w) => !(w.metadata.ownerReferences ?? []).some((o) => o.controller && names.has(`${o.kind}/${o.name}`)));
}

/** The service account a workload's pods run as. */
export function serviceAccountOf(w: Workload): string {
  const spec = podOfWorkload(w).spec;
  return spec.serviceAccountName || spec.serviceAccount || 'default';
}

/** The pod a workload's controller submits (podOfWorkload: StatefulSet claim volumes included). */
export function controllerPod(w: Workload): Pod {
  return podOfWorkload(w);
}

/** The pods as PSP admission sees them: API defaulting, then the ServiceAccount step. */
export function advisedPods(model: ClusterModel, workloads: Workload[]): AdvisedPod[] {
  return workloads.map((w) => ({ workload: workloadLabel(w), pod: prepareForAdmission(model, controllerPod(w)) as Pod }));
}

/** psp-util's ClusterRole for the PSP, and per namespace a RoleBinding `psp-util.<psp>` to the workloads' service accounts. */
export function grantsFor(psp: string, workloads: Workload[]): (Role | Binding)[] {
  const name = `psp-util.${psp}`;
  const role: Role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules: [useRuleFor(psp)] };
  const byNs = new Map<string, Set<string>>();
  for (const w of workloads) {
    const ns = w.metadata.namespace ?? 'default';
    if (!byNs.has(ns)) byNs.set(ns, new Set());
    byNs.get(ns)!.add(serviceAccountOf(w));
  }
  const bindings: Binding[] = [...byNs.entries()].sort(([a], [b]) => compareNames(a, b)).map(([namespace, sas]) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name, namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: [...sas].sort().map((sa) => ({ kind: 'ServiceAccount', name: sa, namespace })),
  }));
  return [role, ...bindings];
}

/** The model with the PSP (replacing one of the same name) and its grants added. */
export function withProposal(model: ClusterModel, psp: Psp, grants: (Role | Binding)[]): ClusterModel {
  const roles = grants.filter((g): g is Role => g.kind === 'ClusterRole');
  const bindings = grants.filter((g): g is Binding => g.kind === 'RoleBinding');
  const key = (o: { metadata: { name: string; namespace?: string } }) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const replaced = new Set([...roles, ...bindings].map(key));
  return {
    ...model,
    psps: [...model.psps.filter((p) => p.metadata.name !== psp.metadata.name), psp],
    clusterRoles: [...model.clusterRoles.filter((r) => !replaced.has(key(r))), ...roles],
    roleBindings: [...model.roleBindings.filter((b) => !replaced.has(key(b))), ...bindings],
  };
}

/** Every workload through admission in the given model (its controller as the requester). */
export function admitsIn(model: ClusterModel, workloads: Workload[], opts: { useServiceAccountCredentials?: boolean } = {}): Admit[] {
  const context = simulationContext(model);
  return workloads.map((w) => {
    const requester = w.kind === 'Pod' ? undefined : controllerIdentity(w.kind, opts);
    const r = simulatePod(model, controllerPod(w), requester, { context });
    const allowed = r.allowed && !r.refusedBeforePsp && !r.refusedAfterPsp;
    return {
      workload: workloadLabel(w), serviceAccount: r.serviceAccount, allowed, psp: r.psp,
      mutated: r.mutations.length > 0, mutations: r.mutations,
      ...(allowed ? {} : { message: r.refusedBeforePsp ?? r.refusedAfterPsp?.join('; ') ?? r.message }),
    };
  });
}

const pspYaml = (psp: Psp) => {
  const { resourceVersion: _rv, uid: _uid, creationTimestamp: _ct, generation: _g, managedFields: _mf, selfLink: _sl, ...meta } = psp.metadata as Psp['metadata'] & Record<string, unknown>;
  return stringify({ apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: meta, spec: psp.spec }, { lineWidth: 0 });
};

/** Keys sorted at every level, so two PSPs diff by content, not by the order their writers chose. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

/** What admission reads of a PSP: its name, its profile annotations and its spec, with keys sorted. */
function diffText(psp: Psp): string[] {
  const annotations = Object.fromEntries(Object.entries(psp.metadata.annotations ?? {}).filter(([k]) => k === SECCOMP_ALLOWED_ANNOTATION || k === APPARMOR_ALLOWED_ANNOTATION || k.endsWith('/defaultProfileName')));
  const doc = { metadata: { name: psp.metadata.name, ...(Object.keys(annotations).length ? { annotations } : {}) }, spec: psp.spec };
  return stringify(canonical(doc), { lineWidth: 0 }).trimEnd().split('\n');
}

/** The proposal against an existing PSP (or against nothing), line by line. */
export function proposalDiff(before: Psp | undefined, after: Psp): string {
  return lineDiff(before ? diffText(before) : [], diffText(after)).join('\n');
}

export interface AdviseOptions {
  name: string;
  useServiceAccountCredentials?: boolean;
}

function pssOf(psp: Psp): Advice['pss'] {
  const v = pspVerdict(psp);
  return { level: v.level, looser: v.looser.map((l) => ({ field: l.field, value: l.value, check: l.check, why: l.why })) };
}

export function advise(model: ClusterModel, workloads: Workload[], opts: AdviseOptions): Advice {
  const pods = advisedPods(model, workloads);
  const proposal = proposePsp(pods, opts.name);
  const ctxNow = simulationContext(model);

  // What they get now.
  const now = admitsIn(model, workloads, opts);
  const currentMap = new Map<string | null, string[]>();
  for (const a of now) {
    const k = a.allowed ? a.psp ?? null : null;
    currentMap.set(k, [...(currentMap.get(k) ?? []), a.workload]);
  }
  const current = [...currentMap.entries()].map(([psp, ws]) => ({ psp, workloads: ws })).sort((a, b) => b.workloads.length - a.workloads.length);

  // An existing PSP that admits every pod unchanged and is no looser than the proposal.
  const sufficient = [...model.psps]
    .sort((a, b) => compareNames(a.metadata.name, b.metadata.name))
    .find((p) => pods.every(({ pod }) => validationViews(pod).every((v) => { const o = outcomeOf(p, v); return !o.refused && !o.mutated; })) && looserFields(p, proposal.psp).length === 0);

  let psp = proposal.psp;
  let existing: Existing | undefined;
  if (sufficient) {
    const name = sufficient.metadata.name;
    const granted = workloads.every((w) => {
      const ns = w.metadata.namespace ?? 'default';
      const sa = { user: `system:serviceaccount:${ns}:${serviceAccountOf(w)}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`] };
      const ctrl = w.kind === 'Pod' ? undefined : controllerIdentity(w.kind, opts);
      return ctxNow.isAuthorized(sa, name, ns) || (!!ctrl && ctxNow.isAuthorized(ctrl, name, ns));
    });
    existing = { psp: name, sufficient: true, granted };
    psp = sufficient;
  } else if (model.psps.length) {
    const top = current.find((c) => c.psp !== null)?.psp ?? null;
    const before = top ? model.psps.find((p) => p.metadata.name === top) : undefined;
    existing = {
      psp: top, sufficient: false,
      ...(before ? { looser: looserFields(before, proposal.psp) } : {}),
      diff: proposalDiff(before, proposal.psp),
    };
  }

  const grants = grantsFor(psp.metadata.name, workloads);
  const admits = admitsIn(withProposal(model, psp, grants), workloads, opts);
  const notes = [...proposal.notes];
  for (const a of admits) {
    if (a.allowed && a.psp !== psp.metadata.name) {
      notes.push(`${a.workload} would still get ${a.psp}: it admits the pod unchanged, may be used by the pod's service account or controller, and comes first by name (remove that grant, or name the proposal so it sorts first)`);
    }
  }
  return {
    psp, yaml: pspYaml(psp), reasons: proposal.reasons, notes,
    ...(existing ? { existing } : {}),
    current, admits, minimality: checkMinimality(proposal.psp, pods), grants,
    pss: pssOf(psp),
  };
}
