// The image's runtime: the Node binary that runs this build, and the shared libraries it links,
// taken from the Debian packages of the versions installed here (apt-get download + dpkg-deb -x).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, realpathSync } from 'node:fs';
import path from 'node:path';

const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts }).trim();
const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

/** `ldd` of a binary: [{ soname, hostPath }] plus the ELF interpreter, without the vDSO. */
export function sharedLibraries(binary) {
  const libs = [];
  for (const line of sh('ldd', [binary]).split('\n')) {
    const m = line.trim().match(/^(\S+)(?:\s+=>\s+(\S+))?\s+\(0x[0-9a-f]+\)$/);
    if (!m) continue;
    const [, name, target] = m;
    if (name.startsWith('linux-vdso') || name.startsWith('linux-gate')) continue;
    if (target === 'not') throw new Error(`${binary}: ${line.trim()}`);
    libs.push(target ? { soname: name, hostPath: target } : { soname: path.basename(name), hostPath: name, interpreter: name });
  }
  return libs;
}

/** The Debian package that owns a file on this machine (dpkg -S), with its installed version. */
function owningPackage(file) {
  const candidates = [file, realpathSync(file)];
  // merged /usr: /lib/x86_64-linux-gnu/libc.so.6 is listed by dpkg under either spelling
  for (const f of [...candidates]) {
    if (f.startsWith('/usr/lib/')) candidates.push(f.slice(4));
    else if (f.startsWith('/lib/')) candidates.push(`/usr${f}`);
  }
  for (const f of candidates) {
    try {
      const out = sh('dpkg-query', ['-S', f]);
      const pkg = out.split(':')[0].trim();
      const arch = out.split(':')[1]?.split(' ')[0];
      const qualified = out.includes(':') && /^[a-z0-9]+$/.test(arch ?? '') ? `${pkg}:${arch}` : pkg;
      const version = sh('dpkg-query', ['-W', '-f=${Version}', qualified]);
      return { name: pkg, qualified, version };
    } catch {
      // try the next spelling
    }
  }
  return undefined;
}

/** Follows symlinks inside an extracted package tree (absolute links are relative to its root). */
function resolveIn(root, rel) {
  let p = rel;
  for (let i = 0; i < 20; i++) {
    const abs = path.join(root, p);
    if (!existsSync(abs) && !lstatSync(abs, { throwIfNoEntry: false })) return undefined;
    const st = lstatSync(abs);
    if (!st.isSymbolicLink()) return p;
    const link = readlinkSync(abs);
    p = link.startsWith('/') ? link.slice(1) : path.join(path.dirname(p), link);
  }
  return undefined;
}

function findInTree(root, soname) {
  for (const dir of ['lib/x86_64-linux-gnu', 'usr/lib/x86_64-linux-gnu', 'lib64', 'lib', 'usr/lib', 'lib/aarch64-linux-gnu', 'usr/lib/aarch64-linux-gnu']) {
    const rel = path.join(dir, soname);
    if (lstatSync(path.join(root, rel), { throwIfNoEntry: false })) return rel;
  }
  return undefined;
}

/**
 * The runtime layer's entries and a description for the image labels.
 * cacheDir holds the downloaded .deb files (reused when their version matches).
 */
