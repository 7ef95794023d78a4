/**
 * The API server's PodSecurity configuration (`PodSecurityConfiguration`, given to the apiserver in
 * its `--admission-control-config-file`): defaults for unlabelled modes and the exemptions. A pure
 * parser: YAML or JSON text in, a typed and validated configuration (or the errors) out.
 */
import { parseAllDocuments } from 'yaml';
import { LEVEL_ERROR, parseLevel, parseVersion, VERSION_ERROR, type LevelVersion } from './version';

export interface PssPolicy {
  enforce: LevelVersion;
  audit: LevelVersion;
  warn: LevelVersion;
}

export interface PssExemptions {
  usernames: string[];
  namespaces: string[];
  runtimeClasses: string[];
}

export interface PssConfiguration {
  /** The apiVersion of the PodSecurityConfiguration, or undefined for the built-in default. */
  apiVersion?: string;
  defaults: PssPolicy;
  exemptions: PssExemptions;
}

/** A server without a configuration file: privileged:latest for all three modes, nothing exempt. */
export const DEFAULT_CONFIGURATION: PssConfiguration = {
  defaults: {
    enforce: { level: 'privileged', version: 'latest' },
    audit: { level: 'privileged', version: 'latest' },
    warn: { level: 'privileged', version: 'latest' },
  },
  exemptions: { usernames: [], namespaces: [], runtimeClasses: [] },
};

export const CONFIG_API_VERSIONS = [
  'pod-security.admission.config.k8s.io/v1',
  'pod-security.admission.config.k8s.io/v1beta1',
  'pod-security.admission.config.k8s.io/v1alpha1',
];

