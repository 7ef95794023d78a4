/**
 * Namespace labels → the policy the PodSecurity plugin applies (api.PolicyToEvaluate), and the
 * admission decision for one pod or workload in that namespace: exemptions, enforce, audit, warn.
 */
import { DEFAULT_CONFIGURATION, type PssConfiguration, type PssPolicy } from './config';
import { evaluatePod, podTemplateOf, refusalMessage, warningMessage, type PodLike, type PssOptions, type PssResult } from './evaluate';
import { compareLevels, effectiveMinor, LEVEL_ERROR, NEWEST_KNOWN_MINOR, parseLevel, parseVersion, VERSION_ERROR, type LevelVersion, type PssLevel } from './version';

export const LABEL_PREFIX = 'pod-security.kubernetes.io/';
export const MODES = ['enforce', 'audit', 'warn'] as const;
export type PssMode = (typeof MODES)[number];

export const levelLabel = (mode: PssMode) => `${LABEL_PREFIX}${mode}`;
export const versionLabel = (mode: PssMode) => `${LABEL_PREFIX}${mode}-version`;

export interface LabelError {
  label: string;
  value: string;
  /** As the plugin words it: `metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "x": must be one of …`. */
  message: string;
}

export interface NamespacePolicy {
  policy: PssPolicy;
  errors: LabelError[];
  /** Which of the six labels the namespace sets (the rest come from the defaults). */
  labelled: string[];
  /** Per mode: the policy minor the server evaluates (a version newer than the server → the server's). */
  evaluatedMinor: Record<PssMode, number | undefined>;
  /** Per mode: a pinned version newer than the newest the server knows (evaluated as the server's latest). */
  newerThanServer: PssMode[];
}

/**
 * The policy of a namespace with these labels, as the plugin computes it. Invalid values: an invalid
 * enforce level means `restricted` (fail closed); invalid audit/warn levels mean `privileged` (fail
 * open); an invalid version means `latest`. Without a warn label, warn follows a stricter enforce
 * (level, and version unless warn-version is set) on v1.26+ servers. An unlabelled namespace gets
 * the defaults.
 */
export function namespacePolicy(labels: Record<string, string> | null | undefined, config: PssConfiguration = DEFAULT_CONFIGURATION, opts: PssOptions = {}): NamespacePolicy {
  const serverMinor = opts.serverMinor ?? NEWEST_KNOWN_MINOR;
  const p: PssPolicy = { enforce: { ...config.defaults.enforce }, audit: { ...config.defaults.audit }, warn: { ...config.defaults.warn } };
  const errors: LabelError[] = [];
  const l = labels ?? {};
  const has = (k: string) => Object.prototype.hasOwnProperty.call(l, k);
  const labelled = MODES.flatMap((m) => [levelLabel(m), versionLabel(m)]).filter(has);
  const err = (label: string, value: string, why: string) => errors.push({ label, value, message: `metadata.labels[${label}]: Invalid value: ${JSON.stringify(value)}: ${why}` });

  let hasEnforceLevel = false;
  let hasWarnLevel = false;
  let hasWarnVersion = false;
  if (Object.keys(l).length > 0) {
    for (const mode of MODES) {
      const lk = levelLabel(mode);
      if (has(lk)) {
        const r = parseLevel(l[lk]);
        if (r.error) {
          err(lk, l[lk], LEVEL_ERROR);
          p[mode].level = mode === 'enforce' ? 'restricted' : 'privileged';
        } else {
          p[mode].level = r.level!;
          if (mode === 'enforce') hasEnforceLevel = true;
        }
        if (mode === 'warn') hasWarnLevel = true;
      }
      const vk = versionLabel(mode);
      if (has(vk)) {
        const r = parseVersion(l[vk]);
        if (r.error) err(vk, l[vk], VERSION_ERROR);
        p[mode].version = r.version ?? 'latest';
        if (mode === 'warn') hasWarnVersion = true;
      }
    }
    // From v1.26 an unset warn level follows a stricter enforce level (v1.24–v1.25 leave it at the default).
    if (serverMinor >= 26 && !hasWarnLevel && hasEnforceLevel && compareLevels(p.enforce.level, p.warn.level) > 0) {
      p.warn.level = p.enforce.level;
      if (!hasWarnVersion) p.warn.version = p.enforce.version;
    }
  }
  const evaluatedMinor = Object.fromEntries(MODES.map((m) => [m, p[m].level === 'privileged' ? undefined : effectiveMinor(p[m].version, serverMinor)])) as Record<PssMode, number | undefined>;
  const newest = Math.min(serverMinor, NEWEST_KNOWN_MINOR);
  const newerThanServer = MODES.filter((m) => p[m].version !== 'latest' && Number(p[m].version.slice(3)) > newest);
  return { policy: p, errors, labelled, evaluatedMinor, newerThanServer };
}

