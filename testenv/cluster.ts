/**
 * Real Kubernetes control planes on loopback for PSP Dashboard's integration tests.
 *
 *   const c = await startCluster({ version: '1.24', controllerManager: true });
 *   ... use c.server, c.tokens, c.kubeconfigPath, c.caData ...
 *   await c.stop();
 *
 * Binaries come from testenv/build.sh (testenv/.bin/, versions from the go.mod files under
 * testenv/go/). Each cluster lives in its own run dir under testenv/.run/ (keys, kubeconfig,
 * etcd data, logs) which stop() removes. Only node: builtins are imported, here and in the
 * modules below, so this runs under vitest, tsx, Playwright and plain node alike:
 *
 *   paths.ts               TESTENV_DIR, BIN_DIR, RUN_DIR
 *   binaries.ts            versions from go.mod, the built binaries, binariesAvailable()
 *   ports.ts               free 127.0.0.1 ports below the ephemeral range
 *   processes.ts           spawn with logs, owned-pid kill, exit hook, crash watchdog
 *   run-state.ts           run dirs and state.json, stale-run cleanup, stopRunDir()
 *   credentials.ts         identities, tokens.csv, the ServiceAccount key
 *   http.ts                requests with the cluster's CA
 *   etcd.ts, apiserver.ts, controller-manager.ts   one component each: flags, start, readiness
 *   fixtures.ts            audit policy; namespaces, ServiceAccounts, RBAC, the dashboard's token
 *   kubeconfig.ts          the run's kubeconfig
 */
import { startApiserver, type Apiserver } from './apiserver';
import { binariesToStart, type ClusterVersion } from './binaries';
import { startControllerManager } from './controller-manager';
import { writeCredentials, type Identity } from './credentials';
import { startEtcd } from './etcd';
import { setUpCluster, type AdminRequest } from './fixtures';
import { doRequest, type ApiResponse } from './http';
import { writeKubeconfig } from './kubeconfig';
import { createRun, type Run } from './run-state';
import type { PodSecurityOptions } from './pod-security';

export { binariesAvailable, componentVersion, type ClusterVersion } from './binaries';
export { IDENTITIES, type Identity } from './credentials';
export { RBAC_NAMES } from './fixtures';
export type { ApiResponse } from './http';
export type { PodSecurityOptions } from './pod-security';
export { BIN_DIR, RUN_DIR, TESTENV_DIR } from './paths';
export { cleanStaleRuns, readRun, stopRunDir, type RunState } from './run-state';

