// A deterministic tar writer (POSIX ustar, PAX headers for long names): the same entries give the
// same bytes. Entries are { path, type: 'file'|'dir'|'symlink', mode, data?, linkname? }; every
// entry gets the same mtime and numeric owner 0:0 (or the entry's uid/gid), no user/group names.

const BLOCK = 512;

function octal(value, width) {
  // width includes the terminating NUL
  const s = value.toString(8);
  if (s.length > width - 1) throw new Error(`tar: ${value} does not fit in ${width - 1} octal digits`);
  return s.padStart(width - 1, '0') + '\0';
}

function header({ name, prefix = '', mode, uid, gid, size, mtime, typeflag, linkname = '' }) {
  const b = Buffer.alloc(BLOCK);
  b.write(name, 0, 100, 'utf8');
  b.write(octal(mode, 8), 100, 8, 'ascii');
  b.write(octal(uid, 8), 108, 8, 'ascii');
  b.write(octal(gid, 8), 116, 8, 'ascii');
  b.write(octal(size, 12), 124, 12, 'ascii');
  b.write(octal(mtime, 12), 136, 12, 'ascii');
  b.fill(' ', 148, 156); // checksum is computed with spaces here
  b.write(typeflag, 156, 1, 'ascii');
  b.write(linkname, 157, 100, 'utf8');
  b.write('ustar\0', 257, 6, 'ascii');
  b.write('00', 263, 2, 'ascii');
  b.write(octal(0, 8), 329, 8, 'ascii'); // devmajor
  b.write(octal(0, 8), 337, 8, 'ascii'); // devminor
  b.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return b;
}

/** name/prefix for ustar, or undefined when the path needs a PAX header. */
function splitUstar(p) {
  if (Buffer.byteLength(p) <= 100) return { name: p, prefix: '' };
  for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) {
    const prefix = p.slice(0, i);
    const name = p.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name.length > 0) return { name, prefix };
  }
  return undefined;
}

function paxRecord(key, value) {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body);
  let total = len + String(len).length;
  if (String(total).length !== String(len).length) total = len + String(total).length;
  return `${total}${body}`;
}

function pad(size) {
  const rest = size % BLOCK;
  return rest === 0 ? null : Buffer.alloc(BLOCK - rest);
}

/**
 * Byte order of tar paths: a directory's entries follow it (a plain string sort of the paths without
 * trailing slash keeps "a" before "a/b"). Compared as UTF-8 bytes, so the order never depends on locale.
 */
export function comparePaths(a, b) {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * Writes the entries (sorted here) through write(buffer); returns the number of bytes written.
 * Paths are relative ("app/server.js"); directories are written with a trailing slash.
 */
export function writeTar(entries, { mtime, write }) {
  let total = 0;
  const out = (buf) => {
    if (!buf || buf.length === 0) return;
    write(buf);
    total += buf.length;
  };
  const sorted = [...entries].sort((a, b) => comparePaths(a.path, b.path));
  for (let i = 1; i < sorted.length; i++) if (sorted[i].path === sorted[i - 1].path) throw new Error(`tar: duplicate entry ${sorted[i].path}`);
  for (const e of sorted) {
    const p = e.type === 'dir' ? `${e.path}/` : e.path;
    const typeflag = e.type === 'dir' ? '5' : e.type === 'symlink' ? '2' : '0';
    const size = e.type === 'file' ? e.data.length : 0;
    const linkname = e.linkname ?? '';
    const uid = e.uid ?? 0;
    const gid = e.gid ?? 0;
    let split = splitUstar(p);
    const pax = [];
    if (!split) pax.push(paxRecord('path', p));
    if (Buffer.byteLength(linkname) > 100) pax.push(paxRecord('linkpath', linkname));
    if (pax.length) {
      const body = Buffer.from(pax.join(''));
      const base = p.replace(/\/$/, '').split('/').pop().slice(0, 80);
      out(header({ name: `PaxHeaders/${base}`, mode: 0o644, uid: 0, gid: 0, size: body.length, mtime, typeflag: 'x' }));
      out(body);
      out(pad(body.length));
      split ??= { name: p.slice(-100).replace(/^\/+/, ''), prefix: '' };
    }
    out(header({ name: split.name, prefix: split.prefix, mode: e.mode, uid, gid, size, mtime, typeflag, linkname: Buffer.byteLength(linkname) > 100 ? linkname.slice(0, 100) : linkname }));
    if (size) {
      out(e.data);
      out(pad(size));
    }
  }
  out(Buffer.alloc(BLOCK * 2));
  return total;
}

/** Adds the missing parent directories of every entry (mode 0755, or dirModes[path]). */
export function withParents(entries, dirModes = {}) {
  const have = new Set(entries.map((e) => e.path));
  const out = [...entries];
  for (const e of entries) {
    const parts = e.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const d = parts.slice(0, i).join('/');
      if (!have.has(d)) {
        have.add(d);
        out.push({ path: d, type: 'dir', mode: dirModes[d] ?? 0o755 });
      }
    }
  }
  return out;
}

/** Reads a tar (uncompressed) into entries; enough for ustar + PAX path/linkpath (used by the tests). */
export function readTar(buf) {
  const entries = [];
  let off = 0;
  let paxPath;
  let paxLink;
  while (off + BLOCK <= buf.length) {
    const h = buf.subarray(off, off + BLOCK);
    if (h.every((x) => x === 0)) break;
    const str = (s, n) => h.subarray(s, s + n).toString('utf8').replace(/\0.*$/s, '');
    const num = (s, n) => parseInt(str(s, n).trim() || '0', 8);
    const size = num(124, 12);
    const typeflag = str(156, 1) || '0';
    const prefix = str(345, 155);
    let name = prefix ? `${prefix}/${str(0, 100)}` : str(0, 100);
    const data = buf.subarray(off + BLOCK, off + BLOCK + size);
    off += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (typeflag === 'x') {
      for (const rec of data.toString('utf8').split('\n').filter(Boolean)) {
        const kv = rec.slice(rec.indexOf(' ') + 1);
        const k = kv.slice(0, kv.indexOf('='));
        const v = kv.slice(kv.indexOf('=') + 1);
        if (k === 'path') paxPath = v;
        if (k === 'linkpath') paxLink = v;
      }
      continue;
    }
    if (paxPath) name = paxPath;
    const linkname = paxLink ?? str(157, 100);
    paxPath = paxLink = undefined;
    entries.push({
      path: name.replace(/\/$/, ''),
      type: typeflag === '5' ? 'dir' : typeflag === '2' ? 'symlink' : typeflag === '0' ? 'file' : `type-${typeflag}`,
      mode: num(100, 8),
      uid: num(108, 8),
      gid: num(116, 8),
      mtime: num(136, 12),
      linkname,
      data,
    });
  }
  return entries;
}