export type ParseConfigResult = { ok: true; config: PssConfiguration; warnings: string[] } | { ok: false; errors: string[] };

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Parses a `PodSecurityConfiguration`, either alone or inside the apiserver's
 * `AdmissionConfiguration` (the `PodSecurity` plugin's `configuration`). Unset defaults are
 * `privileged` / `latest`, as the server defaults them. Errors name the field as the server does
 * (`defaults.enforce: Invalid value: "strict": must be one of privileged, baseline, restricted`).
 */
export function parsePodSecurityConfiguration(text: string): ParseConfigResult {
  let docs: unknown[];
  try {
    const parsed = parseAllDocuments(text);
    const list = Array.isArray(parsed) ? parsed : [parsed];
    const errs = list.flatMap((d) => d.errors.map((e) => e.message));
    if (errs.length > 0) return { ok: false, errors: errs.map((e) => `not valid YAML: ${e}`) };
    docs = list.map((d) => d.toJS()).filter((d) => d !== null && d !== undefined);
  } catch (e) {
    return { ok: false, errors: [`not valid YAML: ${(e as Error).message}`] };
  }
  if (docs.length !== 1) return { ok: false, errors: [`expected one document, found ${docs.length}`] };
  let doc = docs[0] as Record<string, unknown>;
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return { ok: false, errors: ['expected a mapping'] };
  const warnings: string[] = [];

  if (doc.kind === 'AdmissionConfiguration') {
    const plugins = Array.isArray(doc.plugins) ? (doc.plugins as Record<string, unknown>[]) : [];
    const plugin = plugins.find((p) => p && p.name === 'PodSecurity');
    if (!plugin) return { ok: false, errors: ['AdmissionConfiguration has no plugin named PodSecurity'] };
    if (plugin.path !== undefined && plugin.configuration === undefined) {
      return { ok: false, errors: [`the PodSecurity configuration is in another file (path: ${String(plugin.path)}): supply that file`] };
    }
    doc = plugin.configuration as Record<string, unknown>;
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return { ok: false, errors: ['plugins[PodSecurity].configuration: expected a mapping'] };
  }

  const errors: string[] = [];
  if (doc.kind !== 'PodSecurityConfiguration') errors.push(`kind: expected PodSecurityConfiguration, got ${JSON.stringify(doc.kind)}`);
  if (typeof doc.apiVersion !== 'string' || !CONFIG_API_VERSIONS.includes(doc.apiVersion)) {
    errors.push(`apiVersion: expected one of ${CONFIG_API_VERSIONS.join(', ')}, got ${JSON.stringify(doc.apiVersion)}`);
  } else if (doc.apiVersion.endsWith('v1alpha1')) {
    warnings.push(`${doc.apiVersion} is not served by v1.25+ API servers (v1 from v1.25, v1beta1 from v1.23)`);
  }

  const defaultsIn = (doc.defaults ?? {}) as Record<string, unknown>;
  if (typeof defaultsIn !== 'object' || Array.isArray(defaultsIn)) errors.push('defaults: expected a mapping');
  const str = (path: string, v: unknown, fallback: string): string => {
    if (v === undefined || v === null || v === '') return fallback;
    if (typeof v !== 'string') {
      errors.push(`${path}: expected a string, got ${JSON.stringify(v)}`);
      return fallback;
    }
    return v;
  };
  const mode = (m: 'enforce' | 'audit' | 'warn'): LevelVersion => {
    const levelText = str(`defaults.${m}`, defaultsIn[m], 'privileged');
    const versionText = str(`defaults.${m}-version`, defaultsIn[`${m}-version`], 'latest');
    const level = parseLevel(levelText);
    const version = parseVersion(versionText);
    if (level.error) errors.push(`defaults.${m}: Invalid value: ${JSON.stringify(levelText)}: ${LEVEL_ERROR}`);
    if (version.error) errors.push(`defaults.${m}-version: Invalid value: ${JSON.stringify(versionText)}: ${VERSION_ERROR}`);
    return { level: level.level ?? 'privileged', version: version.version ?? 'latest' };
  };
  const defaults: PssPolicy = { enforce: mode('enforce'), warn: mode('warn'), audit: mode('audit') };
  for (const k of Object.keys(defaultsIn ?? {})) {
    if (!['enforce', 'enforce-version', 'audit', 'audit-version', 'warn', 'warn-version'].includes(k)) errors.push(`defaults.${k}: unknown field`);
  }

  const exIn = (doc.exemptions ?? {}) as Record<string, unknown>;
  const list = (key: 'usernames' | 'namespaces' | 'runtimeClasses', valid: (s: string) => string | undefined): string[] => {
    const v = exIn?.[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      errors.push(`exemptions.${key}: expected a list`);
      return [];
    }
    const seen = new Set<string>();
    const out: string[] = [];
    v.forEach((item, i) => {
      const path = `exemptions.${key}[${i}]`;
      if (typeof item !== 'string') {
        errors.push(`${path}: expected a string, got ${JSON.stringify(item)}`);
        return;
      }
      const problem = valid(item);
      if (problem) errors.push(`${path}: Invalid value: ${JSON.stringify(item)}: ${problem}`);
      else if (seen.has(item)) errors.push(`${path}: Duplicate value: ${JSON.stringify(item)}`);
      else {
        seen.add(item);
        out.push(item);
      }
    });
    return out;
  };
  const exemptions: PssExemptions = {
    usernames: list('usernames', (s) => (s === '' ? 'username must not be empty' : undefined)),
    namespaces: list('namespaces', (s) => (s.length <= 63 && DNS1123_LABEL.test(s) ? undefined : "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character")),
    runtimeClasses: list('runtimeClasses', (s) => (s.length <= 253 && DNS1123_SUBDOMAIN.test(s) ? undefined : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character")),
  };
  for (const k of Object.keys(exIn ?? {})) {
    if (!['usernames', 'namespaces', 'runtimeClasses'].includes(k)) errors.push(`exemptions.${k}: unknown field`);
  }

  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, config: { apiVersion: doc.apiVersion as string, defaults, exemptions }, warnings };
}