export interface AdmissionRequest {
  /** A Pod, or a workload (Deployment, CronJob, …) whose template is evaluated. */
  object: { kind?: string; metadata?: { name?: string; annotations?: Record<string, string> | null; [k: string]: unknown } | null; [k: string]: unknown };
  namespace: string;
  namespaceLabels?: Record<string, string> | null;
  /** The requesting user (for username exemptions). */
  username?: string;
  config?: PssConfiguration;
}

export interface AdmissionDecision {
  allowed: boolean;
  /** Set when an exemption applied: nothing was evaluated. */
  exempt?: 'namespace' | 'user' | 'runtimeClass';
  /** The 403 message (pods only: enforce never refuses workloads). */
  message?: string;
  /** The `Warning:` texts the response carries (warn mode; not on a refusal). */
  warnings: string[];
  /** The audit annotation `pod-security.kubernetes.io/audit-violations`, when audit finds violations. */
  auditViolation?: string;
  enforce?: PssResult;
  audit?: PssResult;
  warn?: PssResult;
  policy: NamespacePolicy;
}

/**
 * The plugin's decision on creating `object` (ValidatePod / ValidatePodController): exemptions
 * first (namespace, user, then the pod's runtimeClassName), then enforce (pods only), audit and warn.
 */
export function admit(req: AdmissionRequest, opts: PssOptions = {}): AdmissionDecision {
  const config = req.config ?? DEFAULT_CONFIGURATION;
  const policy = namespacePolicy(req.namespaceLabels, config, opts);
  const base = { warnings: [] as string[], policy };
  if (config.exemptions.namespaces.includes(req.namespace)) return { ...base, allowed: true, exempt: 'namespace' };
  if (req.username !== undefined && config.exemptions.usernames.includes(req.username)) return { ...base, allowed: true, exempt: 'user' };
  const isPod = req.object.kind === 'Pod' || req.object.kind === undefined;
  const p = policy.policy;
  const ok = policy.errors.length === 0;
  if (isPod && ok && p.enforce.level === 'privileged' && p.audit.level === 'privileged' && p.warn.level === 'privileged') return { ...base, allowed: true };
  if (!isPod && ok && p.audit.level === 'privileged' && p.warn.level === 'privileged') return { ...base, allowed: true };
  const pod: PodLike | undefined = isPod ? { metadata: req.object.metadata as PodLike['metadata'], spec: req.object.spec as PodLike['spec'] } : podTemplateOf(req.object as never);
  if (!pod) return { ...base, allowed: true };
  const rc = (pod.spec as { runtimeClassName?: string | null } | null | undefined)?.runtimeClassName;
  if (typeof rc === 'string' && config.exemptions.runtimeClasses.includes(rc)) return { ...base, allowed: true, exempt: 'runtimeClass' };

  const cache = new Map<string, PssResult>();
  const run = (lv: LevelVersion) => {
    const key = `${lv.level}:${lv.version}`;
    let r = cache.get(key);
    if (!r) cache.set(key, (r = evaluatePod(pod, lv, opts)));
    return r;
  };
  const out: AdmissionDecision = { ...base, allowed: true };
  if (isPod) {
    out.enforce = run(p.enforce);
    if (!out.enforce.allowed) {
      out.allowed = false;
      out.message = refusalMessage(String(req.object.metadata?.name ?? ''), out.enforce);
    }
  }
  out.audit = run(p.audit);
  if (!out.audit.allowed) out.auditViolation = warningMessage(out.audit);
  if (out.allowed) {
    out.warn = run(p.warn);
    if (!out.warn.allowed) out.warnings.push(warningMessage(out.warn));
  }
  return out;
}

/** The strictest level (privileged < baseline < restricted) a pod meets at a version. */
export function strictestLevel(pod: PodLike, version: LevelVersion['version'], opts: PssOptions = {}): PssLevel {
  if (evaluatePod(pod, { level: 'restricted', version }, opts).allowed) return 'restricted';
  if (evaluatePod(pod, { level: 'baseline', version }, opts).allowed) return 'baseline';
  return 'privileged';
}

export interface RelabelInput {
  namespace: string;
  oldLabels?: Record<string, string> | null;
  newLabels?: Record<string, string> | null;
  /** The namespace's existing pods, as stored (metadata.ownerReferences decide which are checked first). */
  pods: PodLike[];
  config?: PssConfiguration;
  /** How many pods the plugin checks at most (3000); its one-second deadline is not modelled. */
  maxPods?: number;
  /** evaluatePod, or a caller's cache of it (the migration board evaluates each pod shape once). */
  evaluate?: (pod: PodLike, lv: LevelVersion) => PssResult;
}

export interface RelabelOutcome {
  /** The 422 the server answers (invalid labels): the plugin's field errors. */
  invalid?: LabelError[];
  /** The `Warning:` texts of the update (what `kubectl label --dry-run=server` prints). */
  warnings: string[];
}

