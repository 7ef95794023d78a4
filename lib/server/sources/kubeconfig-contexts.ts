import 'server-only';
import { KubeConfig } from '@kubernetes/client-node';
import { AppError } from '../../errors';

/** One context of a kubeconfig, by names only: no server URL, no credential ever leaves this module. */
export interface KubeconfigContext {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
}

export interface KubeconfigContexts {
  /** The file's current-context (what kubectl would use). */
  current?: string;
  contexts: KubeconfigContext[];
}

/** The contexts a kubeconfig file names. An unreadable file is a source_error naming it. */
export function readKubeconfigContexts(file: string): KubeconfigContexts {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(file);
  } catch (e) {
    throw new AppError('source_error', `Cannot read kubeconfig ${file}: ${(e as Error).message}`);
  }
  const contexts = kc.getContexts().map((c) => ({ name: c.name, cluster: c.cluster, user: c.user, ...(c.namespace ? { namespace: c.namespace } : {}) }));
  return { current: kc.getCurrentContext() || undefined, contexts };
}
