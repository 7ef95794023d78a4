/**
 * The OCI image `npm run image` writes (dist/psp-dashboard-<version>.oci.tar; .ci/run builds it
 * before npm test): (a) the archive's structure — index.json → manifest → config and layers, every
 * digest and size against the blobs, the docker-load manifest.json, a numeric non-root user, no
 * shell; (b) the image run as a pod would run it: its layers unpacked into a root file system that
 * is mounted read-only, a tmpfs at /tmp, the service account's token/ca.crt/namespace at
 * /var/run/secrets/kubernetes.io/serviceaccount, the Entrypoint started with the image's Env as
 * the image's User (unshare --mount + chroot --userspec; needs root), against a real
 * kube-apiserver v1.24 through the in-cluster configuration.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../testenv/cluster';
import { clusterAvailable, until } from './support';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VERSION: string = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
const ARCHIVE = path.join(ROOT, 'dist', `psp-dashboard-${VERSION}.oci.tar`);

/** Skips loudly outside CI, fails in CI (where .ci/run has built the image and runs as root). */
function need(what: string, problems: string[]): boolean {
  if (problems.length === 0) return true;
  const msg = `${what} needs ${problems.join(' and ')}`;
  if (process.env.CI) throw new Error(msg);
  console.warn(`\n*** SKIPPING ${msg} ***\n`);
  return false;
}

const archiveProblems = existsSync(ARCHIVE) ? [] : [`the image archive ${path.relative(ROOT, ARCHIVE)} (run: npm run image)`];
const haveArchive = need('integration/image.test.ts (archive checks)', archiveProblems);
const runProblems = [...archiveProblems];
if (process.getuid?.() !== 0) runProblems.push('root (unshare --mount, mount, chroot --userspec)');
for (const bin of ['/usr/bin/unshare', '/usr/sbin/chroot', '/usr/bin/tar']) if (!existsSync(bin)) runProblems.push(bin);
const canRun = need('integration/image.test.ts (running the image)', runProblems) && clusterAvailable('1.24');

// ── a small tar reader (independent of scripts/image/tar.mjs) ───────────────────────────────────
interface TarEntry { path: string; type: string; mode: number; uid: number; gid: number; mtime: number; linkname: string; data: Buffer }

function readTar(buf: Buffer): TarEntry[] {
  const out: TarEntry[] = [];
  let off = 0;
  let pax: Record<string, string> = {};
  while (off + 512 <= buf.length) {
    const h = buf.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const str = (s: number, n: number) => h.subarray(s, s + n).toString('utf8').replace(/\0.*$/s, '');
    const num = (s: number, n: number) => parseInt(str(s, n).trim() || '0', 8);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
    if (sum !== num(148, 8)) throw new Error(`tar header checksum mismatch at offset ${off}`);
    const size = num(124, 12);
    const type = str(156, 1) || '0';
    const data = buf.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      for (const rec of data.toString('utf8').split('\n').filter(Boolean)) {
        const kv = rec.slice(rec.indexOf(' ') + 1);
        pax[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1);
      }
      continue;
    }
    const prefix = str(345, 155);
    const name = pax.path ?? (prefix ? `${prefix}/${str(0, 100)}` : str(0, 100));
    out.push({ path: name.replace(/\/$/, ''), type, mode: num(100, 8), uid: num(108, 8), gid: num(116, 8), mtime: num(136, 12), linkname: pax.linkpath ?? str(157, 100), data });
    pax = {};
  }
  return out;
}

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

interface Image {
  files: Map<string, Buffer>;
  index: any;
  manifest: any;
  manifestBlob: Buffer;
  config: any;
  layers: { digest: string; blob: Buffer; entries: TarEntry[] }[];
}

function loadImage(): Image {
  const files = new Map(readTar(readFileSync(ARCHIVE)).filter((e) => e.type === '0').map((e) => [e.path, e.data] as const));
  const blob = (digest: string) => {
    const b = files.get(`blobs/sha256/${digest.replace(/^sha256:/, '')}`);
    if (!b) throw new Error(`blob ${digest} is not in the archive`);
    return b;
  };
  const index = JSON.parse(files.get('index.json')!.toString());
  const manifestBlob = blob(index.manifests[0].digest);
  const manifest = JSON.parse(manifestBlob.toString());
  const config = JSON.parse(blob(manifest.config.digest).toString());
  const layers = manifest.layers.map((l: { digest: string }) => ({ digest: l.digest, blob: blob(l.digest), entries: readTar(gunzipSync(blob(l.digest))) }));
  return { files, index, manifest, manifestBlob, config, layers };
}

