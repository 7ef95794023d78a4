import 'server-only';
import { isAppError } from '../errors';
import type { ServerConfig } from './config';
import type { ClusterSource } from './sources/source';

/**
 * What the terminal says when the server starts: which cluster it reads (the kubeconfig file and
 * context, or the snapshot), and any reason it cannot — a broken snapshot or kubeconfig stops the
 * server with the error (line and column for YAML); an API server that does not answer is said
 * loudly, and the dashboard keeps trying (the pages say so too).
 */

export function describeSource(source: ClusterSource, config: ServerConfig): string {
  const conn = source.connection?.().info;
  if (conn) {
    return conn.inCluster
      ? `the cluster it runs in, as its service account (API server ${conn.server})`
      : `context "${conn.context}" of kubeconfig ${conn.kubeconfigPath} (API server ${conn.server})`;
  }
  switch (config.source.kind) {
    case 'snapshot':
      return `snapshot ${config.source.path}`;
    case 'demo':
      return config.source.reason === 'asked' ? 'the bundled demo cluster' : 'the bundled demo cluster (no kubeconfig was found)';
    case 'live':
      return `${config.source.context ? `context "${config.source.context}"` : 'the current context'} of kubeconfig ${config.source.kubeconfig ?? '(the default)'}`;
  }
}

export interface StartupLog {
  log(line: string): void;
  error(line: string): void;
}

/**
 * Reads the source once. Returns false when the server cannot show anything until it is started
 * again (a snapshot or kubeconfig it cannot read); a live cluster's first read goes on in the
 * background and reports when it fails.
 */
export async function checkSourceAtStart(source: ClusterSource, config: ServerConfig, out: StartupLog = console): Promise<boolean> {
  out.log(`psp-dashboard: reading ${describeSource(source, config)}${config.readOnly ? ', read-only' : ''}`);
  const first = source.readModel().then(
    (model) => ({ ok: true as const, model }),
    (e: unknown) => ({ ok: false as const, message: isAppError(e) ? e.message : String((e as Error)?.message ?? e), code: isAppError(e) ? e.code : 'internal' }),
  );
  const fatal = source.info().name === 'unavailable' || config.source.kind !== 'live';
  if (!fatal) {
    void first.then((r) => {
      if (r.ok) out.log(`psp-dashboard: read ${r.model.psps.length} PodSecurityPolicies and ${r.model.clusterRoleBindings.length + r.model.roleBindings.length} bindings from the cluster`);
      else out.error(`psp-dashboard: ERROR: ${r.message}\npsp-dashboard: the dashboard keeps trying; its pages show this error until the cluster answers.`);
    });
    return true;
  }
  const r = await first;
  if (r.ok) return true;
  out.error(`psp-dashboard: ERROR: ${r.message}\npsp-dashboard: nothing can be shown; fix it and start again.`);
  return false;
}
