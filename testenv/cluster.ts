/**
 * Real Kubernetes control planes on loopback for PSP Dashboard's integration tests.
 *
 *   const c = await startCluster({ version: '1.24', controllerManager: true });
 *   ... use c.server, c.tokens, c.kubeconfigPath, c.caData ...
 *   await c.stop();
 *
 * Binaries come from testenv/build.sh (testenv/.bin/, versions from the go.mod files under
 * testenv/go/). Each cluster lives in its own run dir under testenv/.run/ (keys, kubeconfig,
 * etcd data, logs) which stop() removes. Only node: builtins are imported, so this runs under
 * vitest, tsx and plain node alike.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export type ClusterVersion = '1.24' | 'current';
export type Identity = 'admin' | 'viewer' | 'rbac-manager' | 'restricted-user' | 'dashboard';
export const IDENTITIES: readonly Identity[] = ['admin', 'viewer', 'rbac-manager', 'restricted-user', 'dashboard'];

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

export interface ApiResponse {
  status: number;
  /** parsed JSON when the body is JSON, else the text */
  body: any;
  text: string;
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
}

// ---------------------------------------------------------------------------------------------
// Paths and binaries

function moduleDir(): string {
  if (process.env.PSP_TESTENV_DIR) return path.resolve(process.env.PSP_TESTENV_DIR);
  try {
    const url = import.meta.url;
    if (url) return path.dirname(fileURLToPath(url));
  } catch {
    /* CommonJS transform without import.meta */
  }
  if (typeof __dirname !== 'undefined') return __dirname;
  return path.resolve(process.cwd(), 'testenv');
}

export const TESTENV_DIR = moduleDir();
export const BIN_DIR = path.join(TESTENV_DIR, '.bin');
export const RUN_DIR = path.join(TESTENV_DIR, '.run');

interface Component {
  /** name used by build.sh */
  target: 'etcd' | 'k8s-1.24' | 'k8s-current';
  /** go module dir under testenv/go */
  goDir: string;
  /** the dependency whose version names the build */
  module: string;
  prefix: string;
  bin: string;
}

const COMPONENTS: Record<Component['target'], Component> = {
  etcd: { target: 'etcd', goDir: 'etcd', module: 'go.etcd.io/etcd/server/v3', prefix: 'etcd', bin: 'etcd' },
  'k8s-1.24': { target: 'k8s-1.24', goDir: 'k8s-1.24', module: 'k8s.io/kubernetes', prefix: 'k8s', bin: 'k8s' },
  'k8s-current': { target: 'k8s-current', goDir: 'k8s-current', module: 'k8s.io/kubernetes', prefix: 'kube-apiserver', bin: 'kube-apiserver' },
};

/** Version of a component as pinned in its go.mod (the same rule build.sh uses). */
export function componentVersion(target: Component['target']): string {
  const c = COMPONENTS[target];
  const gomod = fs.readFileSync(path.join(TESTENV_DIR, 'go', c.goDir, 'go.mod'), 'utf8');
  for (const raw of gomod.split('\n')) {
    const f = raw.trim().split(/\s+/);
    if (f[0] === c.module && /^v\d/.test(f[1] ?? '')) return f[1];
    if (f[0] === 'require' && f[1] === c.module && /^v\d/.test(f[2] ?? '')) return f[2];
  }
  throw new Error(`cannot find ${c.module} in testenv/go/${c.goDir}/go.mod`);
}

function componentBinary(target: Component['target']): { path: string; version: string; built: boolean } {
  const c = COMPONENTS[target];
  const version = componentVersion(target);
  const dir = path.join(BIN_DIR, `${c.prefix}-${version}`);
  const p = path.join(dir, c.bin);
  let built = false;
  try {
    fs.accessSync(p, fs.constants.X_OK);
    built = fs.existsSync(path.join(dir, 'stamp'));
  } catch {
    built = false;
  }
  return { path: p, version, built };
}

function binariesFor(version: ClusterVersion) {
  const etcdOverride = process.env.PSP_TESTENV_ETCD;
  const etcd = etcdOverride
    ? { path: etcdOverride, version: 'override', built: fs.existsSync(etcdOverride) }
    : componentBinary('etcd');
  const k8s = componentBinary(version === '1.24' ? 'k8s-1.24' : 'k8s-current');
  return { etcd, k8s, target: version === '1.24' ? 'k8s-1.24' : 'k8s-current' };
}

