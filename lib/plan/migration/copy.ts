import { AppError } from '../../errors';
import { whoCanUse } from '../../access/effective-access';
import { APPARMOR_DEFAULT_ANNOTATION, SECCOMP_DEFAULT_ANNOTATION } from '../../admission/strategies';
import type { ClusterModel, Psp, PspSpec, Subject } from '../../model/types';
import { pspVerdict, type MutatingField } from '../../pss/psp-verdict';
import { ruleGrantsUse } from '../../rbac/grants';
import { managedStateFromModel, planAttach } from '../attach';
import { describeSubject, sameSubject } from '../subjects';
import { PSP_API, type Plan, type PlanOperation } from '../types';
import { grantsFirst } from '../order';

/**
 * Step 2 of the official migration guide: a copy of a mutating PSP without what mutates pods, named
 * to sort first (`0-<name>`: among the PSPs that admit a pod unchanged the plugin takes the first by
 * name), granted wherever the original is granted. Pods the copy admits unchanged then get it
 * (`kubernetes.io/psp: 0-<name>`); they no longer depend on PSP's defaults, which PSA never applies.
 */

export const COPY_PREFIX = '0-';

export function copyNameOf(psp: string): string {
  return `${COPY_PREFIX}${psp}`;
}

export interface RemovedField {
  field: string;
  value: string;
  /** What the copy has instead (undefined: the field is gone). */
  becomes?: string;
  /** What the copy does instead, and what pods lose. */
  why: string;
}

export interface NonMutatingCopy {
  psp: Psp;
  removed: RemovedField[];
  /** Settings that still default pod fields (they validate too; removing them would loosen the PSP). */
  stillMutating: MutatingField[];
}

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/**
 * The guide's simplified PSP: purely mutating fields dropped (`defaultAllowPrivilegeEscalation`,
 * `runtimeClass.defaultRuntimeClassName`, the seccomp/AppArmor `defaultProfileName` annotations),
 * `defaultAddCapabilities` folded into `allowedCapabilities`, and the defaulting settings PSS has
 * no opinion on made non-defaulting: `readOnlyRootFilesystem` dropped, `MustRunAs` group rules
 * turned into `MayRunAs` over the same ranges (validated, never set). What validates and defaults
 * in a way PSS cares about (runAsUser, seLinux, requiredDropCapabilities, allowPrivilegeEscalation:
 * false) stays, and is reported: pods that leave those fields unset keep getting the original.
 */
export function nonMutatingCopy(original: Psp): NonMutatingCopy {
  const spec: PspSpec = JSON.parse(JSON.stringify(original.spec ?? {}));
  const annotations = { ...(original.metadata.annotations ?? {}) };
  const removed: RemovedField[] = [];
  const drop = (field: string, value: unknown, why: string, becomes?: string) => removed.push({ field, value: show(value), why, ...(becomes ? { becomes } : {}) });

  if (spec.defaultAllowPrivilegeEscalation !== undefined) {
    drop('spec.defaultAllowPrivilegeEscalation', spec.defaultAllowPrivilegeEscalation, 'containers that leave allowPrivilegeEscalation unset are no longer given a value');
    delete spec.defaultAllowPrivilegeEscalation;
  }
  if (spec.runtimeClass?.defaultRuntimeClassName !== undefined) {
    drop('spec.runtimeClass.defaultRuntimeClassName', spec.runtimeClass.defaultRuntimeClassName, 'pods that name no runtime class are no longer given one');
    delete spec.runtimeClass.defaultRuntimeClassName;
  }
  for (const a of [SECCOMP_DEFAULT_ANNOTATION, APPARMOR_DEFAULT_ANNOTATION]) {
    if (annotations[a] === undefined) continue;
    drop(`metadata.annotations[${a}]`, annotations[a], `pods that set no ${a.startsWith('seccomp') ? 'seccomp' : 'AppArmor'} profile are no longer given ${annotations[a]}`);
    delete annotations[a];
  }
  if (spec.defaultAddCapabilities?.length) {
    const allowed = spec.allowedCapabilities ?? [];
    const merged = allowed.includes('*') ? allowed : [...new Set([...allowed, ...spec.defaultAddCapabilities])];
    drop('spec.defaultAddCapabilities', spec.defaultAddCapabilities, 'allowed, no longer added to every container', `allowedCapabilities ${JSON.stringify(merged)}`);
    spec.allowedCapabilities = merged;
    delete spec.defaultAddCapabilities;
  }
  if (spec.readOnlyRootFilesystem) {
    drop('spec.readOnlyRootFilesystem', true, 'no Pod Security level has this rule: containers that leave readOnlyRootFilesystem unset run with a writable root; set it in their templates to keep it');
    delete spec.readOnlyRootFilesystem;
  }
  for (const f of ['runAsGroup', 'supplementalGroups', 'fsGroup'] as const) {
    const r = spec[f];
    if (r?.rule !== 'MustRunAs') continue;
    drop(`spec.${f}.rule`, 'MustRunAs', `a ${f} outside the same ranges is still refused, an unset one is no longer filled in`, 'MayRunAs');
    spec[f] = { ...r, rule: 'MayRunAs' };
  }
  const name = copyNameOf(original.metadata.name);
  const psp: Psp = {
    apiVersion: PSP_API, kind: 'PodSecurityPolicy',
    metadata: { name, ...(original.metadata.labels ? { labels: { ...original.metadata.labels } } : {}), ...(Object.keys(annotations).length ? { annotations } : {}) },
    spec,
  };
  return { psp, removed, stillMutating: pspVerdict(psp).mutating };
}

