// Server modules: for Vitest only (it maps 'server-only' to an empty module; Playwright does not).
import { startCluster, type ClusterVersion, type StartOptions, type TestCluster } from '../testenv/cluster';
import { KubeConnection } from '../lib/server/kube/connection';
import { LiveSource } from '../lib/server/sources/live';
import { setSourceForTests } from '../lib/server/sources/registry';
import type { RawObject } from '../lib/sources/to-model';
import { createObjects } from './support';

/**
 * A real cluster with `objects` created in it, and the dashboard's live source reading it as the
 * kubeconfig context `context`, installed as the process's source for the route handlers.
 */
export async function startLiveDashboard(version: ClusterVersion, context: string, objects: RawObject[], start: Omit<StartOptions, 'version'> = {}): Promise<{ cluster: TestCluster; live: LiveSource; close: () => Promise<void> }> {
  const cluster = await startCluster({ ...start, version });
  await createObjects(cluster, objects);
  const live = new LiveSource(KubeConnection.load({ kubeconfig: cluster.kubeconfigPath, context }), false);
  // The dashboard knows the apiserver's PodSecurity configuration when it has one (--pod-security-config).
  setSourceForTests(live, { source: { kind: 'live' }, readOnly: false, ...(cluster.admissionConfigPath ? { podSecurityConfig: cluster.admissionConfigPath } : {}) });
  await live.start();
  return { cluster, live, close: async () => { live.close(); await cluster.stop(); } };
}
