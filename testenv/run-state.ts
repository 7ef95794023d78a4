/**
 * Run dirs: every cluster lives in testenv/.run/<id>/ (keys, kubeconfig, etcd data, logs) with a
 * state.json naming the owner pid and the children's pids, so a later start (or the watchdog) can
 * clean up after a crashed test process.
 */
import { type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ClusterVersion } from './binaries';
import { RUN_DIR } from './paths';
import { freePorts } from './ports';
import { killOnExit, killOwned, ownedBy, pidAlive, spawnLogged, startTime, startWatchdog, tail } from './processes';

export interface RunState {
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

export function writeState(dir: string, st: RunState): void {
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

/**
 * Attach to a running persistent cluster by its run dir (for `cli.ts down`); returns undefined
 * when the state file is missing.
 */
export function readRun(dir: string): RunState | undefined {
  return readState(dir);
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

/** One cluster's run dir while this process owns it. */
export interface Run {
  id: string;
  dir: string;
  state: RunState;
  ports: { etcdClient: number; etcdPeer: number; apiserver: number };
  /** path inside the run dir */
  file(...parts: string[]): string;
  /** spawnLogged, with the pid recorded in state.json and pids/ */
  spawn(name: string, bin: string, args: string[]): ChildProcess;
  /** update state.json (and pids/) */
  save(): void;
  /** remove the run dir (processes killed) and throw `testenv: msg` with the tail of logs/<logName>.log */
  fail(msg: string, logName?: string): Promise<never>;
  /** stopRunDir and forget it in the exit hook */
  stop(): Promise<void>;
}

/**
 * Remove stale runs, make a new run dir with logs/ and pki/, pick its three ports, write its state
 * and (unless persistent) start its watchdog and register it with the exit hook.
 */
export async function createRun(version: ClusterVersion, persistent: boolean, log: (s: string) => void): Promise<Run> {
  fs.mkdirSync(RUN_DIR, { recursive: true });
  await cleanStaleRuns(log);

  const id = `${version === '1.24' ? 'v124' : 'current'}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const dir = path.join(RUN_DIR, id);
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'pki'), { recursive: true, mode: 0o700 });

  const [etcdClient, etcdPeer, apiPort] = await freePorts(3);
  const ports = { etcdClient, etcdPeer, apiserver: apiPort };
  const state: RunState = {
    version,
    persistent,
    owner: { pid: process.pid, start: startTime(process.pid) },
    pids: {},
    ports,
    createdAt: new Date().toISOString(),
  };
  writeState(dir, state);
  if (!persistent) state.watchdogPid = startWatchdog(dir, process.pid);
  writeState(dir, state);
  const forget = persistent ? () => {} : killOnExit(dir, () => Object.values(state.pids));

  const run: Run = {
    id,
    dir,
    state,
    ports,
    file: (...parts) => path.join(dir, ...parts),
    spawn(name, bin, args) {
      const child = spawnLogged(dir, name, bin, args);
      if (child.pid) state.pids[name] = child.pid;
      writeState(dir, state);
      return child;
    },
    save: () => writeState(dir, state),
    async fail(msg, logName) {
      const detail = logName ? `\n--- last lines of ${logName}.log (the run dir ${dir} is removed) ---\n${tail(path.join(dir, 'logs', logName + '.log'))}` : '';
      await stopRunDir(dir).catch(() => {});
      forget();
      throw new Error(`testenv: ${msg}${detail}`);
    },
    async stop() {
      await stopRunDir(dir);
      forget();
    },
  };
  return run;
}
