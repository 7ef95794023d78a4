/**
 * Pod Security levels and policy versions, parsed the way the PodSecurity admission plugin
 * (k8s.io/pod-security-admission/api) parses namespace labels and configuration values.
 */

export type PssLevel = 'privileged' | 'baseline' | 'restricted';
export const PSS_LEVELS: readonly PssLevel[] = ['privileged', 'baseline', 'restricted'];

/** `latest` or `v1.N` exactly as written (the plugin prints the label's value, unclamped). */
export type PssVersion = 'latest' | `v1.${number}`;

export interface LevelVersion {
  level: PssLevel;
  version: PssVersion;
}

/** The newest policy version whose checks this engine knows (the checks of kube-apiserver v1.37). */
export const NEWEST_KNOWN_MINOR = 37;

/** The plugin's own error texts. */
export const LEVEL_ERROR = 'must be one of privileged, baseline, restricted';
export const VERSION_ERROR = 'must be "latest" or "v1.x"';

const VERSION_RE = /^v1\.([0-9]|[1-9][0-9]*)$/;

export function isLevel(value: string): value is PssLevel {
  return value === 'privileged' || value === 'baseline' || value === 'restricted';
}

export function parseLevel(value: string): { level: PssLevel; error?: undefined } | { level?: undefined; error: string } {
  return isLevel(value) ? { level: value } : { error: LEVEL_ERROR };
}

export function parseVersion(value: string): { version: PssVersion; error?: undefined } | { version?: undefined; error: string } {
  if (value === 'latest') return { version: 'latest' };
  const m = VERSION_RE.exec(value);
  // Go's strconv.Atoi fails beyond int64: such a minor is refused like a malformed one.
  if (!m || !Number.isSafeInteger(Number(m[1]))) return { error: VERSION_ERROR };
  return { version: `v1.${Number(m[1])}` };
}

/** The minor of a pinned version; Infinity for `latest` (newer than every version, as in the plugin). */
export function versionMinor(version: PssVersion): number {
  return version === 'latest' ? Infinity : Number(version.slice(3));
}

/**
 * The minor of a server's gitVersion (`v1.24.17` → 24, `1.30+` → 30). Throws on anything else.
 */
export function serverMinorOf(gitVersion: string): number {
  const m = /^v?1\.(\d+)/.exec(gitVersion.trim());
  if (!m) throw new Error(`not a Kubernetes version: ${JSON.stringify(gitVersion)}`);
  return Number(m[1]);
}

/**
 * The policy version a server actually evaluates for `version`: the plugin clamps anything newer
 * than the newest check version it knows (`latest` included) to that version. This engine knows up
 * to v1.37; a newer server is treated as v1.37 (its new checks, if any, are unknown here).
 */
export function effectiveMinor(version: PssVersion, serverMinor: number = NEWEST_KNOWN_MINOR): number {
  return Math.min(versionMinor(version), serverMinor, NEWEST_KNOWN_MINOR);
}

export function formatLevelVersion(lv: LevelVersion): string {
  return `${lv.level}:${lv.version}`;
}

/** -1, 0, 1 like api.CompareLevels. */
export function compareLevels(a: PssLevel, b: PssLevel): number {
  return Math.sign(PSS_LEVELS.indexOf(a) - PSS_LEVELS.indexOf(b));
}
