/**
 * The binaries testenv/build.sh builds into testenv/.bin/<prefix>-<version>/, with the versions
 * read from the go.mod files under testenv/go/ (the same rule build.sh uses).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BIN_DIR, rel, TESTENV_DIR } from './paths';

export type ClusterVersion = '1.24' | 'current';

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

export interface Binary {
  path: string;
  version: string;
  built: boolean;
}

function componentBinary(target: Component['target']): Binary {
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

export interface Binaries {
  etcd: Binary;
  /** kube-apiserver (1.24: the multi-call `k8s` binary that also runs kube-controller-manager) */
  k8s: Binary;
  target: Component['target'];
}

export function binariesFor(version: ClusterVersion): Binaries {
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

/** The binaries for a start, or the error startCluster throws before touching anything. */
export function binariesToStart(version: ClusterVersion, controllerManager: boolean): Binaries {
  const avail = binariesAvailable(version);
  if (!avail.ok) {
    throw new Error(`testenv: binaries for ${version} are not built: ${avail.missing.join('; ')}`);
  }
  const bins = binariesFor(version);
  if (controllerManager && version !== '1.24') {
    throw new Error('testenv: controllerManager is only built for 1.24');
  }
  return bins;
}