/** Where the original is granted and the copy is not yet: subjects per scope (undefined: cluster-wide). */
function grantsToCopy(model: ClusterModel, original: string, copy: string): Map<string | undefined, Subject[]> {
  const scopes = new Map<string | undefined, Subject[]>();
  for (const g of whoCanUse(model, original)) {
    if (g.chain.via !== 'rbac') continue; // system:masters may use every PSP without a binding
    // A rule naming no PSP, or `*`, grants the copy too: nothing to add for it.
    if (g.chain.rule && ruleGrantsUse(g.chain.rule, copy)) continue;
    const list = scopes.get(g.namespace) ?? [];
    if (!list.some((s) => sameSubject(s, g.subject, g.namespace))) list.push(g.subject);
    scopes.set(g.namespace, list);
  }
  return scopes;
}

/** Adds operations, skipping one already planned for the same object (psp-util's ClusterRole is planned once per scope). */
function addOnce(into: PlanOperation[], ops: PlanOperation[]): void {
  for (const op of ops) {
    if (!into.some((o) => o.action === op.action && o.kind === op.kind && o.name === op.name && (o.namespace ?? '') === (op.namespace ?? ''))) into.push(op);
  }
}

export interface CopyPlan extends Plan {
  copy?: NonMutatingCopy;
}

/** Plans step 2 for one PSP: create `0-<name>` and grant it, psp-util style, where the original is granted. */
export function planNonMutatingCopy(model: ClusterModel, pspName: string): CopyPlan {
  if (!model.source.pspApiServed) throw new AppError('conflict', 'This cluster serves no PodSecurityPolicy API (v1.25+): there is nothing to copy.');
  const original = model.psps.find((p) => p.metadata.name === pspName);
  if (!original) throw new AppError('not_found', `PodSecurityPolicy ${pspName} does not exist`);
  const copy = nonMutatingCopy(original);
  const name = copy.psp.metadata.name;
  const summary = `create PodSecurityPolicy ${name}, a non-mutating copy of ${pspName}, granted where ${pspName} is`;
  if (copy.removed.length === 0) {
    return { summary, operations: [], warnings: [], copy, noop: `PodSecurityPolicy ${pspName} sets no purely mutating field: no copy is needed${copy.stillMutating.length ? ` (it still defaults ${copy.stillMutating.map((m) => m.field).join(', ')} for pods that leave them unset, as a copy would)` : ''}.` };
  }
  const operations: PlanOperation[] = [];
  const existing = model.psps.find((p) => p.metadata.name === name);
  if (existing && JSON.stringify(existing.spec) !== JSON.stringify(copy.psp.spec)) {
    throw new AppError('conflict', `PodSecurityPolicy ${name} exists and is not the copy this plan would make; rename or delete it first.`);
  }
  if (!existing) operations.push({ action: 'create', kind: 'PodSecurityPolicy', apiVersion: PSP_API, name, object: copy.psp });
  const withCopy: ClusterModel = existing ? model : { ...model, psps: [...model.psps, copy.psp] };
  const warnings: string[] = [];
  const grants = grantsToCopy(model, pspName, name);
  // Cluster-wide first, then by namespace (sort() would put `undefined` last without asking).
  const scopes = [...grants.keys()].map((k) => k ?? '').sort().map((k) => k || undefined);
  for (const namespace of scopes) {
    // The copy reaches no further than the original (same subjects, same scope, fewer rights): the
    // guardrail for broad subjects was the original grant's business.
    const plan = planAttach({ psp: name, subjects: grants.get(namespace)!, namespace, acknowledgeRisk: true }, managedStateFromModel(withCopy, name, namespace));
    if ('refused' in plan) throw new AppError('conflict', plan.refused.reason, { field: plan.refused.field, guardrail: true });
    addOnce(operations, plan.operations);
    warnings.push(...plan.warnings);
  }
  if (!grants.size) warnings.push(`Nobody but system:masters may use ${pspName} through a binding; the copy is not granted to anyone.`);
  const notes = [
    ...copy.removed.map((r) => `${r.field}: ${r.value} → ${r.becomes ?? 'removed'}: ${r.why}.`),
    ...copy.stillMutating.map((m) => `Still in the copy: ${m.field} ${m.value} ${m.effect}; pods that rely on it keep getting ${pspName}.`),
    ...[...grants].map(([ns, subjects]) => `Granted ${ns ? `in namespace ${ns}` : 'cluster-wide'} to ${subjects.map(describeSubject).join(', ')}.`),
    `Which workloads' pods would get ${name} is said above (the admission engine on the cluster with the copy and its grants); once it exists, check the kubernetes.io/psp annotation of new pods.`,
  ];
  if (!operations.length) return { summary, operations, warnings, notes, copy, noop: `${name} already exists and is granted where ${pspName} is; nothing to do.` };
  return { summary, operations: grantsFirst(operations), warnings, notes, copy };
}
