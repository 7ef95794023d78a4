import { AppError } from '../../errors';
import type { ClusterModel, Namespace, Workload } from '../../model/types';
import { DEFAULT_CONFIGURATION, type PssConfiguration } from '../../pss/config';
import { evaluateWorkloadAt, type PodLike } from '../../pss/evaluate';
import { LABEL_PREFIX, levelLabel, MODES, namespacePolicy, relabelWarnings, versionLabel } from '../../pss/labels';
import { formatLevelVersion, serverMinorOf, type LevelVersion, type PssLevel, type PssVersion } from '../../pss/version';
import type { Plan } from '../types';

/**
 * Step 3 of the official migration guide, per namespace: first audit and warn at the chosen level
 * (enforce left as it is), then enforce it. Every write sets all six labels with a pinned version
 * (`latest` only when asked: an unpinned namespace tightens by itself on the next upgrade).
 */

export type LabelPhase = 'audit' | 'enforce';

export interface LabelRequest {
  namespace: string;
  level: PssLevel;
  /** Default: the API server's own minor (`v1.24` on v1.24.17). */
  version?: PssVersion;
  phase: LabelPhase;
  /** Enforce although some workloads' templates fail the level (their next pods are refused). */
  acknowledgeRefusals?: boolean;
}

/** The API server's minor, from the model (a demo or snapshot without a version: 24, the last with PSP). */
export function serverMinorOfModel(model: ClusterModel): number {
  const v = model.source.serverVersion;
  if (v) {
    try {
      return serverMinorOf(v);
    } catch {
      /* an unreadable version: as below */
    }
  }
  return model.source.pspApiServed ? 24 : 25;
}

export function pinnedVersion(model: ClusterModel): PssVersion {
  return `v1.${serverMinorOfModel(model)}`;
}

/** The six labels a phase writes, over the namespace's own labels (other labels kept). */
export function labelsFor(current: Record<string, string>, req: { level: PssLevel; version: PssVersion; phase: LabelPhase }, config: PssConfiguration, serverMinor: number): Record<string, string> {
  const now = namespacePolicy(current, config, { serverMinor });
  const enforce: LevelVersion = req.phase === 'enforce' ? { level: req.level, version: req.version }
    // audit phase: enforce stays what the server applies now (a label it could not parse: its default)
    : now.errors.some((e) => e.label.startsWith(levelLabel('enforce'))) ? { ...config.defaults.enforce } : now.policy.enforce;
  const pinned = (lv: LevelVersion): LevelVersion => (lv.version === 'latest' && req.version !== 'latest' ? { ...lv, version: req.version } : lv);
  const policy: Record<(typeof MODES)[number], LevelVersion> = { enforce: pinned(enforce), audit: { level: req.level, version: req.version }, warn: { level: req.level, version: req.version } };
  const out = { ...current };
  for (const m of MODES) {
    out[levelLabel(m)] = policy[m].level;
    out[versionLabel(m)] = policy[m].version;
  }
  return out;
}

/** The plugin's view of a workload: any pod-carrying object. */
type WorkloadLike = Parameters<typeof evaluateWorkloadAt>[0];

const workloadName = (w: Workload) => `${w.kind} ${w.metadata.namespace ?? 'default'}/${w.metadata.name}`;

/** Top-level workloads of a namespace (the owner stands for what it creates), pod templates evaluated, not running pods. */
function topLevel(model: ClusterModel, namespace: string): Workload[] {
  const inNs = model.workloads.filter((w) => (w.metadata.namespace ?? 'default') === namespace);
  const names = new Set(inNs.map((w) => `${w.kind}/${w.metadata.name}`));
  return inNs.filter((w) => !(w.metadata.ownerReferences ?? []).some((o) => o.controller && names.has(`${o.kind}/${o.name}`)));
}

/** The workloads whose pod templates a level refuses, with the plugin's reasons. */
export function violatorsAt(model: ClusterModel, namespace: string, lv: LevelVersion, serverMinor: number): { workload: string; detail: string }[] {
  return topLevel(model, namespace).flatMap((w) => {
    const r = evaluateWorkloadAt(w as unknown as WorkloadLike, [lv], { serverMinor })?.[0];
    return r && !r.allowed ? [{ workload: workloadName(w), detail: r.detail }] : [];
  });
}

/** The strictest level every workload's pod template in the namespace meets at a version. */
export function strictestLevelFor(model: ClusterModel, namespace: string, version: PssVersion, serverMinor: number): PssLevel {
  const lvs: LevelVersion[] = [{ level: 'restricted', version }, { level: 'baseline', version }];
  let level: PssLevel = 'restricted';
  for (const w of topLevel(model, namespace)) {
    const [restricted, baseline] = evaluateWorkloadAt(w as unknown as WorkloadLike, lvs, { serverMinor }) ?? [];
    if (baseline && !baseline.allowed) return 'privileged';
    if (restricted && !restricted.allowed) level = 'baseline';
  }
  return level;
}

