import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A second server on the same build, in another mode, with an empty HOME (no kubeconfig of the
 * machine's). `logFile` keeps its stdout and stderr (the credential-leak scan reads them).
 */
export async function serve(port: number, args: string[], opts: { logFile?: string; timeoutMs?: number } = {}): Promise<ChildProcess> {
  const log = opts.logFile ? openSync(opts.logFile, 'a') : 'ignore';
  const child = spawn(process.execPath, ['scripts/start.mjs', '--port', String(port), ...args], {
    stdio: ['ignore', log, log],
    env: { ...process.env, HOME: mkdtempSync(path.join(tmpdir(), 'pspd-home-')) },
  });
  // The default allows a start on a current build; a caller that may have to build first waits longer.
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/v1/csrf`)).ok) return child;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill();
  throw new Error(`server on ${port} did not start`);
}
