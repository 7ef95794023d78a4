/**
 * The children of a cluster: spawned detached with their logs in <run dir>/logs/, signalled only
 * when their command line names their run dir (pid reuse is harmless), SIGKILLed by an exit hook
 * when this process exits, and by a detached shell watchdog when it dies hard.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The last lines of a log file, or "(no log)". */
export function tail(file: string, lines = 30): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.split('\n').slice(-lines - 1).join('\n');
  } catch {
    return '(no log)';
  }
}

export function pidAlive(pid: number): boolean {
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
export function startTime(pid: number): string {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

/** Our children all carry their run dir in their arguments; only such a pid is ever signalled. */
export function ownedBy(pid: number, dir: string): boolean {
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

/** SIGTERM, graceMs, SIGKILL; only a pid whose command line names dir. */
export async function killOwned(pid: number, dir: string, graceMs = 2000): Promise<void> {
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

/** Start a component detached (own process group) in dir, stdout and stderr to dir/logs/<name>.log. */
export function spawnLogged(dir: string, name: string, bin: string, args: string[]): ChildProcess {
  const logFile = path.join(dir, 'logs', `${name}.log`);
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(bin, args, { stdio: ['ignore', fd, fd], detached: true, cwd: dir });
  fs.closeSync(fd);
  child.unref();
  child.on('error', (e) => fs.appendFileSync(logFile, `\n[testenv] spawn error: ${e.message}\n`));
  return child;
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

/** On exit of this process, SIGKILL pids() (those naming dir) and remove dir; returns the undo. */
export function killOnExit(dir: string, pids: () => number[]): () => void {
  const entry = { dir, pids };
  installExitHook();
  live.add(entry);
  return () => live.delete(entry);
}

/**
 * A detached shell that outlives a crash of this process: when the owner pid is gone it kills the
 * pids listed in DIR/pids (only those whose command line names DIR) and removes DIR.
 */
export function startWatchdog(dir: string, ownerPid: number): number | undefined {
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