export interface LabelPlan extends Plan {
  labels?: Record<string, string>;
}

export function planLabelNamespace(model: ClusterModel, req: LabelRequest, config: PssConfiguration = DEFAULT_CONFIGURATION): LabelPlan {
  const ns: Namespace | undefined = model.namespaces.find((n) => n.metadata.name === req.namespace);
  if (!ns) throw new AppError('not_found', `Namespace ${req.namespace} does not exist`);
  const serverMinor = serverMinorOfModel(model);
  const version = req.version ?? pinnedVersion(model);
  const lv: LevelVersion = { level: req.level, version };
  const current = ns.metadata.labels ?? {};
  const labels = labelsFor(current, { level: req.level, version, phase: req.phase }, config, serverMinor);
  const shown = formatLevelVersion(lv);
  const summary = req.phase === 'enforce'
    ? `enforce Pod Security ${shown} in namespace ${req.namespace} (audit and warn too)`
    : `audit and warn at Pod Security ${shown} in namespace ${req.namespace} (enforce stays ${labels[levelLabel('enforce')]}:${labels[versionLabel('enforce')]})`;
  const same = Object.keys(labels).length === Object.keys(current).length && Object.entries(labels).every(([k, v]) => current[k] === v);
  if (same) return { summary, operations: [], warnings: [], labels, noop: `Namespace ${req.namespace} already has these six labels; nothing to do.` };

  const pods = model.workloads.filter((w) => w.kind === 'Pod' && (w.metadata.namespace ?? 'default') === req.namespace) as unknown as PodLike[];
  const prediction = relabelWarnings({ namespace: req.namespace, oldLabels: current, newLabels: labels, pods, config }, { serverMinor });
  if (prediction.invalid) throw new AppError('invalid', prediction.invalid.map((e) => e.message).join('; '));

  const violators = violatorsAt(model, req.namespace, lv, serverMinor);
  const list = (max: number) => violators.slice(0, max).map((v) => `${v.workload}: ${v.detail}`).join('; ') + (violators.length > max ? `; and ${violators.length - max} more` : '');
  if (req.phase === 'enforce' && violators.length && !req.acknowledgeRefusals) {
    throw new AppError('conflict', `Enforcing ${shown} in namespace ${req.namespace} would refuse the next pods of ${violators.length} workload${violators.length === 1 ? '' : 's'}: ${list(10)}. ` +
      'Fix their pod templates first, or choose a looser level. Send "acknowledgeRefusals": true to enforce anyway.', { field: 'acknowledgeRefusals', violators });
  }
  const warnings: string[] = [];
  const notes: string[] = [];
  if (violators.length) {
    (req.phase === 'enforce' ? warnings : notes).push(req.phase === 'enforce'
      ? `New pods of ${violators.length} workload${violators.length === 1 ? '' : 's'} will be refused: ${list(20)}.`
      : `${violators.length} workload${violators.length === 1 ? '' : 's'} would be reported (audit annotation) and warned about, not refused: ${list(20)}.`);
  } else notes.push(`Every workload's pod template in ${req.namespace} meets ${shown}.`);
  if (version === 'latest') warnings.push('The version is latest, as asked: the namespace will get stricter by itself when the API server is upgraded.');
  if (namespacePolicy(labels, config, { serverMinor }).newerThanServer.length) notes.push(`${version} is newer than this API server (v1.${serverMinor}): it evaluates it as its own newest policy until it is upgraded.`);
  if (config.exemptions.namespaces.includes(req.namespace)) warnings.push(`Namespace ${req.namespace} is exempt in the API server's PodSecurityConfiguration: the labels will be ignored.`);
  const kubectl = `kubectl label --overwrite ns ${req.namespace} ${Object.entries(labels).filter(([k]) => k.startsWith(LABEL_PREFIX)).map(([k, v]) => `${k}=${v}`).join(' ')}`;
  notes.push(`The same with kubectl: ${kubectl} (try it first with --dry-run=server).`);
  if (req.phase === 'audit') notes.push('Next: watch the audit log and the warnings, then enforce this level.');
  else if (model.source.pspApiServed) notes.push('Next (guide step 3): let this namespace bypass PSP by binding a privileged PSP to its service accounts.');
  return {
    summary,
    operations: [{ action: 'update', kind: 'Namespace', apiVersion: 'v1', name: req.namespace, before: ns, object: { ...ns, apiVersion: 'v1', kind: 'Namespace', metadata: { ...ns.metadata, labels } } as Namespace }],
    warnings, notes, labels,
    predictedServerWarnings: prediction.warnings,
  };
}