export interface TestCluster {
  version: ClusterVersion;
  /** gitVersion from /version, e.g. "v1.24.17" */
  serverVersion: string;
  /** https://127.0.0.1:PORT */
  server: string;
  /** contexts: admin (current-context), viewer, rbac-manager, restricted-user, dashboard */
  kubeconfigPath: string;
  tokens: Record<Identity, string>;
  /** PEM of the apiserver's self-signed CA (also in the kubeconfig as certificate-authority-data) */
  caData: string;
  /** run dir under testenv/.run/ */
  dir: string;
  /** the apiserver's audit log (JSON lines): Metadata of every write, with its user */
  auditLogPath: string;
  /** whether kube-controller-manager runs */
  controllerManager: boolean;
  /** the apiserver's AdmissionConfiguration (PodSecurity defaults and exemptions), when started with `podSecurity` */
  admissionConfigPath?: string;
  /** kill only kube-apiserver (etcd keeps data, the controller manager keeps retrying) */
  stopApiserver(): Promise<void>;
  /** start kube-apiserver again on the same port and wait for /readyz */
  startApiserver(): Promise<void>;
  /** SIGSTOP kube-apiserver: its sockets stay open (the kernel still accepts connections) and nothing answers */
  freezeApiserver(): void;
  /** SIGCONT it; a no-op when it is not frozen. stop() thaws first. */
  thawApiserver(): void;
  /** everything down, run dir removed */
  stop(): Promise<void>;
  /** Small HTTP client against this cluster: as an identity, JSON in/out. */
  request(identity: Identity, method: string, urlPath: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
}

export interface StartOptions {
  version: ClusterVersion;
  controllerManager?: boolean;
  log?: (s: string) => void;
  /**
   * Keep the processes running after this Node process exits (used by `cli.ts up`): no watchdog,
   * no exit hook. stop() still works, and so does stopDetached(dir).
   */
  persistent?: boolean;
  /** how long to wait for each component to get ready; default 60 s */
  readyTimeoutMs?: number;
  /** PodSecurity admission defaults and exemptions (--admission-control-config-file); default: the built-in configuration */
  podSecurity?: PodSecurityOptions;
}

export async function startCluster(opts: StartOptions): Promise<TestCluster> {
  const t0 = Date.now();
  const log = opts.log ?? (() => {});
  const version = opts.version;
  const readyTimeout = opts.readyTimeoutMs ?? 60_000;
  const withCM = !!opts.controllerManager;
  const bins = binariesToStart(version, withCM);

  const run = await createRun(version, !!opts.persistent, log);
  const creds = writeCredentials(run.file('pki'));
  const { tokens } = creds;

  await startEtcd(run, bins.etcd, readyTimeout, log);
  const apiserver = await startApiserver(run, { version, bin: bins.k8s, creds, readyTimeout, log, podSecurity: opts.podSecurity });
  const admin: AdminRequest = (method, p, body) => doRequest(apiserver.conn, tokens.admin, method, p, body);

  let serverVersion = '';
  try {
    const setUp = await setUpCluster(admin, withCM);
    serverVersion = setUp.serverVersion;
    tokens.dashboard = setUp.dashboardToken;
  } catch (e) {
    return run.fail(`setting up the cluster: ${(e as Error).message}`, 'kube-apiserver');
  }

  const { server, caPem, certFile } = apiserver;
  const kubeconfigPath = writeKubeconfig(run.dir, server, caPem, tokens);
  if (withCM)
    await startControllerManager(run, admin, { bin: bins.k8s, kubeconfigPath, saKeyPath: creds.saKeyPath, certFile, readyTimeout, log });

  Object.assign(run.state, { serverVersion, server, kubeconfigPath });
  run.save();
  log(`testenv: ${version} cluster (${serverVersion}) up in ${Date.now() - t0} ms; kubeconfig ${kubeconfigPath}`);

  return testCluster(run, apiserver, { version, serverVersion, kubeconfigPath, tokens, controllerManager: withCM, log });
}

/** The handle a test gets: the cluster's facts, its HTTP client and its process controls. */
function testCluster(
  run: Run,
  apiserver: Apiserver,
  facts: Pick<TestCluster, 'version' | 'serverVersion' | 'kubeconfigPath' | 'tokens' | 'controllerManager'> & { log: (s: string) => void },
): TestCluster {
  const { log, ...rest } = facts;
  let stopped = false;
  const cluster: TestCluster = {
    ...rest,
    server: apiserver.server,
    caData: apiserver.caPem,
    dir: run.dir,
    auditLogPath: apiserver.auditLogPath,
    ...(apiserver.admissionConfigPath ? { admissionConfigPath: apiserver.admissionConfigPath } : {}),
    request: (identity, method, p, body, headers) => doRequest(apiserver.conn, facts.tokens[identity], method, p, body, headers),
    freezeApiserver: () => apiserver.freeze(),
    thawApiserver: () => apiserver.thaw(),
    stopApiserver: () => apiserver.stop(),
    async startApiserver() {
      if (stopped) throw new Error('testenv: cluster already stopped');
      await apiserver.restart();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      apiserver.thaw();
      await run.stop();
      log(`testenv: cluster ${run.id} stopped`);
    },
  };
  return cluster;
}
