// OCI image layout in one tar: oci-layout, index.json, blobs/sha256/*, plus the manifest.json that
// `docker load` reads (what `docker save` of Docker 25+ writes). Deterministic for the same input.
import { createHash } from 'node:crypto';
import { closeSync, openSync, renameSync, writeSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { withParents, writeTar } from './tar.mjs';

export const MEDIA = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
};

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

/** A layer from entries: { tar (uncompressed size), blob (gzip), digest, diffId }. */
export function buildLayer(entries, { mtime, dirModes }) {
  const chunks = [];
  writeTar(withParents(entries, dirModes), { mtime, write: (b) => chunks.push(b) });
  const tar = Buffer.concat(chunks);
  // zlib's gzip header has no name and mtime 0, so the bytes depend on the content only.
  const blob = gzipSync(tar, { level: 9, memLevel: 9 });
  return { size: blob.length, uncompressedSize: tar.length, blob, digest: `sha256:${sha256(blob)}`, diffId: `sha256:${sha256(tar)}`, entries: entries.length };
}

const json = (obj) => Buffer.from(JSON.stringify(obj));

/**
 * Writes the archive; returns { configDigest, manifestDigest, size }.
 * name: "psp-dashboard", tag: "0.1.0" → RepoTags psp-dashboard:0.1.0,
 * io.containerd.image.name docker.io/library/psp-dashboard:0.1.0, ref.name 0.1.0 (as docker save does).
 */
export function writeArchive(file, { name, tag, created, mtime, layers, imageConfig, labels, history, architecture = 'amd64' }) {
  const config = {
    created,
    architecture,
    os: 'linux',
    config: { ...imageConfig, Labels: labels },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    history,
  };
  const configBlob = json(config);
  const configDigest = `sha256:${sha256(configBlob)}`;
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA.manifest,
    config: { mediaType: MEDIA.config, digest: configDigest, size: configBlob.length },
    layers: layers.map((l) => ({ mediaType: MEDIA.layerGzip, digest: l.digest, size: l.size })),
    annotations: { 'org.opencontainers.image.created': created },
  };
  const manifestBlob = json(manifest);
  const manifestDigest = `sha256:${sha256(manifestBlob)}`;
  const fullName = name.includes('/') ? name : `docker.io/library/${name}`;
  const index = {
    schemaVersion: 2,
    mediaType: MEDIA.index,
    manifests: [
      {
        mediaType: MEDIA.manifest,
        digest: manifestDigest,
        size: manifestBlob.length,
        annotations: { 'io.containerd.image.name': `${fullName}:${tag}`, 'org.opencontainers.image.ref.name': tag },
        platform: { architecture, os: 'linux' },
      },
    ],
  };
  const blobPath = (digest) => `blobs/sha256/${digest.slice('sha256:'.length)}`;
  const dockerManifest = [{ Config: blobPath(configDigest), RepoTags: [`${name}:${tag}`], Layers: layers.map((l) => blobPath(l.digest)) }];

  const entries = [
    { path: 'oci-layout', type: 'file', mode: 0o644, data: json({ imageLayoutVersion: '1.0.0' }) },
    { path: 'index.json', type: 'file', mode: 0o644, data: json(index) },
    { path: 'manifest.json', type: 'file', mode: 0o644, data: json(dockerManifest) },
    { path: blobPath(configDigest), type: 'file', mode: 0o644, data: configBlob },
    { path: blobPath(manifestDigest), type: 'file', mode: 0o644, data: manifestBlob },
  ];
  for (const l of layers) if (!entries.some((e) => e.path === blobPath(l.digest))) entries.push({ path: blobPath(l.digest), type: 'file', mode: 0o644, data: l.blob });

  const tmp = `${file}.partial`;
  const fd = openSync(tmp, 'w');
  let size;
  try {
    size = writeTar(withParents(entries), { mtime, write: (b) => writeSync(fd, b) });
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  return { configDigest, manifestDigest, size, config, manifest, index };
}
