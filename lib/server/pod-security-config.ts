import 'server-only';
import { readFileSync, statSync } from 'node:fs';
import { AppError } from '../errors';
import { DEFAULT_CONFIGURATION, parsePodSecurityConfiguration, type PssConfiguration } from '../pss/config';
import { getConfig, startSource } from './sources/registry';
import type { ClusterSource } from './sources/source';

let cached: { path: string; stamp: string; config: PssConfiguration } | undefined;

/**
 * The API server's PodSecurity configuration as given with --pod-security-config (exemptions and
 * defaults), read again when the file changes; the built-in default without one. A file that
 * cannot be read or parsed is an error naming it: predictions without it would be wrong. The file
 * is the start context's API server's: another context's cluster is judged with the default.
 */
export function podSecurityConfiguration(source: ClusterSource): PssConfiguration {
  const file = getConfig().podSecurityConfig;
  if (!file || source !== startSource()) return DEFAULT_CONFIGURATION;
  let text: string;
  let stamp: string;
  try {
    const s = statSync(file);
    stamp = `${s.mtimeMs}:${s.size}`;
    if (cached?.path === file && cached.stamp === stamp) return cached.config;
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new AppError('not_ready', `The Pod Security configuration ${file} (--pod-security-config) cannot be read: ${(e as Error).message}`);
  }
  const parsed = parsePodSecurityConfiguration(text);
  if (!parsed.ok) throw new AppError('not_ready', `The Pod Security configuration ${file} (--pod-security-config) is invalid: ${parsed.errors.join('; ')}`);
  cached = { path: file, stamp, config: parsed.config };
  return parsed.config;
}