/**
 * What the plugin answers to a namespace UPDATE that changes its labels (ValidateNamespace): the
 * warnings about existing pods that violate the new enforce level — `existing pods in namespace "X"
 * violate the new PodSecurity enforce level "L:V"`, then one line per distinct set of reasons,
 * `POD (and N other pods): REASONS`, sorted — or nothing when enforce does not get stricter.
 */
export function relabelWarnings(input: RelabelInput, opts: PssOptions = {}): RelabelOutcome {
  const serverMinor = opts.serverMinor ?? NEWEST_KNOWN_MINOR;
  const config = input.config ?? DEFAULT_CONFIGURATION;
  const next = namespacePolicy(input.newLabels, config, opts);
  const prev = namespacePolicy(input.oldLabels, config, opts);
  if (next.errors.length > 0 && (prev.errors.length === 0 || JSON.stringify(next.errors) !== JSON.stringify(prev.errors))) return { invalid: next.errors, warnings: [] };
  const ne = next.policy.enforce;
  const oe = prev.policy.enforce;
  if (ne.level === oe.level && ne.version === oe.version) return { warnings: [] };
  if (ne.level === 'privileged') return { warnings: [] };
  if (ne.version === oe.version && compareLevels(ne.level, oe.level) < 1) return { warnings: [] };
  if (config.exemptions.namespaces.includes(input.namespace)) {
    const w = serverMinor >= 25 ? exemptNamespaceWarning(input.namespace, next.policy, input.newLabels ?? {}, config) : '';
    return { warnings: w ? [w] : [] };
  }
  // One pod per controller first, then the other replicas; exempt runtime classes are skipped.
  const first: PodLike[] = [];
  const rest: PodLike[] = [];
  const seen = new Set<string>();
  for (const pod of input.pods) {
    const rc = (pod.spec as { runtimeClassName?: string | null } | null | undefined)?.runtimeClassName;
    if (typeof rc === 'string' && config.exemptions.runtimeClasses.includes(rc)) continue;
    const owners = ((pod.metadata as { ownerReferences?: { uid?: string; controller?: boolean }[] } | null | undefined)?.ownerReferences ?? []);
    const controller = owners.find((o) => o.controller === true);
    if (!controller) first.push(pod);
    else if (seen.has(controller.uid ?? '')) rest.push(pod);
    else {
      seen.add(controller.uid ?? '');
      first.push(pod);
    }
  }
  const all = [...first, ...rest];
  const max = input.maxPods ?? 3000;
  const checked = all.slice(0, max);
  const byReason = new Map<string, { name: string; count: number }>();
  const order: string[] = [];
  for (const pod of checked) {
    const r = input.evaluate ? input.evaluate(pod, ne) : evaluatePod(pod, ne, opts);
    if (r.allowed) continue;
    const reasons = r.violations.map((v) => v.reason).join(', ');
    const name = String((pod.metadata as { name?: string } | null | undefined)?.name ?? '');
    const c = byReason.get(reasons);
    if (!c) {
      byReason.set(reasons, { name, count: 1 });
      order.push(reasons);
    } else {
      c.count++;
      if (name < c.name) c.name = name;
    }
  }
  const warnings: string[] = [];
  if (checked.length < all.length) warnings.push(`new PodSecurity enforce level only checked against the first ${checked.length} of ${all.length} existing pods`);
  if (order.length > 0) warnings.push(`existing pods in namespace ${JSON.stringify(input.namespace)} violate the new PodSecurity enforce level ${JSON.stringify(`${ne.level}:${ne.version}`)}`);
  const lines = order.map((reasons) => {
    const c = byReason.get(reasons)!;
    return c.count === 1 ? `${c.name}: ${reasons}` : c.count === 2 ? `${c.name} (and 1 other pod): ${reasons}` : `${c.name} (and ${c.count - 1} other pods): ${reasons}`;
  });
  lines.sort();
  return { warnings: [...warnings, ...lines] };
}

/** v1.25+: the warning for labelling an exempt namespace with a policy that will be ignored. */
function exemptNamespaceWarning(namespace: string, policy: PssPolicy, labels: Record<string, string>, config: PssConfiguration): string {
  const allPrivileged = MODES.every((m) => policy[m].level === 'privileged');
  const equivalent = (a: LevelVersion, b: LevelVersion) => (a.level === 'privileged' && b.level === 'privileged') || (a.level === b.level && a.version === b.version);
  if (allPrivileged || MODES.every((m) => equivalent(policy[m], config.defaults[m]))) return '';
  const parts: string[] = [];
  for (const m of MODES) {
    const has = Object.prototype.hasOwnProperty.call(labels, levelLabel(m)) || Object.prototype.hasOwnProperty.call(labels, versionLabel(m));
    if (policy[m].level !== 'privileged' && has) parts.push(`${m}=${policy[m].level}:${policy[m].version}`);
  }
  return `namespace ${JSON.stringify(namespace)} is exempt from Pod Security, and the policy (${parts.join(', ')}) will be ignored`;
}
