#!/usr/bin/env node
// npm run image: the dashboard as an OCI image archive in dist/, without a container engine.
//
// 1. Copies the working tree (tracked and untracked-but-not-ignored files; node_modules hard-linked)
//    to a temporary directory and runs `next build` there with PSPD_IMAGE_BUILD=1, which makes
//    next.config.js ask for `output: 'standalone'`. The repository's own .next/, tsconfig.json and
//    next-env.d.ts are never touched, so `npm start` and the browser tests keep their build.
// 2. Layer 1, the runtime: this process's Node binary (process.execPath) at /usr/local/bin/node and
//    the shared libraries `ldd` lists for it, from the Debian packages of the installed versions
//    (apt-get download, dpkg-deb -x); /etc/passwd and /etc/group with nonroot 65532; /tmp (1777).
//    No shell, no package manager, no CA bundle.
// 3. Layer 2, the app at /app: .next/standalone (server.js, the traced node_modules), .next/static,
//    public/ and lib/demo/eks-cluster.yaml; no source maps, type declarations, READMEs or caches.
// 4. dist/psp-dashboard-<version>.oci.tar: OCI layout (oci-layout, index.json, blobs/sha256) and a
//    docker-load manifest.json. Every tar entry sorted, mtime SOURCE_DATE_EPOCH (default: the last
//    commit's time), owner 0:0, gzip without name or time.
//
// Environment: SOURCE_DATE_EPOCH, PSPD_IMAGE_TAG (default: package.json version),
// PSPD_IMAGE_FROM=<git revision> (build that commit's tree, `git archive`, instead of the working
// tree; SOURCE_DATE_EPOCH then defaults to its commit time), PSPD_IMAGE_KEEP_STAGE=1 (keep the
// build directory). The build directory has a fixed path ($TMPDIR/psp-dashboard-image-build):
// Next writes it into server.js and required-server-files.json, so a random one would make every
// build differ. One image build at a time per machine (a pid file guards it).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLayer, writeArchive } from './oci.mjs';
import { baseEntries, runtimeEntries } from './runtime.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const NAME = 'psp-dashboard';
const TAG = process.env.PSPD_IMAGE_TAG || pkg.version;
const UID = 65532;
const GID = 65532;
const dist = path.join(root, 'dist');
const archive = path.join(dist, `${NAME}-${TAG}.oci.tar`);

const t0 = Date.now();
const since = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const log = (s) => console.log(`image: ${s}`);
const git = (...args) => {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
};

const FROM = process.env.PSPD_IMAGE_FROM || '';
if (FROM && !git('rev-parse', '--verify', '--quiet', `${FROM}^{commit}`)) throw new Error(`PSPD_IMAGE_FROM=${FROM} is not a commit`);
const epoch = Number(process.env.SOURCE_DATE_EPOCH || git('log', '-1', '--format=%ct', FROM || 'HEAD') || 0);
if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`SOURCE_DATE_EPOCH must be a whole number of seconds, not ${process.env.SOURCE_DATE_EPOCH}`);
const created = new Date(epoch * 1000).toISOString().replace(/\.000Z$/, 'Z');
const revision = git('rev-parse', FROM ? `${FROM}^{commit}` : 'HEAD');
const dirty = !FROM && git('status', '--porcelain') !== '';
const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch];
if (!arch || process.platform !== 'linux') throw new Error(`npm run image builds a linux/amd64 or linux/arm64 image from the running Node; this is ${process.platform}/${process.arch}`);

