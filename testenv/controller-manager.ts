/**
 * kube-controller-manager (1.24 only): the workload, service-account and RBAC controllers, with
 * the run's kubeconfig (admin context) and one ServiceAccount credential per controller.
 */
import type { Binary } from './binaries';
import type { AdminRequest } from './fixtures';
import { sleep } from './processes';
import type { Run } from './run-state';

interface ControllerManagerOptions {
  bin: Binary;
  kubeconfigPath: string;
  saKeyPath: string;
  /** the apiserver's serving certificate, as the root CA handed to pods */
  certFile: string;
  readyTimeout: number;
  log: (s: string) => void;
}

/** Start it and wait until it has created the `default/default` ServiceAccount; run.fail otherwise. */
export async function startControllerManager(run: Run, admin: AdminRequest, opts: ControllerManagerOptions): Promise<void> {
  const { readyTimeout } = opts;
  const t = Date.now();
  const child = run.spawn('kube-controller-manager', opts.bin.path, [
    'kube-controller-manager',
    `--kubeconfig=${opts.kubeconfigPath}`,
    '--use-service-account-credentials=true',
    `--service-account-private-key-file=${opts.saKeyPath}`,
    `--root-ca-file=${opts.certFile}`,
    '--bind-address=127.0.0.1',
    '--secure-port=0',
    `--cert-dir=${run.file('pki', 'kcm')}`,
    '--leader-elect=false',
    // no nodes, no cloud, no volumes: only the workload, service-account and RBAC controllers
    '--controllers=*,-nodeipam,-nodelifecycle,-cloud-node-lifecycle,-route,-service,-attachdetach,-persistentvolume-binder,-persistentvolume-expander,-pv-protection,-pvc-protection,-ttl,-csrsigning,-csrapproving,-csrcleaner,-ephemeral-volume',
    '--concurrent-deployment-syncs=5',
    '--concurrent-replicaset-syncs=5',
  ]);
  const end = Date.now() + readyTimeout;
  for (;;) {
    if (child.exitCode !== null) return run.fail(`kube-controller-manager exited with code ${child.exitCode}`, 'kube-controller-manager');
    const r = await admin('GET', '/api/v1/namespaces/default/serviceaccounts/default').catch(() => undefined);
    if (r?.status === 200) break;
    if (Date.now() > end) return run.fail(`kube-controller-manager created no default ServiceAccount within ${readyTimeout} ms`, 'kube-controller-manager');
    await sleep(200);
  }
  opts.log(`testenv: kube-controller-manager running (default ServiceAccount after ${Date.now() - t} ms)`);
}
