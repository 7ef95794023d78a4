import 'server-only';
import path from 'node:path';
import { findKubeconfig, inClusterAvailable } from './kube/connection';

/**
 * What the server was asked to show, from the environment that scripts/start.mjs sets from its flags
 * (--kubeconfig, --context, --snapshot, --demo, --read-only). Only this module reads process.env.
 */
export type SourceChoice =
  | { kind: 'live'; kubeconfig?: string; context?: string }
  | { kind: 'snapshot'; path: string }
  | { kind: 'demo'; reason: 'asked' | 'no-kubeconfig' };

export interface ServerConfig {
  source: SourceChoice;
  readOnly: boolean;
}

export const DEMO_SNAPSHOT = path.join(process.cwd(), 'lib', 'demo', 'eks-cluster.yaml');

function flag(v: string | undefined): boolean {
  return !!v && !['0', 'false', 'no', ''].includes(v.toLowerCase());
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const readOnly = flag(env.PSPD_READ_ONLY);
  if (env.PSPD_SNAPSHOT) return { source: { kind: 'snapshot', path: path.resolve(env.PSPD_SNAPSHOT) }, readOnly };
  if (flag(env.PSPD_DEMO)) return { source: { kind: 'demo', reason: 'asked' }, readOnly };
  const kubeconfig = env.PSPD_KUBECONFIG || undefined;
  if (kubeconfig || findKubeconfig({}, env) || inClusterAvailable(env)) {
    return { source: { kind: 'live', kubeconfig, context: env.PSPD_CONTEXT || undefined }, readOnly };
  }
  return { source: { kind: 'demo', reason: 'no-kubeconfig' }, readOnly };
}