// ── 1. next build (standalone) in a copy of the working tree ──────────────────────────────────
function stageProject() {
  const stage = path.join(os.tmpdir(), 'psp-dashboard-image-build');
  const pidFile = `${stage}.pid`;
  if (existsSync(pidFile)) {
    const other = Number(readFileSync(pidFile, 'utf8'));
    let running = false;
    try {
      running = other !== process.pid && process.kill(other, 0);
    } catch {
      running = false;
    }
    if (running) throw new Error(`another npm run image (pid ${other}) is using ${stage}`);
  }
  writeFileSync(pidFile, String(process.pid));
  process.on('exit', () => rmSync(pidFile, { force: true }));
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  if (FROM) {
    const tarball = execFileSync('git', ['archive', '--format=tar', FROM], { cwd: root, maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', stage], { input: tarball });
    return { stage, copied: Number(execFileSync('git', ['ls-tree', '-r', '--name-only', FROM], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean).length), ...linkModules(stage) };
  }
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  let copied = 0;
  for (const rel of listed) {
    const src = path.join(root, rel);
    const st = lstatSync(src, { throwIfNoEntry: false });
    if (!st || st.isDirectory()) continue; // deleted in the working tree, or a submodule
    const dst = path.join(stage, rel);
    mkdirSync(path.dirname(dst), { recursive: true });
    if (st.isSymbolicLink()) execFileSync('ln', ['-s', readlinkSync(src), dst]);
    else copyFileSync(src, dst);
    copied++;
  }
  return { stage, copied, ...linkModules(stage) };
}

function linkModules(stage) {
  // node_modules: hard links when /tmp is on the same file system (fast, no space), else a copy.
  // Nothing in a build writes into node_modules; a hard-linked file is never modified in place here.
  const nm = path.join(root, 'node_modules');
  if (!existsSync(nm)) throw new Error('node_modules is missing: run npm ci first');
  const r = spawnSync('cp', ['-al', nm, path.join(stage, 'node_modules')], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) {
    rmSync(path.join(stage, 'node_modules'), { recursive: true, force: true });
    execFileSync('cp', ['-a', nm, path.join(stage, 'node_modules')]);
  }
  return {};
}

log(`${NAME}:${TAG}, ${FROM ? `the tree of ${FROM} (${revision.slice(0, 12)})` : `the working tree at ${revision.slice(0, 12) || 'no commit'}${dirty ? ' with uncommitted changes' : ''}`}, mtime ${created}`);
const { stage, copied } = stageProject();
log(`staged ${copied} files in ${stage} (${since()})`);
const tBuild = Date.now();
const build = spawnSync(process.execPath, [path.join(stage, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], {
  cwd: stage,
  stdio: 'inherit',
  env: { ...process.env, PSPD_IMAGE_BUILD: '1', NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
});
if (build.status !== 0) {
  console.error(`image: next build failed (exit ${build.status ?? build.signal}); the staged copy is kept at ${stage}`);
  process.exit(1);
}
const nextBuildSeconds = (Date.now() - tBuild) / 1000;
log(`next build (standalone) took ${nextBuildSeconds.toFixed(1)} s`);

// ── 2. the app layer ───────────────────────────────────────────────────────────────────────────
const standalone = path.join(stage, '.next', 'standalone');
if (!existsSync(path.join(standalone, 'server.js'))) throw new Error(`no ${standalone}/server.js: did next.config.js set output: 'standalone' for PSPD_IMAGE_BUILD=1?`);

/** Whether the app renders through next/image or next/og, the only users of sharp (libvips, ~19 MiB). */
const usesImageOptimizer = ['app', 'components', 'lib'].some((d) => {
  const r = spawnSync('grep', ['-rlE', `from ['"]next/(image|og|legacy/image)['"]`, path.join(stage, d)], { encoding: 'utf8' });
  return r.stdout.trim() !== '';
});

/** What the standalone server never reads. */
function dropped(rel) {
  const base = path.basename(rel);
  if (!usesImageOptimizer && /^node_modules\/(sharp|@img)(\/|$)/.test(rel)) return true;
  if (/\.(map|d\.ts|d\.mts|d\.cts|tsbuildinfo)$/.test(base)) return true;
  if (/^(readme|changelog|history|contributing|authors|code_of_conduct|security)(\.(md|markdown|txt))?$/i.test(base)) return true;
  if (/\.(md|markdown)$/i.test(base) && !/^licen[cs]e/i.test(base)) return true;
  if (rel.split('/').some((seg) => seg === '.cache' || seg === '__tests__' || seg === '.github')) return true;
  if (rel.startsWith('.next/cache/') || rel === '.next/cache') return true;
  return false;
}

const appEntries = [];
const droppedStats = { files: 0, bytes: 0 };
function addTree(srcDir, destPrefix, { filter = true } = {}) {
  const walk = (dir, rel) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      const abs = path.join(dir, e.name);
      if (filter && dropped(r)) {
        if (e.isFile()) {
          droppedStats.files++;
          droppedStats.bytes += statSync(abs).size;
        } else if (e.isDirectory()) {
          const du = spawnSync('du', ['-sb', abs], { encoding: 'utf8' });
          droppedStats.bytes += Number(du.stdout.split('\t')[0]) || 0;
        }
        continue;
      }
      const dest = `${destPrefix}/${r}`;
      if (e.isDirectory()) {
        appEntries.push({ path: dest, type: 'dir', mode: 0o755 });
        walk(abs, r);
      } else if (e.isSymbolicLink()) appEntries.push({ path: dest, type: 'symlink', mode: 0o777, linkname: readlinkSync(abs) });
      else if (e.isFile()) {
        const mode = statSync(abs).mode & 0o111 ? 0o755 : 0o644;
        appEntries.push({ path: dest, type: 'file', mode, data: readFileSync(abs) });
      }
    }
  };
  walk(srcDir, '');
}
addTree(standalone, 'app');
addTree(path.join(stage, '.next', 'static'), 'app/.next/static');
if (existsSync(path.join(stage, 'public'))) addTree(path.join(stage, 'public'), 'app/public');
const demo = 'lib/demo/eks-cluster.yaml';
if (!appEntries.some((e) => e.path === `app/${demo}`)) appEntries.push({ path: `app/${demo}`, type: 'file', mode: 0o644, data: readFileSync(path.join(stage, demo)) });
const buildId = readFileSync(path.join(stage, '.next', 'BUILD_ID'), 'utf8').trim();
const dirModes = { tmp: 0o1777 };
const tApp = Date.now();
const appLayer = buildLayer(appEntries, { mtime: epoch, dirModes });
log(`app layer: ${appLayer.entries} entries, ${mib(appLayer.uncompressedSize)} → ${mib(appLayer.size)} gzip (${((Date.now() - tApp) / 1000).toFixed(1)} s); left out ${droppedStats.files}+ files, ${mib(droppedStats.bytes)}`);

// ── 3. the runtime layer ───────────────────────────────────────────────────────────────────────
const cacheDir = path.join(dist, '.cache', 'debs');
const runtime = runtimeEntries({ cacheDir, log });
const runtimeLayer = buildLayer([...runtime.entries, ...baseEntries({ uid: UID, gid: GID })], { mtime: epoch, dirModes });
log(`runtime layer: node ${process.version} + ${runtime.describe.libraries.length} libraries from ${runtime.describe.packages.map((p) => `${p.name} ${p.version}`).join(', ')}: ${mib(runtimeLayer.uncompressedSize)} → ${mib(runtimeLayer.size)} gzip`);

// ── 4. config, manifest, index, archive ────────────────────────────────────────────────────────
const imageConfig = {
  User: `${UID}:${GID}`,
  Env: [
    'PATH=/usr/local/bin',
    'HOME=/tmp',
    'NODE_ENV=production',
    'NEXT_TELEMETRY_DISABLED=1',
    'HOSTNAME=0.0.0.0',
    'HOST=0.0.0.0',
    'PORT=3000',
  ],
  Entrypoint: ['/usr/local/bin/node', '/app/server.js'],
  WorkingDir: '/app',
  ExposedPorts: { '3000/tcp': {} },
  StopSignal: 'SIGTERM',
};
const labels = {
  'org.opencontainers.image.title': NAME,
  'org.opencontainers.image.description': pkg.description,
  'org.opencontainers.image.version': TAG,
  'org.opencontainers.image.created': created,
  ...(revision ? { 'org.opencontainers.image.revision': revision + (dirty ? '-dirty' : '') } : {}),
  'org.opencontainers.image.base.name': 'scratch',
  'io.psp-dashboard.next.build-id': buildId,
  'io.psp-dashboard.runtime.node': `${runtime.describe.node.version} from ${runtime.describe.node.path} (${runtime.describe.node.package}), sha256:${runtime.describe.node.sha256}`,
  'io.psp-dashboard.runtime.debian-packages': runtime.describe.packages.map((p) => `${p.name}=${p.version} sha256:${p.sha256}`).join(' '),
};
const history = [
  { created, created_by: `scripts/image/runtime.mjs: node ${process.version} (${runtime.describe.node.package}), ${runtime.describe.libraries.join(', ')}; /etc/passwd, /etc/group (nonroot ${UID}), /tmp`, comment: 'runtime' },
  { created, created_by: `scripts/image/build.mjs: next build (output standalone), .next/static, public, ${demo} at /app`, comment: 'app' },
];
mkdirSync(dist, { recursive: true });
const layers = [runtimeLayer, appLayer];
const out = writeArchive(archive, { name: NAME, tag: TAG, created, mtime: epoch, layers, imageConfig, labels, history, architecture: arch });

const summary = {
  archive: path.relative(root, archive),
  ref: `${NAME}:${TAG}`,
  manifestDigest: out.manifestDigest,
  configDigest: out.configDigest,
  archiveBytes: statSync(archive).size,
  compressedLayersBytes: layers.reduce((n, l) => n + l.size, 0),
  uncompressedRootfsBytes: layers.reduce((n, l) => n + l.uncompressedSize, 0),
  layers: layers.map((l, i) => ({ name: ['runtime', 'app'][i], digest: l.digest, bytes: l.size, uncompressedBytes: l.uncompressedSize })),
  nextBuildSeconds: Number(nextBuildSeconds.toFixed(1)),
  totalSeconds: Number(((Date.now() - t0) / 1000).toFixed(1)),
  runtime: runtime.describe,
};
if (process.env.PSPD_IMAGE_KEEP_STAGE === '1') log(`kept the build directory ${stage}`);
else rmSync(stage, { recursive: true, force: true });
summary.totalSeconds = Number(((Date.now() - t0) / 1000).toFixed(1));
writeFileSync(path.join(dist, `${NAME}-${TAG}.oci.json`), `${JSON.stringify(summary, null, 2)}\n`);

function mib(n) {
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
console.log(`
${summary.archive}  ${mib(summary.archiveBytes)} (${summary.archiveBytes} bytes)
  image ${summary.ref}  manifest ${out.manifestDigest}
  layers ${mib(summary.compressedLayersBytes)} gzip, root file system ${mib(summary.uncompressedRootfsBytes)} uncompressed
  built in ${summary.totalSeconds} s (next build ${summary.nextBuildSeconds} s)
  docker load -i ${summary.archive}   |   podman load -i ${summary.archive}   |   ctr images import ${summary.archive}
  skopeo copy oci-archive:${summary.archive} docker://REGISTRY/${NAME}:${TAG}`);