/** Whether the binaries for a version are built; `missing` names each with the command that builds it. */
export function binariesAvailable(version: ClusterVersion): { ok: boolean; missing: string[] } {
  const missing: string[] = [];
  try {
    const b = binariesFor(version);
    if (!b.etcd.built) missing.push(`etcd ${b.etcd.version} (${rel(b.etcd.path)}; run testenv/build.sh etcd)`);
    if (!b.k8s.built)
      missing.push(`kube-apiserver ${b.k8s.version} (${rel(b.k8s.path)}; run testenv/build.sh ${b.target})`);
  } catch (e) {
    missing.push(String((e as Error).message ?? e));
  }
  return { ok: missing.length === 0, missing };
}

function rel(p: string): string {
  return path.relative(path.dirname(TESTENV_DIR), p) || p;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A free 127.0.0.1 port below the kernel's ephemeral range (read from
 * /proc/sys/net/ipv4/ip_local_port_range), so that no outgoing connection takes it as its local
 * port while the apiserver is stopped between stopApiserver() and startApiserver().
 */
function portRange(): [number, number] {
  let lo = 32768;
  try {
    lo = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || lo;
  } catch {
    /* not Linux */
  }
  return lo > 12000 ? [10000, lo - 1] : [lo, 65535];
}

function tryListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

async function freePort(): Promise<number> {
  const [lo, hi] = portRange();
  for (let i = 0; i < 200; i++) {
    const port = lo + Math.floor(Math.random() * (hi - lo + 1));
    if (await tryListen(port)) return port;
  }
  throw new Error(`no free 127.0.0.1 port in ${lo}-${hi}`);
}

async function freePorts(n: number): Promise<number[]> {
  const out = new Set<number>();
  while (out.size < n) out.add(await freePort());
  return [...out];
}

function tail(file: string, lines = 30): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.split('\n').slice(-lines - 1).join('\n');
  } catch {
    return '(no log)';
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** /proc/PID/stat start time, to tell a pid from a later process that reuses it. */
function startTime(pid: number): string {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

/** Our children all carry their run dir in their arguments; only such a pid is ever signalled. */
function ownedBy(pid: number, dir: string): boolean {
  return pid > 0 && cmdline(pid).includes(dir);
}

async function waitExit(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!pidAlive(pid) || isZombie(pid)) return true;
    await sleep(50);
  }
  return !pidAlive(pid);
}

function isZombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

