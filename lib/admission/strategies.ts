import type { IdRange, Psp, PspSpec, RuleWithRanges } from '../model/types';

/**
 * PSP object defaulting and strategy construction (the provider factory). A PSP read from the API is
 * already defaulted; a raw manifest is not, so the dashboard defaults it the way the API would.
 */

export const SECCOMP_ALLOWED_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/allowedProfileNames';
export const SECCOMP_DEFAULT_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/defaultProfileName';
export const APPARMOR_ALLOWED_ANNOTATION = 'apparmor.security.beta.kubernetes.io/allowedProfileNames';
export const APPARMOR_DEFAULT_ANNOTATION = 'apparmor.security.beta.kubernetes.io/defaultProfileName';

/** SetDefaults_PodSecurityPolicySpec: the only PSP default is `allowPrivilegeEscalation: nil → true`. */
export function defaultPsp(psp: Psp): Psp {
  if (psp.spec.allowPrivilegeEscalation !== undefined && psp.spec.allowPrivilegeEscalation !== null) return psp;
  return { ...psp, spec: { ...psp.spec, allowPrivilegeEscalation: true } };
}

/** The strategies of one PSP, resolved into plain data the mutate/validate functions read. */
export interface Strategies {
  name: string;
  spec: PspSpec & { allowPrivilegeEscalation: boolean };
  runAsUser: { rule: 'MustRunAs' | 'MustRunAsNonRoot' | 'RunAsAny'; ranges: IdRange[] };
  runAsGroup: GroupStrategy;
  fsGroup: GroupStrategy;
  supplementalGroups: GroupStrategy;
  seLinux: { rule: 'MustRunAs' | 'RunAsAny'; options?: Record<string, string> };
  seccomp: { defaultProfile: string; allowed: Set<string> | null; allowAny: boolean; allowedText: string };
  /** null: no allowedProfileNames annotation, anything goes. */
  appArmor: { defaultProfile: string; allowed: Set<string> | null; allowedText: string };
}

export interface GroupStrategy {
  rule: 'MustRunAs' | 'MayRunAs' | 'RunAsAny';
  ranges: IdRange[];
}

export type StrategiesResult = { ok: true; strategies: Strategies } | { ok: false; error: string };

function userStrategy(r: RuleWithRanges | undefined): Strategies['runAsUser'] | string {
  const rule = r?.rule;
  const ranges = r?.ranges ?? [];
  switch (rule) {
    case 'MustRunAs':
      return ranges.length ? { rule, ranges } : 'MustRunAs requires at least one range';
    case 'MustRunAsNonRoot':
    case 'RunAsAny':
      return { rule, ranges };
    default:
      return `Unrecognized RunAsUser strategy type ${rule ?? ''}`;
  }
}

function groupStrategy(field: string, r: RuleWithRanges | undefined, nilMeansAny: boolean): GroupStrategy | string {
  if (!r && nilMeansAny) return { rule: 'RunAsAny', ranges: [] };
  const rule = r?.rule;
  const ranges = r?.ranges ?? [];
  switch (rule) {
    case 'MustRunAs':
    case 'MayRunAs':
      return ranges.length ? { rule, ranges } : `ranges must be supplied for ${rule}`;
    case 'RunAsAny':
      return { rule, ranges };
    default:
      return `Unrecognized ${field} strategy type ${rule ?? ''}`;
  }
}

function seLinuxStrategy(s: PspSpec['seLinux']): Strategies['seLinux'] | string {
  switch (s?.rule) {
    case 'MustRunAs':
      return s.seLinuxOptions ? { rule: 'MustRunAs', options: s.seLinuxOptions } : 'MustRunAs requires SELinuxContextStrategyOptions';
    case 'RunAsAny':
      return { rule: 'RunAsAny' };
    default:
      return `Unrecognized SELinuxContext strategy type ${s?.rule ?? ''}`;
  }
}

function seccompStrategy(annotations: Record<string, string>): Strategies['seccomp'] {
  const raw = annotations[SECCOMP_ALLOWED_ANNOTATION];
  let allowed: Set<string> | null = null;
  let allowAny = false;
  if (raw !== undefined) {
    allowed = new Set();
    for (const p of raw.split(',')) {
      if (p === '*') {
        allowAny = true;
        continue;
      }
      // Since seccomp went GA the deprecated docker/default is converted to runtime/default, so the
      // plugin allows either wherever one of them is listed (checked on the v1.24 server).
      if (p === 'docker/default' || p === 'runtime/default') {
        allowed.add('docker/default');
        allowed.add('runtime/default');
      }
      allowed.add(p);
    }
  }
  return { defaultProfile: annotations[SECCOMP_DEFAULT_ANNOTATION] ?? '', allowed, allowAny, allowedText: raw ?? '' };
}

function appArmorStrategy(annotations: Record<string, string>): Strategies['appArmor'] {
  const raw = annotations[APPARMOR_ALLOWED_ANNOTATION];
  return {
    defaultProfile: annotations[APPARMOR_DEFAULT_ANNOTATION] ?? '',
    allowed: raw === undefined ? null : new Set(raw.split(',')),
    allowedText: raw ?? '',
  };
}

/**
 * Builds the strategies of a PSP, or says why they cannot be built (the admission plugin then skips
 * the PSP, logging only). The PSP is defaulted first.
 */
const built = new WeakMap<Psp, StrategiesResult>();

export function buildStrategies(raw: Psp): StrategiesResult {
  // Models are immutable, so a PSP object's strategies are built once.
  let r = built.get(raw);
  if (!r) {
    r = constructStrategies(raw);
    built.set(raw, r);
  }
  return r;
}

function constructStrategies(raw: Psp): StrategiesResult {
  const psp = defaultPsp(raw);
  const errors: string[] = [];
  const pick = <T,>(v: T | string): T | undefined => {
    if (typeof v === 'string') {
      errors.push(v);
      return undefined;
    }
    return v;
  };
  const runAsUser = pick(userStrategy(psp.spec.runAsUser));
  const runAsGroup = pick(groupStrategy('RunAsGroup', psp.spec.runAsGroup, true));
  const seLinux = pick(seLinuxStrategy(psp.spec.seLinux));
  const fsGroup = pick(groupStrategy('FSGroup', psp.spec.fsGroup, false));
  const supplementalGroups = pick(groupStrategy('SupplementalGroups', psp.spec.supplementalGroups, false));
  if (!runAsUser || !runAsGroup || !seLinux || !fsGroup || !supplementalGroups) {
    return { ok: false, error: errors.join(', ') };
  }
  const annotations = psp.metadata.annotations ?? {};
  return {
    ok: true,
    strategies: {
      name: psp.metadata.name,
      spec: psp.spec as Strategies['spec'],
      runAsUser, runAsGroup, fsGroup, supplementalGroups, seLinux,
      seccomp: seccompStrategy(annotations),
      appArmor: appArmorStrategy(annotations),
    },
  };
}

export function inRanges(value: number, ranges: IdRange[]): boolean {
  return ranges.some((r) => value >= r.min && value <= r.max);
}

/** Go's `%v` of []IDRange: `[{1 65535} {70000 70010}]`. */
export function rangesText(ranges: IdRange[]): string {
  return `[${ranges.map((r) => `{${r.min} ${r.max}}`).join(' ')}]`;
}