export function runtimeEntries({ nodeBinary = process.execPath, cacheDir, log = console.log }) {
  const node = readFileSync(nodeBinary);
  const nodePkg = owningPackage(nodeBinary);
  const libs = sharedLibraries(nodeBinary);
  const entries = [{ path: 'usr/local/bin/node', type: 'file', mode: 0o755, data: node }];
  const packages = new Map();
  for (const lib of libs) {
    const pkg = owningPackage(lib.hostPath);
    if (!pkg) throw new Error(`no Debian package owns ${lib.hostPath} (needed by ${nodeBinary})`);
    lib.pkg = pkg;
    packages.set(pkg.qualified, pkg);
  }

  mkdirSync(cacheDir, { recursive: true });
  const extracted = new Map();
  for (const pkg of packages.values()) {
    const debName = readdirSync(cacheDir).find((f) => f.endsWith('.deb') && f.startsWith(`${pkg.name}_${pkg.version.replace(/^\d+:/, '').replace(/:/g, '%3a')}_`));
    let deb = debName && path.join(cacheDir, debName);
    if (!deb) {
      log(`  apt-get download ${pkg.qualified}=${pkg.version}`);
      try {
        sh('apt-get', ['download', '-q', `${pkg.qualified}=${pkg.version}`], { cwd: cacheDir });
      } catch (e) {
        // A machine whose package lists were never fetched knows the installed version but not where to get it.
        if (process.getuid?.() !== 0) throw new Error(`apt-get download ${pkg.qualified}=${pkg.version} failed (run apt-get update as root?): ${e.stderr || e.message}`);
        log('  apt-get update (the package lists do not name a source for it)');
        sh('apt-get', ['update', '-qq']);
        sh('apt-get', ['download', '-q', `${pkg.qualified}=${pkg.version}`], { cwd: cacheDir });
      }
      const found = readdirSync(cacheDir).find((f) => f.endsWith('.deb') && f.startsWith(`${pkg.name}_`) && f.includes(pkg.version.replace(/^\d+:/, '').replace(/:/g, '%3a')));
      if (!found) throw new Error(`apt-get download ${pkg.qualified}=${pkg.version} left no .deb in ${cacheDir}`);
      deb = path.join(cacheDir, found);
    }
    const dir = path.join(cacheDir, 'x', path.basename(deb, '.deb'));
    if (!existsSync(path.join(dir, '.done'))) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      sh('dpkg-deb', ['-x', deb, dir]);
      execFileSync('touch', [path.join(dir, '.done')]);
    }
    extracted.set(pkg.qualified, { dir, deb: path.basename(deb), debSha256: sha256(readFileSync(deb)) });
  }

  for (const lib of libs) {
    const { dir } = extracted.get(lib.pkg.qualified);
    // The path the loader looks for: the interpreter's absolute path, or the soname in the
    // package's own library directory (on the default search path of Debian's ld.so).
    const rel = lib.interpreter ? lib.interpreter.slice(1) : findInTree(dir, lib.soname);
    if (!rel) throw new Error(`${lib.soname} is not in ${lib.pkg.qualified} ${lib.pkg.version}`);
    const real = resolveIn(dir, rel);
    if (!real) throw new Error(`${rel} in ${lib.pkg.qualified} is a dangling link`);
    const data = readFileSync(path.join(dir, real));
    const host = readFileSync(lib.hostPath);
    if (sha256(data) !== sha256(host)) log(`  note: ${lib.soname} from ${lib.pkg.qualified} ${lib.pkg.version} differs from ${lib.hostPath}`);
    if (real === rel) entries.push({ path: rel, type: 'file', mode: 0o755, data });
    else {
      // keep Debian's layout: the real file plus the link (e.g. /lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/…)
      if (!entries.some((e) => e.path === real)) entries.push({ path: real, type: 'file', mode: 0o755, data });
      entries.push({ path: rel, type: 'symlink', mode: 0o777, linkname: `/${real}` });
    }
  }

  const describe = {
    node: {
      version: process.version,
      path: nodeBinary,
      sha256: sha256(node),
      package: nodePkg ? `${nodePkg.name} ${nodePkg.version}` : 'not from a Debian package',
    },
    libraries: libs.map((l) => `${l.soname} (${l.pkg.name} ${l.pkg.version})`),
    packages: [...packages.values()].map((p) => ({ name: p.name, version: p.version, deb: extracted.get(p.qualified).deb, sha256: extracted.get(p.qualified).debSha256 })),
  };
  return { entries, describe };
}

/** /etc/passwd, /etc/group (root and nonroot 65532), /tmp (1777), /app. */
export function baseEntries({ uid = 65532, gid = 65532 } = {}) {
  return [
    { path: 'etc/passwd', type: 'file', mode: 0o644, data: Buffer.from(`root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:${uid}:${gid}:nonroot:/tmp:/sbin/nologin\n`) },
    { path: 'etc/group', type: 'file', mode: 0o644, data: Buffer.from(`root:x:0:\nnonroot:x:${gid}:\n`) },
    { path: 'tmp', type: 'dir', mode: 0o1777 },
  ];
}