describe.runIf(haveArchive)('the image archive (npm run image)', () => {
  let img: Image;
  beforeAll(() => {
    img = loadImage();
  });

  it('is an OCI layout whose index, manifest, config and layers match their digests and sizes', () => {
    expect(JSON.parse(img.files.get('oci-layout')!.toString())).toEqual({ imageLayoutVersion: '1.0.0' });
    expect(img.index.schemaVersion).toBe(2);
    expect(img.index.manifests).toHaveLength(1);
    const desc = img.index.manifests[0];
    expect(desc.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(desc.annotations).toEqual({ 'io.containerd.image.name': `docker.io/library/psp-dashboard:${VERSION}`, 'org.opencontainers.image.ref.name': VERSION });
    expect(sha256(img.manifestBlob)).toBe(desc.digest);
    expect(img.manifestBlob.length).toBe(desc.size);
    const cfgBlob = img.files.get(`blobs/sha256/${img.manifest.config.digest.slice(7)}`)!;
    expect(img.manifest.config.mediaType).toBe('application/vnd.oci.image.config.v1+json');
    expect(sha256(cfgBlob)).toBe(img.manifest.config.digest);
    expect(cfgBlob.length).toBe(img.manifest.config.size);
    expect(img.config.rootfs.diff_ids).toHaveLength(img.manifest.layers.length);
    img.manifest.layers.forEach((l: { digest: string; size: number; mediaType: string }, i: number) => {
      const b = img.layers[i].blob;
      expect(l.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+gzip');
      expect(sha256(b)).toBe(l.digest);
      expect(b.length).toBe(l.size);
      expect(sha256(gunzipSync(b))).toBe(img.config.rootfs.diff_ids[i]);
    });
    // every blob is referenced, no file besides the layout's
    const referenced = new Set([desc.digest, img.manifest.config.digest, ...img.manifest.layers.map((l: { digest: string }) => l.digest)].map((d) => `blobs/sha256/${d.slice(7)}`));
    expect([...img.files.keys()].sort()).toEqual([...referenced, 'index.json', 'manifest.json', 'oci-layout'].sort());
  });

  it('carries the manifest.json docker load reads, naming the same config and layers', () => {
    const docker = JSON.parse(img.files.get('manifest.json')!.toString());
    expect(docker).toEqual([
      {
        Config: `blobs/sha256/${img.manifest.config.digest.slice(7)}`,
        RepoTags: [`psp-dashboard:${VERSION}`],
        Layers: img.manifest.layers.map((l: { digest: string }) => `blobs/sha256/${l.digest.slice(7)}`),
      },
    ]);
  });

  it('runs node on /app/server.js as a numeric non-root user, port 3000, with the pod environment', () => {
    const c = img.config.config;
    expect(img.config.os).toBe('linux');
    expect(c.User).toMatch(/^\d+:\d+$/);
    expect(Number(c.User.split(':')[0])).toBeGreaterThan(0);
    expect(c.User).toBe('65532:65532');
    expect(c.Entrypoint).toEqual(['/usr/local/bin/node', '/app/server.js']);
    expect(c.WorkingDir).toBe('/app');
    expect(c.ExposedPorts).toEqual({ '3000/tcp': {} });
    expect(c.Env).toEqual(expect.arrayContaining(['HOME=/tmp', 'NODE_ENV=production', 'NEXT_TELEMETRY_DISABLED=1', 'HOSTNAME=0.0.0.0', 'HOST=0.0.0.0', 'PORT=3000']));
    expect(c.Labels['org.opencontainers.image.version']).toBe(VERSION);
    expect(c.Labels['io.psp-dashboard.runtime.node']).toMatch(/^v20\./);
  });

  it('has no shell, the nonroot user in /etc/passwd, the app, the demo cluster and the libraries node needs', () => {
    const all = img.layers.flatMap((l) => l.entries);
    const byPath = new Map(all.map((e) => [e.path, e]));
    for (const sh of ['bin/sh', 'usr/bin/sh', 'bin/bash', 'usr/bin/bash', 'bin/busybox']) expect(byPath.has(sh), sh).toBe(false);
    expect(all.filter((e) => /^(usr\/(local\/)?)?s?bin\//.test(e.path) && e.type !== '5').map((e) => e.path)).toEqual(['usr/local/bin/node']);
    expect(byPath.get('etc/passwd')!.data.toString()).toMatch(/^nonroot:x:65532:65532:/m);
    expect(byPath.get('etc/group')!.data.toString()).toMatch(/^nonroot:x:65532:/m);
    expect(byPath.get('tmp')).toMatchObject({ type: '5', mode: 0o1777 });
    for (const p of ['app/server.js', 'app/.next/BUILD_ID', 'app/lib/demo/eks-cluster.yaml', 'app/node_modules/next/package.json', 'app/node_modules/@kubernetes/client-node/package.json']) {
      expect(byPath.has(p), p).toBe(true);
    }
    expect(all.some((e) => e.path.startsWith('app/.next/static/'))).toBe(true);
    expect(all.filter((e) => e.path.endsWith('.map'))).toEqual([]);
    for (const lib of ['lib64/ld-linux-x86-64.so.2', 'lib/x86_64-linux-gnu/libc.so.6', 'lib/x86_64-linux-gnu/libm.so.6', 'lib/x86_64-linux-gnu/libgcc_s.so.1', 'usr/lib/x86_64-linux-gnu/libstdc++.so.6']) {
      if (process.arch === 'x64') expect(byPath.has(lib), lib).toBe(true);
    }
  });

  it('is reproducible: entries sorted, one mtime, owner 0:0', () => {
    for (const layer of img.layers) {
      const paths = layer.entries.map((e) => e.path);
      expect(paths).toEqual([...paths].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
      expect(new Set(layer.entries.map((e) => e.mtime)).size).toBe(1);
      expect(layer.entries.every((e) => e.uid === 0 && e.gid === 0)).toBe(true);
      expect(layer.entries.every((e) => (e.mode & 0o022) === 0 || e.path === 'tmp' || e.type === '2')).toBe(true);
    }
    expect(img.config.created).toBe(new Date(img.layers[0].entries[0].mtime * 1000).toISOString().replace(/\.000Z$/, 'Z'));
  });
});

// ── running it ──────────────────────────────────────────────────────────────────────────────────
const PSP_BEFORE = 'image-test-restricted';
const PSP_AFTER = 'image-test-late';

function psp(name: string) {
  return {
    apiVersion: 'policy/v1beta1',
    kind: 'PodSecurityPolicy',
    metadata: { name },
    spec: {
      privileged: false,
      allowPrivilegeEscalation: false,
      requiredDropCapabilities: ['ALL'],
      volumes: ['configMap', 'emptyDir', 'projected', 'secret'],
      runAsUser: { rule: 'MustRunAsNonRoot' },
      seLinux: { rule: 'RunAsAny' },
      supplementalGroups: { rule: 'MustRunAs', ranges: [{ min: 1, max: 65535 }] },
      fsGroup: { rule: 'MustRunAs', ranges: [{ min: 1, max: 65535 }] },
      readOnlyRootFilesystem: true,
    },
  };
}

async function freePort(): Promise<number> {
  for (let port = 3961; port <= 3969; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '0.0.0.0', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port in 3961-3969');
}

interface Reply { status: number; text: string; json: any; headers: http.IncomingHttpHeaders }

function call(port: number, method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: urlPath,
        headers: { Host: `127.0.0.1:${port}`, Accept: 'application/json', ...(payload ? { 'Content-Type': 'application/json' } : {}), ...headers },
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, text, json, headers: res.headers });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/**
 * Mounts as a kubelet + runc would (without namespaces other than mount): the root file system
 * read-only, tmpfs /tmp, proc, a minimal /dev, the service account volume read-only; then
 * `chroot --userspec` to the image's user and exec of the Entrypoint. unshare and sh exec, so the
 * spawned pid is node's.
 */
const RUN_SCRIPT = `
set -eu
R="$1"; SA="$2"; shift 2
mount --bind "$R" "$R"
mount -o remount,bind,ro "$R"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$R/tmp"
mount -t proc -o nosuid,nodev,noexec proc "$R/proc"
mount -t tmpfs -o mode=755,nosuid tmpfs "$R/dev"
for d in null zero random urandom; do : > "$R/dev/$d"; mount --bind "/dev/$d" "$R/dev/$d"; done
mount -o remount,ro,nosuid,nodev,noexec,bind "$R/dev" 2>/dev/null || true
mount --bind "$SA" "$R/var/run/secrets/kubernetes.io/serviceaccount"
mount -o remount,bind,ro "$R/var/run/secrets/kubernetes.io/serviceaccount"
exec "$@"
`;

describe.runIf(canRun)('the image running read-only as its user, in-cluster against kube-apiserver v1.24', () => {
  let cluster: TestCluster;
  let work: string;
  let child: ChildProcess | undefined;
  let port: number;
  let log = '';
  let img: Image;
  let startMs = 0;

  beforeAll(async () => {
    img = loadImage();
    work = mkdtempSync(path.join(os.tmpdir(), 'psp-dashboard-image-test-'));
    const rootfs = path.join(work, 'rootfs');
    mkdirSync(rootfs, { mode: 0o755 });
    for (const layer of img.layers) {
      const file = path.join(work, 'layer.tar.gz');
      writeFileSync(file, layer.blob);
      const r = spawnSync('tar', ['-xzf', file, '-C', rootfs, '--numeric-owner', '--same-permissions', '--same-owner'], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`tar -xzf ${layer.digest}: ${r.stderr}`);
      rmSync(file);
    }
    // mount points a container runtime creates before it makes the root file system read-only
    for (const d of ['proc', 'dev', 'var/run/secrets/kubernetes.io/serviceaccount']) mkdirSync(path.join(rootfs, d), { recursive: true, mode: 0o755 });

    const t = Date.now();
    cluster = await startCluster({ version: '1.24' });
    console.log(`image test: kube-apiserver v1.24 up in ${Date.now() - t} ms`);
    const created = await cluster.request('admin', 'POST', '/apis/policy/v1beta1/podsecuritypolicies', psp(PSP_BEFORE));
    expect(created.status, created.text).toBe(201);

    const sa = path.join(work, 'serviceaccount');
    mkdirSync(sa, { mode: 0o755 });
    writeFileSync(path.join(sa, 'token'), cluster.tokens.dashboard, { mode: 0o644 });
    writeFileSync(path.join(sa, 'ca.crt'), cluster.caData, { mode: 0o644 });
    writeFileSync(path.join(sa, 'namespace'), 'psp-dashboard', { mode: 0o644 });

    port = await freePort();
    const c = img.config.config;
    const env = [...c.Env.filter((e: string) => !e.startsWith('PORT=')), `PORT=${port}`, 'KUBERNETES_SERVICE_HOST=127.0.0.1', `KUBERNETES_SERVICE_PORT=${new URL(cluster.server).port}`];
    const [uid, gid] = c.User.split(':');
    startMs = Date.now();
    child = spawn(
      '/usr/bin/unshare',
      ['--mount', '--propagation', 'private', '--', '/bin/sh', '-c', RUN_SCRIPT, 'run-image', rootfs, sa, '/usr/bin/env', '-i', ...env, '/usr/sbin/chroot', `--userspec=${uid}:${gid}`, rootfs, ...c.Entrypoint],
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (d) => (log += d));
    child.stderr!.on('data', (d) => (log += d));
  });

  afterAll(async () => {
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child!.pid!, 'SIGKILL');
        } catch {
          // gone
        }
      }, 3_000);
      await exited;
      clearTimeout(timer);
    }
    if (log && process.env.TESTENV_VERBOSE) console.log(`image server log:\n${log}`);
    await cluster?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const alive = () => child!.exitCode === null && child!.signalCode === null;

  it('comes up live on the in-cluster configuration, with the PSP created before it started', async () => {
    const { value: body, ms } = await until('GET /api/v1/cluster live', 60_000, async () => {
      if (!alive()) throw new Error(`the server exited (${child!.exitCode ?? child!.signalCode}):\n${log}`);
      const r = await call(port, 'GET', '/api/v1/cluster');
      return r.status === 200 && r.json?.source?.state === 'live' ? r.json : undefined;
    }).catch((e) => {
      throw new Error(`${(e as Error).message}\nserver log:\n${log}`);
    });
    console.log(`image test: process start → first live /api/v1/cluster in ${Date.now() - startMs} ms (polling ${ms} ms)`);
    expect(body.source).toMatchObject({ kind: 'live', state: 'live', pspApiServed: true });
    console.log(`image test: source ${JSON.stringify(body.source)}`);
    expect(body.source.name).toBe('in-cluster');
    // In a pod, changes need a signed-in person: never the service account the dashboard reads with.
    expect(body.actor).toMatchObject({ mode: 'session', signedIn: false, canSignIn: true, changes: { allowed: false, reason: 'sign-in' } });
    expect(body.source.serverVersion).toMatch(/^v1\.24\./);
    expect(body.counts.podSecurityPolicies).toBeGreaterThanOrEqual(1);

    const graph = await call(port, 'GET', '/api/v1/graph');
    expect(graph.status).toBe(200);
    expect(graph.json.nodes.map((n: { id: string }) => n.id)).toContain(`PodSecurityPolicy//${PSP_BEFORE}`);
  });

  it('runs as 65532 with the root file system read-only and only /tmp writable', () => {
    const pid = child!.pid!;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    expect(status).toMatch(/^Uid:\s+65532\s+65532\s+65532\s+65532$/m);
    expect(status).toMatch(/^Gid:\s+65532\s+65532\s+65532\s+65532$/m);
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').length).toBeGreaterThan(0);
    // mountinfo as the process sees it: "/" is read-only, /tmp is a writable tmpfs
    const mounts = readFileSync(`/proc/${pid}/mountinfo`, 'utf8').trim().split('\n').map((l) => {
      const f = l.split(' ');
      const sep = f.indexOf('-');
      return { point: f[4], opts: f[5].split(','), fstype: f[sep + 1] };
    });
    const at = (p: string) => mounts.filter((m) => m.point === p).pop();
    expect(at('/')?.opts).toContain('ro');
    expect(at('/tmp')).toMatchObject({ fstype: 'tmpfs' });
    expect(at('/tmp')?.opts).toContain('rw');
    expect(at('/var/run/secrets/kubernetes.io/serviceaccount')?.opts).toContain('ro');
  });

  it('follows a PSP created while it runs, through its watch', async () => {
    const created = await cluster.request('admin', 'POST', '/apis/policy/v1beta1/podsecuritypolicies', psp(PSP_AFTER));
    expect(created.status, created.text).toBe(201);
    await until(`PodSecurityPolicy//${PSP_AFTER} in the graph`, 10_000, async () => {
      const g = await call(port, 'GET', '/api/v1/graph');
      return g.status === 200 && g.json.nodes.some((n: { id: string }) => n.id === `PodSecurityPolicy//${PSP_AFTER}`) ? true : undefined;
    });
  });

  it('answers the kubelet probes /healthz and /readyz with 200, for any Host', async () => {
    for (const p of ['/healthz', '/readyz']) {
      expect((await call(port, 'GET', p)).status, p).toBe(200);
      expect((await call(port, 'GET', p, undefined, { Host: `10.1.2.3:${port}` })).status, `${p} by pod IP`).toBe(200);
    }
    expect((await call(port, 'GET', '/api/v1/cluster', undefined, { Host: `evil.example:${port}` })).status).toBe(403);
  });

  it('writes nothing to the cluster for a change nobody signed in for', async () => {
    const csrf = await call(port, 'GET', '/api/v1/csrf');
    expect(csrf.status).toBe(200);
    const token = csrf.json.token;
    expect(typeof token).toBe('string');
    const res = await call(
      port,
      'POST',
      '/api/v1/attach',
      { psp: PSP_BEFORE, subject: { kind: 'ServiceAccount', name: 'default', namespace: 'team-a' }, acknowledgeRisk: true },
      { 'x-csrf-token': token },
    );
    console.log(`image test: POST /api/v1/attach without sign-in → ${res.status} ${res.text.slice(0, 200)}`);
    expect(res.status, res.text).toBe(401);
    expect(res.json.error.message).toMatch(/^Sign in to make changes/);
    const roles = await cluster.request('admin', 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles');
    expect(roles.status).toBe(200);
    expect(roles.body.items.map((r: { metadata: { name: string } }) => r.metadata.name).filter((n: string) => n.startsWith('psp-util.'))).toEqual([]);
    const crbs = await cluster.request('admin', 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings');
    expect(crbs.body.items.map((r: { metadata: { name: string } }) => r.metadata.name).filter((n: string) => n.startsWith('psp-util.'))).toEqual([]);
  });

  it('is still running after all of it, with no write error in its log', async () => {
    expect((await call(port, 'GET', '/', undefined, { Accept: 'text/html' })).status).toBe(200);
    expect(alive(), log).toBe(true);
    expect(log).not.toMatch(/EROFS|read-only file system|EACCES|permission denied/i);
    expect(log).not.toMatch(/uncaught|unhandled/i);
  });
});