async function killOwned(pid: number, dir: string, graceMs = 2000): Promise<void> {
  if (!ownedBy(pid, dir)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  if (await waitExit(pid, graceMs)) return;
  try {
    if (ownedBy(pid, dir)) process.kill(pid, 'SIGKILL');
  } catch {
    /* gone */
  }
  await waitExit(pid, 2000);
}

function killOwnedSync(pid: number, dir: string): void {
  try {
    if (ownedBy(pid, dir)) process.kill(pid, 'SIGKILL');
  } catch {
    /* gone */
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP against the apiserver (node:https with the cluster's CA; no global TLS switches)

interface Conn {
  host: string;
  port: number;
  ca?: string;
}

function doRequest(
  conn: Conn,
  token: string | undefined,
  method: string,
  urlPath: string,
  body?: unknown,
  headers: Record<string, string> = {},
  timeoutMs = 15000,
): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const h: Record<string, string> = { Accept: 'application/json', ...headers };
    if (token) h.Authorization = `Bearer ${token}`;
    if (data !== undefined) {
      h['Content-Type'] ??= method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
      h['Content-Length'] = String(Buffer.byteLength(data));
    }
    const req = https.request(
      {
        host: conn.host,
        port: conn.port,
        method,
        path: urlPath,
        headers: h,
        ca: conn.ca,
        // Before the CA is read (first /readyz poll) the connection is not verified.
        rejectUnauthorized: conn.ca !== undefined,
        agent: false,
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          if ((res.headers['content-type'] ?? '').includes('json')) {
            try {
              parsed = JSON.parse(text);
            } catch {
              /* keep text */
            }
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${method} ${urlPath}`)));
    req.on('error', reject);
    if (data !== undefined) req.write(data);
    req.end();
  });
}

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

// ---------------------------------------------------------------------------------------------
// Run-dir bookkeeping: every run dir has state.json with the owner pid and the children's pids,
// so a later start (or the watchdog) can clean up after a crashed test process.

interface RunState {
  version: ClusterVersion;
  serverVersion?: string;
  server?: string;
  kubeconfigPath?: string;
  persistent: boolean;
  owner: { pid: number; start: string };
  pids: Record<string, number>;
  watchdogPid?: number;
  ports?: { etcdClient: number; etcdPeer: number; apiserver: number };
  createdAt: string;
}

function readState(dir: string): RunState | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8')) as RunState;
  } catch {
    return undefined;
  }
}

function writeState(dir: string, st: RunState): void {
  const tmp = path.join(dir, 'state.json.tmp');
  fs.writeFileSync(tmp, JSON.stringify(st, null, 2));
  fs.renameSync(tmp, path.join(dir, 'state.json'));
  // plain pid files for the shell watchdog
  const pidDir = path.join(dir, 'pids');
  fs.mkdirSync(pidDir, { recursive: true });
  for (const f of fs.readdirSync(pidDir)) if (!(f.replace(/\.pid$/, '') in st.pids)) fs.rmSync(path.join(pidDir, f), { force: true });
  for (const [name, pid] of Object.entries(st.pids)) fs.writeFileSync(path.join(pidDir, `${name}.pid`), String(pid));
}

function ownerAlive(st: RunState): boolean {
  return pidAlive(st.owner.pid) && startTime(st.owner.pid) === st.owner.start;
}

/** Kill the processes of a run dir (only pids whose command line names that dir) and remove it. */
export async function stopRunDir(dir: string): Promise<void> {
  const st = readState(dir);
  if (st) {
    if (st.watchdogPid && ownedBy(st.watchdogPid, dir)) {
      try {
        process.kill(st.watchdogPid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    // controller manager and apiserver (whose graceful shutdown can take many seconds while
    // watches are open: 2 s, then SIGKILL) before etcd
    const { etcd, ...rest } = st.pids;
    await Promise.all(Object.values(rest).map((pid) => killOwned(pid, dir)));
    if (etcd) await killOwned(etcd, dir, 5000);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Remove run dirs left behind by test processes that died without stop(). */
export async function cleanStaleRuns(log?: (s: string) => void): Promise<void> {
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(RUN_DIR);
  } catch {
    return;
  }
  for (const name of entries) {
    const dir = path.join(RUN_DIR, name);
    if (!fs.statSync(dir).isDirectory()) continue;
    const st = readState(dir);
    if (st?.persistent) {
      // a CLI cluster: stale only when none of its processes runs any more
      if (Object.values(st.pids).some((p) => ownedBy(p, dir))) continue;
    } else if (st && ownerAlive(st)) continue;
    else if (!st) {
      // a dir being set up right now has no state yet; give it a minute
      const age = Date.now() - fs.statSync(dir).mtimeMs;
      if (age < 60_000) continue;
    }
    log?.(`testenv: removing stale run ${name}`);
    await stopRunDir(dir);
  }
}

// Clusters of this process, killed synchronously on exit.
const live = new Set<{ dir: string; pids: () => number[] }>();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of live) {
      for (const pid of c.pids()) killOwnedSync(pid, c.dir);
      try {
        fs.rmSync(c.dir, { recursive: true, force: true });
      } catch {
        /* best effort */
      }
    }
  });
}

/**
 * A detached shell that outlives a crash of this process: when the owner pid is gone it kills the
 * pids listed in DIR/pids (only those whose command line names DIR) and removes DIR.
 */
function startWatchdog(dir: string, ownerPid: number): number | undefined {
  const script = `
owner=$1; dir=$2
while kill -0 "$owner" 2>/dev/null; do sleep 1; done
[ -d "$dir" ] || exit 0
killall_owned() {
  for f in "$dir"/pids/*.pid; do
    [ -f "$f" ] || continue
    p=$(cat "$f")
    if tr '\\0' ' ' < /proc/$p/cmdline 2>/dev/null | grep -qF -- "$dir"; then kill -"$1" "$p" 2>/dev/null; fi
  done
}
killall_owned TERM; sleep 3; killall_owned KILL; sleep 0.5
rm -rf "$dir"
`;
  const child = spawn('sh', ['-c', script, 'testenv-watchdog', String(ownerPid), dir], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  return child.pid;
}

// ---------------------------------------------------------------------------------------------
// Kubeconfig and RBAC

function kubeconfigYaml(server: string, caPem: string, tokens: Record<Identity, string>): string {
  const ca = Buffer.from(caPem).toString('base64');
  const ns: Partial<Record<Identity, string>> = { 'restricted-user': 'team-a', dashboard: 'psp-dashboard' };
  const lines = [
    'apiVersion: v1',
    'kind: Config',
    'preferences: {}',
    'clusters:',
    '- name: psp-test',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${ca}`,
    'users:',
    ...IDENTITIES.flatMap((id) => [`- name: ${id}`, '  user:', `    token: ${tokens[id]}`]),
    'contexts:',
    ...IDENTITIES.flatMap((id) => [
      `- name: ${id}`,
      '  context:',
      '    cluster: psp-test',
      `    user: ${id}`,
      ...(ns[id] ? [`    namespace: ${ns[id]}`] : []),
    ]),
    'current-context: admin',
    '',
  ];
  return lines.join('\n');
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const READ = ['get', 'list', 'watch'];

/** API groups served by 1.24 and current apart from `policy` (used for "list on all but PSPs"). */
const NON_POLICY_GROUPS = [
  '',
  'apps',
  'batch',
  'autoscaling',
  'extensions',
  'networking.k8s.io',
  RBAC_GROUP,
  'storage.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'admissionregistration.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'node.k8s.io',
  'scheduling.k8s.io',
  'certificates.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'internal.apiserver.k8s.io',
  'resource.k8s.io',
  'storagemigration.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
];

/** Names of the RBAC objects this environment creates (tests may bind the grant roles). */
export const RBAC_NAMES = {
  viewerRole: 'psp-dashboard:viewer',
  /** list on policy/podsecuritypolicies, deliberately NOT bound to viewer */
  listPspRole: 'psp-dashboard:list-podsecuritypolicies',
  rbacManagerRole: 'psp-dashboard:rbac-manager',
  restrictedUserRole: 'psp-dashboard:restricted-user',
  dashboardRole: 'psp-dashboard:dashboard',
  restrictedNamespace: 'team-a',
  dashboardNamespace: 'psp-dashboard',
  dashboardServiceAccount: 'dashboard',
} as const;

/** Metadata of every write (who, verb, object, dry run or not); reads are not logged. */
const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: Metadata
  verbs: [create, update, patch, delete, deletecollection]
- level: None
`;

function clusterRole(name: string, rules: object[]) {
  return { apiVersion: `${RBAC_GROUP}/v1`, kind: 'ClusterRole', metadata: { name, labels: { 'psp-dashboard/testenv': 'true' } }, rules };
}

function userSubject(name: string) {
  return { kind: 'User', apiGroup: RBAC_GROUP, name };
}

function binding(kind: 'ClusterRoleBinding' | 'RoleBinding', name: string, roleKind: 'ClusterRole' | 'Role', role: string, subjects: object[], namespace?: string) {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}), labels: { 'psp-dashboard/testenv': 'true' } },
    roleRef: { apiGroup: RBAC_GROUP, kind: roleKind, name: role },
    subjects,
  };
}

// ---------------------------------------------------------------------------------------------
// startCluster

export async function startCluster(opts: StartOptions): Promise<TestCluster> {
  const t0 = Date.now();
  const log = opts.log ?? (() => {});
  const version = opts.version;
  const readyTimeout = opts.readyTimeoutMs ?? 60_000;
  const avail = binariesAvailable(version);
  if (!avail.ok) {
    throw new Error(`testenv: binaries for ${version} are not built: ${avail.missing.join('; ')}`);
  }
  const bins = binariesFor(version);
  const withCM = !!opts.controllerManager;
  if (withCM && version !== '1.24') {
    throw new Error('testenv: controllerManager is only built for 1.24');
  }

  fs.mkdirSync(RUN_DIR, { recursive: true });
  await cleanStaleRuns(log);

  const id = `${version === '1.24' ? 'v124' : 'current'}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const dir = path.join(RUN_DIR, id);
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'pki'), { recursive: true, mode: 0o700 });

  const [etcdClient, etcdPeer, apiPort] = await freePorts(3);
  const server = `https://127.0.0.1:${apiPort}`;
  const state: RunState = {
    version,
    persistent: !!opts.persistent,
    owner: { pid: process.pid, start: startTime(process.pid) },
    pids: {},
    ports: { etcdClient, etcdPeer, apiserver: apiPort },
    createdAt: new Date().toISOString(),
  };
  writeState(dir, state);
  if (!opts.persistent) state.watchdogPid = startWatchdog(dir, process.pid);
  writeState(dir, state);

  const procs: Record<string, ChildProcess | undefined> = {};
  const liveEntry = { dir, pids: () => Object.values(state.pids) };
  if (!opts.persistent) {
    installExitHook();
    live.add(liveEntry);
  }

  const spawnLogged = (name: string, bin: string, args: string[]): ChildProcess => {
    const logFile = path.join(dir, 'logs', `${name}.log`);
    const fd = fs.openSync(logFile, 'a');
    const child = spawn(bin, args, { stdio: ['ignore', fd, fd], detached: true, cwd: dir });
    fs.closeSync(fd);
    child.unref();
    child.on('error', (e) => fs.appendFileSync(logFile, `\n[testenv] spawn error: ${e.message}\n`));
    procs[name] = child;
    if (child.pid) state.pids[name] = child.pid;
    writeState(dir, state);
    return child;
  };

  const fail = async (msg: string, logName?: string): Promise<never> => {
    const detail = logName ? `\n--- last lines of ${logName}.log (the run dir ${dir} is removed) ---\n${tail(path.join(dir, 'logs', logName + '.log'))}` : '';
    await stopRunDir(dir).catch(() => {});
    live.delete(liveEntry);
    throw new Error(`testenv: ${msg}${detail}`);
  };

  // --- keys, tokens
  const saKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const saKeyPath = path.join(dir, 'pki', 'sa.key');
  const saPubPath = path.join(dir, 'pki', 'sa.pub');
  fs.writeFileSync(saKeyPath, saKey.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  fs.writeFileSync(saPubPath, saKey.publicKey.export({ type: 'spki', format: 'pem' }));

  const tok = () => randomBytes(24).toString('hex');
  const tokens: Record<Identity, string> = { admin: tok(), viewer: tok(), 'rbac-manager': tok(), 'restricted-user': tok(), dashboard: '' };
  const tokenFile = path.join(dir, 'pki', 'tokens.csv');
  fs.writeFileSync(
    tokenFile,
    [
      `${tokens.admin},admin,uid-admin,"system:masters"`,
      `${tokens.viewer},viewer,uid-viewer,"psp-dashboard:viewers"`,
      `${tokens['rbac-manager']},rbac-manager,uid-rbac-manager,"psp-dashboard:rbac-managers"`,
      `${tokens['restricted-user']},restricted-user,uid-restricted-user,"psp-dashboard:restricted-users"`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );

  // --- etcd
  const etcdDir = path.join(dir, 'etcd');
  const etcdArgs = [
    '--name=testenv',
    `--data-dir=${etcdDir}`,
    `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
    `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
    `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
    `--initial-cluster=testenv=http://127.0.0.1:${etcdPeer}`,
    '--initial-cluster-state=new',
    '--log-level=warn',
  ];
  if (!process.env.PSP_TESTENV_ETCD) etcdArgs.push('--unsafe-no-fsync');
  const tEtcd = Date.now();
  const etcd = spawnLogged('etcd', bins.etcd.path, etcdArgs);
  {
    const end = Date.now() + readyTimeout;
    for (;;) {
      if (etcd.exitCode !== null) return fail(`etcd exited with code ${etcd.exitCode}`, 'etcd');
      try {
        const r = await httpGet(etcdClient, '/health');
        if (r.status === 200 && r.text.includes('"true"')) break;
      } catch {
        /* not up yet */
      }
      if (Date.now() > end) return fail(`etcd not healthy after ${readyTimeout} ms`, 'etcd');
      await sleep(100);
    }
  }
  log(`testenv: etcd ${bins.etcd.version} ready on 127.0.0.1:${etcdClient} in ${Date.now() - tEtcd} ms`);

  // --- kube-apiserver
  const certDir = path.join(dir, 'pki', 'serving');
  const auditPolicyPath = path.join(dir, 'pki', 'audit-policy.yaml');
  const auditLogPath = path.join(dir, 'logs', 'audit.log');
  fs.writeFileSync(auditPolicyPath, AUDIT_POLICY);
  const apiArgs = [
    ...(version === '1.24' ? ['kube-apiserver'] : []),
    `--etcd-servers=http://127.0.0.1:${etcdClient}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${apiPort}`,
    `--cert-dir=${certDir}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${saPubPath}`,
    `--service-account-signing-key-file=${saKeyPath}`,
    `--token-auth-file=${tokenFile}`,
    '--authorization-mode=RBAC',
    '--allow-privileged=true',
    '--service-cluster-ip-range=10.0.0.0/24',
    '--profiling=false',
    // nothing on loopback answers for a `kubernetes` Service endpoint; don't publish one
    '--endpoint-reconciler-type=none',
    ...(version === '1.24' ? ['--enable-admission-plugins=PodSecurityPolicy'] : []),
    // Who wrote what: tests check that a change made through the dashboard is the signed-in person's.
    `--audit-policy-file=${auditPolicyPath}`,
    `--audit-log-path=${auditLogPath}`,
    '--audit-log-format=json',
    '--audit-log-mode=blocking',
  ];
  const conn: Conn = { host: '127.0.0.1', port: apiPort };

  const waitReady = async (child: ChildProcess, what: string): Promise<void> => {
    const end = Date.now() + readyTimeout;
    let last = '';
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`kube-apiserver exited (${child.exitCode ?? child.signalCode}) while ${what}`);
      try {
        const r = await doRequest(conn, tokens.admin, 'GET', '/readyz', undefined, {}, 3000);
        if (r.status === 200) return;
        last = `/readyz ${r.status}: ${r.text.split('\n').filter((l) => l.includes('[-]')).join(' ')}`;
      } catch (e) {
        last = (e as Error).message;
      }
      if (Date.now() > end) throw new Error(`kube-apiserver not ready after ${readyTimeout} ms while ${what} (last: ${last})`);
      await sleep(200);
    }
  };

  const launchApiserver = async (what: string) => {
    const t = Date.now();
    const child = spawnLogged('kube-apiserver', bins.k8s.path, apiArgs);
    await waitReady(child, what);
    log(`testenv: kube-apiserver ${bins.k8s.version} ready on ${server} in ${Date.now() - t} ms (${what})`);
    return child;
  };

  try {
    await launchApiserver('starting');
  } catch (e) {
    return fail((e as Error).message, 'kube-apiserver');
  }

  // The serving certificate the apiserver generated: apiserver.crt holds the leaf and its CA.
  const certFile = path.join(certDir, 'apiserver.crt');
  const caPem = fs.readFileSync(certFile, 'utf8');
  conn.ca = caPem;

  const api = (identity: Identity, method: string, p: string, body?: unknown, headers?: Record<string, string>) =>
    doRequest(conn, tokens[identity], method, p, body, headers);

  const must = async (method: string, p: string, body?: unknown, okStatus: number[] = [200, 201]) => {
    const r = await doRequest(conn, tokens.admin, method, p, body);
    if (!okStatus.includes(r.status)) throw new Error(`${method} ${p}: ${r.status} ${r.text.slice(0, 500)}`);
    return r;
  };
  const create = (p: string, body: unknown) => must('POST', p, body, [200, 201, 409]);

  let serverVersion = '';
  try {
    serverVersion = (await must('GET', '/version')).body.gitVersion;

    // --- namespaces, service accounts, RBAC
    // /readyz can answer before the apiserver's own controller has created `default` and
    // `kube-system` (seen in CI: 404 on default's ServiceAccounts); creating them is harmless (409).
    for (const ns of ['default', 'kube-system', RBAC_NAMES.restrictedNamespace, RBAC_NAMES.dashboardNamespace])
      await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await create(`/api/v1/namespaces/${RBAC_NAMES.dashboardNamespace}/serviceaccounts`, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: RBAC_NAMES.dashboardServiceAccount },
    });
    if (!withCM) {
      // Without the controller manager nobody creates `default` ServiceAccounts, and the
      // ServiceAccount admission plugin rejects pods whose account is missing.
      for (const ns of ['default', RBAC_NAMES.restrictedNamespace, RBAC_NAMES.dashboardNamespace])
        await create(`/api/v1/namespaces/${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
    }

    const crPath = `/apis/${RBAC_GROUP}/v1/clusterroles`;
    const crbPath = `/apis/${RBAC_GROUP}/v1/clusterrolebindings`;
    await create(
      crPath,
      clusterRole(RBAC_NAMES.viewerRole, [
        { apiGroups: ['*'], resources: ['*'], verbs: ['get', 'watch'] },
        { apiGroups: NON_POLICY_GROUPS, resources: ['*'], verbs: ['list'] },
        // everything in `policy` except podsecuritypolicies
        { apiGroups: ['policy'], resources: ['poddisruptionbudgets', 'poddisruptionbudgets/status', 'evictions'], verbs: ['list'] },
        { nonResourceURLs: ['*'], verbs: ['get'] },
      ]),
    );
    await create(crPath, clusterRole(RBAC_NAMES.listPspRole, [{ apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['list'] }]));
    await create(
      crPath,
      clusterRole(RBAC_NAMES.rbacManagerRole, [
        { apiGroups: ['*'], resources: ['*'], verbs: READ },
        { nonResourceURLs: ['*'], verbs: ['get'] },
        {
          apiGroups: [RBAC_GROUP],
          resources: ['clusterroles', 'clusterrolebindings', 'roles', 'rolebindings'],
          verbs: ['create', 'update', 'patch', 'delete', 'get', 'list', 'watch'],
        },
      ]),
    );
    await create(
      crPath,
      clusterRole(RBAC_NAMES.restrictedUserRole, [
        { apiGroups: [''], resources: ['pods'], verbs: ['create', 'get', 'list', 'watch', 'update', 'patch', 'delete'] },
        {
          apiGroups: ['apps'],
          resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'],
          verbs: ['create', 'get', 'list', 'watch', 'update', 'patch', 'delete'],
        },
        { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: ['create', 'get', 'list', 'watch', 'update', 'patch', 'delete'] },
      ]),
    );
    await create(
      crPath,
      clusterRole(RBAC_NAMES.dashboardRole, [
        { apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: READ },
        { apiGroups: [RBAC_GROUP], resources: ['clusterroles', 'clusterrolebindings', 'roles', 'rolebindings'], verbs: READ },
        { apiGroups: [''], resources: ['serviceaccounts', 'namespaces', 'pods'], verbs: READ },
        { apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'daemonsets', 'statefulsets'], verbs: READ },
        { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: READ },
        // Who a signed-in person is: the system:auth-delegator way, as the in-cluster dashboard does.
        { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      ]),
    );
    await create(crbPath, binding('ClusterRoleBinding', RBAC_NAMES.viewerRole, 'ClusterRole', RBAC_NAMES.viewerRole, [userSubject('viewer')]));
    await create(
      crbPath,
      binding('ClusterRoleBinding', RBAC_NAMES.rbacManagerRole, 'ClusterRole', RBAC_NAMES.rbacManagerRole, [userSubject('rbac-manager')]),
    );
    await create(
      `/apis/${RBAC_GROUP}/v1/namespaces/${RBAC_NAMES.restrictedNamespace}/rolebindings`,
      binding('RoleBinding', RBAC_NAMES.restrictedUserRole, 'ClusterRole', RBAC_NAMES.restrictedUserRole, [userSubject('restricted-user')], RBAC_NAMES.restrictedNamespace),
    );
    await create(
      crbPath,
      binding('ClusterRoleBinding', RBAC_NAMES.dashboardRole, 'ClusterRole', RBAC_NAMES.dashboardRole, [
        { kind: 'ServiceAccount', name: RBAC_NAMES.dashboardServiceAccount, namespace: RBAC_NAMES.dashboardNamespace },
      ]),
    );

    // --- the dashboard's own identity: a real ServiceAccount token (TokenRequest, one year)
    const tr = await must('POST', `/api/v1/namespaces/${RBAC_NAMES.dashboardNamespace}/serviceaccounts/${RBAC_NAMES.dashboardServiceAccount}/token`, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: 365 * 24 * 3600 },
    });
    tokens.dashboard = tr.body.status.token;
  } catch (e) {
    return fail(`setting up the cluster: ${(e as Error).message}`, 'kube-apiserver');
  }

  const kubeconfigPath = path.join(dir, 'kubeconfig');
  fs.writeFileSync(kubeconfigPath, kubeconfigYaml(server, caPem, tokens), { mode: 0o600 });

  // --- kube-controller-manager (1.24 only)
  if (withCM) {
    const t = Date.now();
    spawnLogged('kube-controller-manager', bins.k8s.path, [
      'kube-controller-manager',
      `--kubeconfig=${kubeconfigPath}`,
      '--use-service-account-credentials=true',
      `--service-account-private-key-file=${saKeyPath}`,
      `--root-ca-file=${certFile}`,
      '--bind-address=127.0.0.1',
      '--secure-port=0',
      `--cert-dir=${path.join(dir, 'pki', 'kcm')}`,
      '--leader-elect=false',
      // no nodes, no cloud, no volumes: only the workload, service-account and RBAC controllers
      '--controllers=*,-nodeipam,-nodelifecycle,-cloud-node-lifecycle,-route,-service,-attachdetach,-persistentvolume-binder,-persistentvolume-expander,-pv-protection,-pvc-protection,-ttl,-csrsigning,-csrapproving,-csrcleaner,-ephemeral-volume',
      '--concurrent-deployment-syncs=5',
      '--concurrent-replicaset-syncs=5',
    ]);
    const end = Date.now() + readyTimeout;
    for (;;) {
      const child = procs['kube-controller-manager']!;
      if (child.exitCode !== null) return fail(`kube-controller-manager exited with code ${child.exitCode}`, 'kube-controller-manager');
      const r = await doRequest(conn, tokens.admin, 'GET', '/api/v1/namespaces/default/serviceaccounts/default').catch(() => undefined);
      if (r?.status === 200) break;
      if (Date.now() > end) return fail(`kube-controller-manager created no default ServiceAccount within ${readyTimeout} ms`, 'kube-controller-manager');
      await sleep(200);
    }
    log(`testenv: kube-controller-manager running (default ServiceAccount after ${Date.now() - t} ms)`);
  }

  Object.assign(state, { serverVersion, server, kubeconfigPath });
  writeState(dir, state);
  log(`testenv: ${version} cluster (${serverVersion}) up in ${Date.now() - t0} ms; kubeconfig ${kubeconfigPath}`);

  let stopped = false;
  let frozen = 0;
  const cluster: TestCluster = {
    version,
    serverVersion,
    server,
    kubeconfigPath,
    tokens,
    caData: caPem,
    dir,
    auditLogPath,
    controllerManager: withCM,
    request: api,
    freezeApiserver() {
      const pid = state.pids['kube-apiserver'];
      if (!pid || !ownedBy(pid, dir)) throw new Error('testenv: kube-apiserver is not running');
      process.kill(pid, 'SIGSTOP');
      frozen = pid;
      log('testenv: kube-apiserver frozen (SIGSTOP)');
    },
    thawApiserver() {
      if (frozen && ownedBy(frozen, dir)) process.kill(frozen, 'SIGCONT');
      if (frozen) log('testenv: kube-apiserver thawed (SIGCONT)');
      frozen = 0;
    },
    async stopApiserver() {
      cluster.thawApiserver();
      const pid = state.pids['kube-apiserver'];
      if (pid) await killOwned(pid, dir);
      delete state.pids['kube-apiserver'];
      writeState(dir, state);
      log('testenv: kube-apiserver stopped');
    },
    async startApiserver() {
      if (stopped) throw new Error('testenv: cluster already stopped');
      const pid = state.pids['kube-apiserver'];
      if (pid && ownedBy(pid, dir)) return; // already running
      const deadline = Date.now() + 10_000;
      // the port may linger a moment after the old process died
      for (;;) {
        try {
          await launchApiserver('restarting');
          return;
        } catch (e) {
          const msg = (e as Error).message;
          const logTail = tail(path.join(dir, 'logs', 'kube-apiserver.log'), 40);
          if (/address already in use/.test(logTail) && Date.now() < deadline) {
            await sleep(500);
            continue;
          }
          throw new Error(`testenv: ${msg}\n--- last lines of kube-apiserver.log ---\n${logTail}`);
        }
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      cluster.thawApiserver();
      await stopRunDir(dir);
      live.delete(liveEntry);
      log(`testenv: cluster ${id} stopped`);
    },
  };
  return cluster;
}

/**
 * Attach to a running persistent cluster by its run dir (for `cli.ts down`); returns undefined
 * when the state file is missing.
 */
export function readRun(dir: string): RunState | undefined {
  return readState(dir);
}
