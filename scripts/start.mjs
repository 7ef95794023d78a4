#!/usr/bin/env node
// npm start [-- --demo | --snapshot PATH | --kubeconfig PATH --context NAME] [--port N] [--host ADDR] [--read-only]
// Builds the app when the sources changed since the last build, then serves it.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = `Usage: npm start -- [options]
  --kubeconfig PATH   kubeconfig to read (default: KUBECONFIG, then ~/.kube/config)
  --context NAME      kubeconfig context (default: its current-context)
  --snapshot PATH     a kubectl -o yaml/json file, or a directory of them (read-only)
  --demo              the bundled demo cluster (also the fallback when no kubeconfig exists)
  --read-only         refuse every change (the auditors' mode)
  --sign-in           make changes only as a person signed in with their own token (the default in a pod)
  --auth-header       make changes as the bearer token an auth proxy puts in each request's Authorization header
  --port N            port (default 3000, or PORT)
  --host ADDR         address to bind (default 127.0.0.1, or HOST)
  --pod-security-config PATH   the API server's PodSecurityConfiguration (or its AdmissionConfiguration
                      file): Pod Security exemptions and defaults, so predictions match the server
Each option also reads an environment variable: PSPD_KUBECONFIG, PSPD_CONTEXT, PSPD_SNAPSHOT,
PSPD_DEMO=1, PSPD_READ_ONLY=1, PSPD_SIGN_IN=1, PSPD_AUTH_HEADER=1, PSPD_POD_SECURITY_CONFIG, PORT, HOST.`;

function parseArgs(argv) {
  const env = {};
  const valueFlags = { '--kubeconfig': 'PSPD_KUBECONFIG', '--context': 'PSPD_CONTEXT', '--snapshot': 'PSPD_SNAPSHOT', '--port': 'PORT', '--host': 'HOST', '--pod-security-config': 'PSPD_POD_SECURITY_CONFIG' };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    if (arg.includes('=')) [arg, value] = [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)];
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg === '--demo') env.PSPD_DEMO = '1';
    else if (arg === '--read-only') env.PSPD_READ_ONLY = '1';
    else if (arg === '--sign-in') env.PSPD_SIGN_IN = '1';
    else if (arg === '--auth-header') env.PSPD_AUTH_HEADER = '1';
    else if (valueFlags[arg]) {
      value ??= argv[++i];
      if (value === undefined || value.startsWith('--')) fail(`${arg} needs a value`);
      env[valueFlags[arg]] = value;
    } else fail(`unknown option ${arg}`);
  }
  return env;
}

function fail(msg) {
  console.error(`psp-dashboard: ${msg}\n\n${USAGE}`);
  process.exit(2);
}

/** A fingerprint of everything that goes into the build; rebuilding is needed when it changes. */
function sourceStamp() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (!e.name.endsWith('.test.ts')) hash.update(`${p}:${statSync(p).mtimeMs}:${statSync(p).size}\n`);
    }
  };
  for (const d of ['app', 'components', 'lib', 'public']) if (existsSync(path.join(root, d))) walk(path.join(root, d));
  for (const f of ['next.config.js', 'package-lock.json', 'postcss.config.mjs', 'tsconfig.json']) {
    const p = path.join(root, f);
    if (existsSync(p)) hash.update(`${f}:${readFileSync(p)}\n`);
  }
  return hash.digest('hex');
}

const env = { ...process.env, ...parseArgs(process.argv.slice(2)) };
const port = Number(env.PORT || 3000);
if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`--port must be a number from 1 to 65535, not ${env.PORT}`);
const host = env.HOST || '127.0.0.1';
if (env.PSPD_SNAPSHOT && !existsSync(env.PSPD_SNAPSHOT)) fail(`snapshot ${env.PSPD_SNAPSHOT} does not exist`);
if (env.PSPD_KUBECONFIG && !existsSync(env.PSPD_KUBECONFIG)) fail(`kubeconfig ${env.PSPD_KUBECONFIG} does not exist`);
if (env.PSPD_POD_SECURITY_CONFIG && !existsSync(env.PSPD_POD_SECURITY_CONFIG)) fail(`pod security configuration ${env.PSPD_POD_SECURITY_CONFIG} does not exist`);

const nextBin = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
const stampFile = path.join(root, '.next', 'psp-dashboard-build-stamp');
const stamp = sourceStamp();
const built = existsSync(path.join(root, '.next', 'BUILD_ID')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp;
if (!built) {
  console.log('psp-dashboard: building (first start, or the sources changed)…');
  const r = spawnSync(process.execPath, [nextBin, 'build'], { cwd: root, stdio: 'inherit', env: { ...env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (r.status !== 0) {
    console.error('psp-dashboard: the build failed; see above.');
    process.exit(r.status ?? 1);
  }
  writeFileSync(stampFile, stamp);
}

const child = spawn(process.execPath, [nextBin, 'start', '-H', host, '-p', String(port)], {
  cwd: root,
  env: { ...env, NEXT_TELEMETRY_DISABLED: '1' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
// The server says what it reads once it has opened it (lib/server/startup.ts: the snapshot, or the
// kubeconfig file and context it resolved); that line becomes the start line, with the address.
let announced = false;
child.stdout.on('data', (chunk) => {
  let text = chunk.toString();
  const reading = announced ? null : /^psp-dashboard: reading (.*)$/m.exec(text);
  if (reading) {
    announced = true;
    const shown = host.includes(':') ? `[${host}]` : host;
    text = text.replace(reading[0], `\nPSP Dashboard is serving ${reading[1]} on http://${shown}:${port}\n`);
  }
  process.stdout.write(text);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
