/** etcd for one cluster: data in <run dir>/etcd, client and peer on 127.0.0.1. */
import * as http from 'node:http';
import type { Binary } from './binaries';
import { sleep } from './processes';
import type { Run } from './run-state';

function httpGet(port: number, urlPath: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, timeout: 2000, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

function etcdArgs(run: Run): string[] {
  const { etcdClient, etcdPeer } = run.ports;
  const args = [
    '--name=testenv',
    `--data-dir=${run.file('etcd')}`,
    `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
    `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
    `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
    `--initial-cluster=testenv=http://127.0.0.1:${etcdPeer}`,
    '--initial-cluster-state=new',
    '--log-level=warn',
  ];
  // an override (e.g. Debian's etcd 3.4) may not know the flag
  if (!process.env.PSP_TESTENV_ETCD) args.push('--unsafe-no-fsync');
  return args;
}

/** Start etcd and wait for /health; run.fail (with etcd.log) when it exits or times out. */
export async function startEtcd(run: Run, bin: Binary, readyTimeout: number, log: (s: string) => void): Promise<void> {
  const { etcdClient } = run.ports;
  const tEtcd = Date.now();
  const etcd = run.spawn('etcd', bin.path, etcdArgs(run));
  const end = Date.now() + readyTimeout;
  for (;;) {
    if (etcd.exitCode !== null) return run.fail(`etcd exited with code ${etcd.exitCode}`, 'etcd');
    try {
      const r = await httpGet(etcdClient, '/health');
      if (r.status === 200 && r.text.includes('"true"')) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > end) return run.fail(`etcd not healthy after ${readyTimeout} ms`, 'etcd');
    await sleep(100);
  }
  log(`testenv: etcd ${bin.version} ready on 127.0.0.1:${etcdClient} in ${Date.now() - tEtcd} ms`);
}
