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

/**
 * Who a change on a live cluster is made as.
 * - kubeconfig: the kubeconfig's user (running locally: the person is the kubeconfig's owner);
 * - session: only a person signed in with their own bearer token; without one, changes are refused
 *   (the default in a pod, where the dashboard's own service account must never write);
 * - header: the bearer token an auth proxy puts in each request's Authorization header (--auth-header).
 */
export type AuthMode = 'kubeconfig' | 'session' | 'header';

export interface ServerConfig {
  source: SourceChoice;
  readOnly: boolean;
  /** Default: kubeconfig (session when the source is the in-cluster config; see readConfig). */
  auth?: AuthMode;
  /** The API server's PodSecurityConfiguration file (--pod-security-config): exemptions and defaults. */
  podSecurityConfig?: string;
}

export const DEMO_SNAPSHOT = path.join(process.cwd(), 'lib', 'demo', 'eks-cluster.yaml');

function flag(v: string | undefined): boolean {
  return !!v && !['0', 'false', 'no', ''].includes(v.toLowerCase());
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const podSecurityConfig = env.PSPD_POD_SECURITY_CONFIG ? path.resolve(env.PSPD_POD_SECURITY_CONFIG) : undefined;
  return { ...readSourceConfig(env), ...(podSecurityConfig ? { podSecurityConfig } : {}) };
}

function readSourceConfig(env: NodeJS.ProcessEnv): ServerConfig {
  const readOnly = flag(env.PSPD_READ_ONLY);
  if (env.PSPD_SNAPSHOT) return { source: { kind: 'snapshot', path: path.resolve(env.PSPD_SNAPSHOT) }, readOnly };
  if (flag(env.PSPD_DEMO)) return { source: { kind: 'demo', reason: 'asked' }, readOnly };
  const kubeconfig = env.PSPD_KUBECONFIG || undefined;
  const file = kubeconfig ?? findKubeconfig({}, env);
  if (file || inClusterAvailable(env)) {
    // In a pod the dashboard reads as its service account and must never write as it: sign-in.
    const auth: AuthMode = flag(env.PSPD_AUTH_HEADER) ? 'header' : flag(env.PSPD_SIGN_IN) || !file ? 'session' : 'kubeconfig';
    return { source: { kind: 'live', kubeconfig, context: env.PSPD_CONTEXT || undefined }, readOnly, auth };
  }
  return { source: { kind: 'demo', reason: 'no-kubeconfig' }, readOnly };
}

export function authMode(config: ServerConfig): AuthMode {
  return config.auth ?? 'kubeconfig';
}
