/**
 * The apiserver's PodSecurity admission configuration (--admission-control-config-file): defaults
 * for unlabelled namespaces and the exemptions (usernames, namespaces, runtime classes), written as
 * the AdmissionConfiguration file the apiserver reads. v1.24 knows PodSecurityConfiguration
 * v1beta1; v1.25+ v1. The same file is what the dashboard takes with --pod-security-config.
 */
import * as fs from 'node:fs';
import type { ClusterVersion } from './binaries';

type Mode = 'enforce' | 'audit' | 'warn';

export interface PodSecurityOptions {
  /** e.g. { enforce: 'baseline', 'enforce-version': 'v1.24' }; unset modes stay privileged:latest. */
  defaults?: Partial<Record<Mode | `${Mode}-version`, string>>;
  exemptions?: { usernames?: string[]; namespaces?: string[]; runtimeClasses?: string[] };
}

export function admissionConfiguration(version: ClusterVersion, opts: PodSecurityOptions): object {
  return {
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'AdmissionConfiguration',
    plugins: [{
      name: 'PodSecurity',
      configuration: {
        apiVersion: `pod-security.admission.config.k8s.io/${version === '1.24' ? 'v1beta1' : 'v1'}`,
        kind: 'PodSecurityConfiguration',
        defaults: { ...opts.defaults },
        exemptions: { usernames: [], namespaces: [], runtimeClasses: [], ...opts.exemptions },
      },
    }],
  };
}

/** Writes the file (JSON, which is YAML too) and returns the apiserver flag that reads it. */
export function writeAdmissionConfiguration(file: string, version: ClusterVersion, opts: PodSecurityOptions): string {
  fs.writeFileSync(file, `${JSON.stringify(admissionConfiguration(version, opts), null, 2)}\n`);
  return `--admission-control-config-file=${file}`;
}
