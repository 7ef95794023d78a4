/**
 * Evaluates a pod, or the pod template of a workload, against a Pod Security level and version, and
 * words the outcome exactly as the PodSecurity admission plugin does:
 *   refusal:  `pods "NAME" is forbidden: violates PodSecurity "LEVEL:VERSION": REASON (DETAIL), …`
 *   warning:  `would violate PodSecurity "LEVEL:VERSION": REASON (DETAIL), …`
 * The failed checks keep the plugin's order (baseline check IDs sorted, then restricted ones).
 */
import type { PodSpec } from '../admission/pod';
import { checksFor, visitContainers, type CheckId, type CheckViolation, type PodMetaView, type VersionedCheck } from './checks';
import { effectiveMinor, formatLevelVersion, NEWEST_KNOWN_MINOR, type LevelVersion } from './version';

export interface PssOptions {
  /**
   * The API server's minor version (24 for v1.24.17). `latest` means the newest policy its plugin
   * knows, newer pinned versions are evaluated as that one, and a few details are worded as that
   * server words them. Default: 37.
   */
  serverMinor?: number;
}

export interface PssResult {
  allowed: boolean;
  /** The level and version as written (`restricted:v1.99` stays so, as the plugin prints it). */
  levelVersion: string;
  /** The policy minor the checks ran at (after clamping to the server); undefined for privileged. */
  evaluatedMinor?: number;
  violations: CheckViolation[];
  /** `REASON (DETAIL), …`: the plugin's ForbiddenDetail; '' when allowed. */
  detail: string;
}

/** What the plugin evaluates: the pod's (or template's) metadata and spec. */
export interface PodLike {
  metadata?: PodMetaView | null;
  spec?: PodSpec | null;
}

export function evaluatePod(pod: PodLike, lv: LevelVersion, opts: PssOptions = {}): PssResult {
  return evaluatePodAt(pod, [lv], opts)[0];
}

/**
 * evaluatePod at several levels and versions at once: a check variant shared by several of them
 * (most are) runs once. Results are in the order of `lvs`.
 */
export function evaluatePodAt(pod: PodLike, lvs: readonly LevelVersion[], opts: PssOptions = {}): PssResult[] {
  const server = opts.serverMinor ?? NEWEST_KNOWN_MINOR;
  const spec = (pod.spec ?? { containers: [] }) as PodSpec;
  const input = { meta: pod.metadata ?? {}, spec, containers: visitContainers(spec), server };
  const ran = new Map<VersionedCheck, { reason: string; detail: string } | undefined>();
  return lvs.map((lv) => {
    const levelVersion = formatLevelVersion(lv);
    if (lv.level === 'privileged') return { allowed: true, levelVersion, violations: [], detail: '' };
    const minor = effectiveMinor(lv.version, server);
    const violations: CheckViolation[] = [];
    for (const { id, check } of checksFor(lv.level, minor)) {
      let r = ran.get(check);
      if (r === undefined && !ran.has(check)) ran.set(check, (r = check.check(input)));
      if (r) violations.push({ id, reason: r.reason || 'unknown forbidden reason', detail: r.detail });
    }
    return { allowed: violations.length === 0, levelVersion, evaluatedMinor: minor, violations, detail: forbiddenDetail(violations) };
  });
}

/** `reason (detail), reason, …` (a reason with an empty detail has no parentheses). */
export function forbiddenDetail(violations: { reason: string; detail: string }[]): string {
  return violations.map((v) => (v.detail ? `${v.reason} (${v.detail})` : v.reason)).join(', ');
}

/** The refusal's error text after `is forbidden: ` (what enforce answers). */
export function violationMessage(result: PssResult): string {
  return `violates PodSecurity ${JSON.stringify(result.levelVersion)}: ${result.detail}`;
}

/** The whole 403 message for a pod (`pods "NAME" is forbidden: violates PodSecurity …`). */
export function refusalMessage(podName: string, result: PssResult): string {
  return `pods ${JSON.stringify(podName)} is forbidden: ${violationMessage(result)}`;
}

/** The warning text (warn mode; also the audit annotation). */
export function warningMessage(result: PssResult): string {
  return `would violate PodSecurity ${JSON.stringify(result.levelVersion)}: ${result.detail}`;
}

/** A result's checks as `{id, message}` for APIs: message = `reason (detail)`. */
export function checkMessages(result: PssResult): { id: CheckId; message: string }[] {
  return result.violations.map((v) => ({ id: v.id, message: forbiddenDetail([v]) }));
}

// ---------------------------------------------------------------------------------------------
// Workloads

export const POD_TEMPLATE_KINDS = ['Pod', 'PodTemplate', 'ReplicationController', 'ReplicaSet', 'Deployment', 'DaemonSet', 'StatefulSet', 'Job', 'CronJob'] as const;

interface AnyObject {
  kind?: string;
  metadata?: PodMetaView | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: Record<string, any> | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  template?: any;
}

/**
 * The pod (metadata + spec) the plugin evaluates for an object: a Pod itself, or the pod template of
 * a workload (CronJob: spec.jobTemplate.spec.template). Replicas play no part, so a workload scaled
 * to zero is evaluated like any other. undefined: not a pod-carrying kind, or no template (the plugin
 * skips such objects).
 */
export function podTemplateOf(object: AnyObject): PodLike | undefined {
  switch (object.kind) {
    case 'Pod':
      return { metadata: object.metadata ?? {}, spec: (object.spec ?? { containers: [] }) as PodSpec };
    case 'PodTemplate':
      return templateLike(object.template);
    case 'ReplicationController':
    case 'ReplicaSet':
    case 'Deployment':
    case 'DaemonSet':
    case 'StatefulSet':
    case 'Job':
      return templateLike(object.spec?.template);
    case 'CronJob':
      return templateLike(object.spec?.jobTemplate?.spec?.template);
    default:
      return undefined;
  }
}

function templateLike(t: unknown): PodLike | undefined {
  if (t === null || typeof t !== 'object') return undefined;
  const o = t as { metadata?: PodMetaView | null; spec?: PodSpec | null };
  return { metadata: o.metadata ?? {}, spec: (o.spec ?? { containers: [] }) as PodSpec };
}

/** evaluatePodAt on a workload's template; undefined when the object carries no pod template. */
export function evaluateWorkloadAt(object: AnyObject, lvs: readonly LevelVersion[], opts: PssOptions = {}): PssResult[] | undefined {
  const pod = podTemplateOf(object);
  return pod ? evaluatePodAt(pod, lvs, opts) : undefined;
}

/** evaluatePod on a workload's template; undefined when the object carries no pod template. */
export function evaluateWorkload(object: AnyObject, lv: LevelVersion, opts: PssOptions = {}): PssResult | undefined {
  const pod = podTemplateOf(object);
  return pod ? evaluatePod(pod, lv, opts) : undefined;
}
