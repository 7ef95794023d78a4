/**
 * Start or stop a long-running test cluster for trying the dashboard by hand.
 *
 *   tsx testenv/cli.ts up [--version 1.24|current] [--controller-manager] [--no-build]
 *   tsx testenv/cli.ts down
 *   tsx testenv/cli.ts status
 *
 * `up` builds missing binaries (testenv/build.sh), starts etcd + kube-apiserver (and optionally
 * kube-controller-manager) detached from this process, records the run in
 * testenv/.run/current.json and exits; `down` stops that cluster and removes its run dir.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { binariesAvailable, readRun, RUN_DIR, startCluster, stopRunDir, TESTENV_DIR, type ClusterVersion } from './cluster';

const CURRENT = path.join(RUN_DIR, 'current.json');
/** a stable copy of the running cluster's kubeconfig */
const KUBECONFIG = path.join(RUN_DIR, 'kubeconfig');

interface Current {
  dir: string;
  version: ClusterVersion;
  serverVersion: string;
  server: string;
  kubeconfigPath: string;
  controllerManager: boolean;
  startedAt: string;
}

function readCurrent(): Current | undefined {
  try {
    return JSON.parse(fs.readFileSync(CURRENT, 'utf8')) as Current;
  } catch {
    return undefined;
  }
}

function running(cur: Current): boolean {
  const st = readRun(cur.dir);
  if (!st) return false;
  const pid = st.pids['kube-apiserver'];
  if (!pid) return false;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(cur.dir);
  } catch {
    return false;
  }
}

function usage(code: number): never {
  console.error(
    'usage: tsx testenv/cli.ts up [--version 1.24|current] [--controller-manager] [--no-build]\n' +
      '       tsx testenv/cli.ts down\n' +
      '       tsx testenv/cli.ts status',
  );
  process.exit(code);
}

function printHowTo(cur: Current): void {
  const repo = path.dirname(TESTENV_DIR);
  const kcPath = fs.existsSync(KUBECONFIG) ? KUBECONFIG : cur.kubeconfigPath;
  const kc = path.relative(process.cwd(), kcPath) || kcPath;
  console.log(`
Cluster ${cur.version} (${cur.serverVersion}) is up at ${cur.server}${cur.controllerManager ? ' with kube-controller-manager' : ''}.

  kubeconfig: ${kcPath}
  contexts:   admin (current), viewer, rbac-manager, restricted-user, dashboard

Point the dashboard at it:
  npm start -- --kubeconfig ${kc}
  (or KUBECONFIG=${kcPath}; the 'dashboard' context is the dashboard's own ServiceAccount)

With kubectl, if you have one:  kubectl --kubeconfig ${kc} --context viewer get pods -A
Logs: ${path.join(cur.dir, 'logs')}
Stop it: npm run cluster:down   (run from ${repo})
`);
}

async function up(args: string[]): Promise<void> {
  let version: ClusterVersion = '1.24';
  let controllerManager = false;
  let build = true;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--version') {
      const v = args[++i];
      if (v !== '1.24' && v !== 'current') usage(2);
      version = v;
    } else if (a.startsWith('--version=')) {
      const v = a.slice('--version='.length);
      if (v !== '1.24' && v !== 'current') usage(2);
      version = v;
    } else if (a === '--controller-manager') controllerManager = true;
    else if (a === '--no-build') build = false;
    else usage(2);
  }

  const cur = readCurrent();
  if (cur && running(cur)) {
    console.error(`A test cluster is already running (run 'npm run cluster:down' first to replace it).`);
    printHowTo(cur);
    return;
  }
  if (cur) {
    await stopRunDir(cur.dir).catch(() => {});
    fs.rmSync(CURRENT, { force: true });
    fs.rmSync(KUBECONFIG, { force: true });
  }

  const avail = binariesAvailable(version);
  if (!avail.ok) {
    if (!build) {
      console.error(`Missing binaries: ${avail.missing.join('; ')}`);
      process.exit(1);
    }
    const targets = ['etcd', version === '1.24' ? 'k8s-1.24' : 'k8s-current'];
    console.error(`Building ${targets.join(', ')} first (testenv/build.sh; a cold build takes many minutes)...`);
    const r = spawnSync('bash', [path.join(TESTENV_DIR, 'build.sh'), ...targets], { stdio: 'inherit' });
    if (r.status !== 0) {
      console.error('testenv/build.sh failed; see above.');
      process.exit(1);
    }
  }

  const t = Date.now();
  const c = await startCluster({ version, controllerManager, persistent: true, log: (s) => console.error(s) });
  const info: Current = {
    dir: c.dir,
    version,
    serverVersion: c.serverVersion,
    server: c.server,
    kubeconfigPath: c.kubeconfigPath,
    controllerManager,
    startedAt: new Date().toISOString(),
  };
  fs.copyFileSync(c.kubeconfigPath, KUBECONFIG);
  fs.chmodSync(KUBECONFIG, 0o600);
  fs.writeFileSync(CURRENT, JSON.stringify(info, null, 2));
  console.error(`started in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  printHowTo(info);
}

async function down(): Promise<void> {
  const cur = readCurrent();
  if (!cur) {
    console.log('No test cluster recorded in testenv/.run/current.json; nothing to stop.');
    return;
  }
  await stopRunDir(cur.dir);
  fs.rmSync(CURRENT, { force: true });
  fs.rmSync(KUBECONFIG, { force: true });
  console.log(`Stopped the ${cur.version} test cluster (${cur.server}) and removed ${cur.dir}.`);
}

function status(): void {
  const cur = readCurrent();
  if (!cur) {
    console.log('No test cluster recorded.');
    process.exitCode = 1;
    return;
  }
  if (!running(cur)) {
    console.log(`Recorded cluster ${cur.server} is not running (run 'npm run cluster:down' to clean up).`);
    process.exitCode = 1;
    return;
  }
  printHowTo(cur);
}

const [cmd, ...rest] = process.argv.slice(2);
const main = async () => {
  switch (cmd) {
    case 'up':
      await up(rest);
      break;
    case 'down':
      await down();
      break;
    case 'status':
      status();
      break;
    default:
      usage(cmd ? 2 : 0);
  }
};
main().then(
  () => process.exit(process.exitCode ?? 0),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
