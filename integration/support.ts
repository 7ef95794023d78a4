import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { binariesAvailable, type ClusterVersion, type TestCluster } from '../testenv/cluster';
import { RESOURCES, collectionPath } from '../lib/sources/resources';
import { parseSnapshotText } from '../lib/sources/snapshot-parse';
import type { RawObject } from '../lib/sources/to-model';
import type { Pod } from '../lib/admission/pod';
import { DEMO_PATH } from '../lib/testing/demo';

/**
 * Whether the integration tier can run: with CI=true missing binaries fail the run (never a silent
 * skip); on a laptop without them the tests skip with a message naming what is missing.
 */
export function clusterAvailable(version: ClusterVersion): boolean {
  const a = binariesAvailable(version);
  if (a.ok) return true;
  const msg = `integration tests need the ${version} control plane: ${a.missing.join('; ')} (run: bash testenv/build.sh)`;
  if (process.env.CI) throw new Error(msg);
  console.warn(`\n*** SKIPPING ${msg} ***\n`);
  return false;
}

const ORDER = ['Namespace', 'ServiceAccount', 'PodSecurityPolicy', 'ClusterRole', 'Role', 'ClusterRoleBinding', 'RoleBinding'];

/** The collection an object is created in. */
export function createPath(obj: RawObject): string {
  const def = RESOURCES.find((r) => r.kind === obj.kind);
  if (!def) throw new Error(`no resource for kind ${obj.kind}`);
  const ns = (obj.metadata as { namespace?: string }).namespace;
  const base = collectionPath(def);
  if (!ns) return base;
  const [prefix, resource] = [base.slice(0, base.lastIndexOf('/')), def.resource];
  return `${prefix}/namespaces/${ns}/${resource}`;
}

/** Creates objects as admin, in dependency order; an object that already exists is left as it is. */
export async function createObjects(cluster: TestCluster, objects: RawObject[]): Promise<void> {
  const rank = (o: RawObject) => (ORDER.includes(o.kind!) ? ORDER.indexOf(o.kind!) : ORDER.length);
  for (const obj of [...objects].sort((a, b) => rank(a) - rank(b))) {
    const res = await cluster.request('admin', 'POST', createPath(obj), obj);
    if (res.status !== 201 && res.status !== 409) {
      throw new Error(`creating ${obj.kind} ${(obj.metadata as { name: string }).name}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
    }
  }
}

export function demoObjects(): RawObject[] {
  return parseSnapshotText(readFileSync(DEMO_PATH, 'utf8'), 'eks-cluster.yaml').map((o) => o.object);
}

/** Everything the dashboard reads, listed as admin: what `kubectl get … -A -o yaml` would save. */
export async function snapshotOf(cluster: TestCluster): Promise<RawObject[]> {
  const out: RawObject[] = [];
  for (const def of RESOURCES) {
    const res = await cluster.request('admin', 'GET', collectionPath(def));
    if (res.status === 404) continue;
    if (res.status !== 200) throw new Error(`listing ${def.resource}: HTTP ${res.status}`);
    const apiVersion = def.group ? `${def.group}/${def.version}` : def.version;
    for (const item of res.body.items) out.push({ ...item, kind: def.kind, apiVersion });
  }
  return out;
}

export async function until<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined>): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  let last: unknown;
  while (Date.now() - t0 < timeoutMs) {
    try {
      const v = await fn();
      if (v !== undefined) return { value: v, ms: Date.now() - t0 };
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}


/** RBAC and PSPs as the API server lists them, without the lists' own resourceVersion: equal when nothing was written. */
export async function rbacSnapshot(cluster: TestCluster): Promise<string> {
  const parts: string[] = [];
  for (const r of ['clusterroles', 'clusterrolebindings', 'roles', 'rolebindings']) {
    parts.push((await cluster.request('admin', 'GET', `/apis/rbac.authorization.k8s.io/v1/${r}`)).text.replace(/"resourceVersion":"\d+","items"/, '"items"'));
  }
  const psps = await cluster.request('admin', 'GET', '/apis/policy/v1beta1/podsecuritypolicies');
  if (psps.status !== 404) parts.push(psps.text.replace(/"resourceVersion":"\d+","items"/, '"items"'));
  return parts.join('\n');
}

/**
 * The security fields of a pod: what PSP writes or checks, and the seccomp field and annotations the
 * API server keeps in step before storing (an engine's pod must equal the stored one in these).
 */
export function securityView(pod: Pod) {
  const pick = (o: Record<string, unknown> | null | undefined, keys: string[]) =>
    Object.fromEntries(keys.filter((k) => o?.[k] !== undefined && o?.[k] !== null).map((k) => [k, o![k]]));
  const annotations = Object.fromEntries(
    Object.entries(pod.metadata.annotations ?? {}).filter(([k]) => k === 'seccomp.security.alpha.kubernetes.io/pod' || k.startsWith('container.seccomp.security.alpha.kubernetes.io/') || k.startsWith('container.apparmor.security.beta.kubernetes.io/')),
  );
  return {
    annotations,
    runtimeClassName: pod.spec.runtimeClassName ?? undefined,
    pod: pick(pod.spec.securityContext, ['runAsUser', 'runAsGroup', 'runAsNonRoot', 'fsGroup', 'supplementalGroups', 'seLinuxOptions', 'seccompProfile', 'sysctls']),
    containers: [...(pod.spec.initContainers ?? []), ...pod.spec.containers].map((c) =>
      pick(c.securityContext, ['runAsUser', 'runAsGroup', 'runAsNonRoot', 'seLinuxOptions', 'capabilities', 'readOnlyRootFilesystem', 'allowPrivilegeEscalation', 'privileged', 'seccompProfile'])),
  };
}

interface KubeconfigLists { clusters: { name: string }[]; users: { name: string }[]; contexts: { name: string; context: { cluster: string; user: string } }[] }

/**
 * One kubeconfig with each cluster's admin context, renamed to the key: what a person with several
 * clusters has. Written to a temporary file (mode 0600); returns its path.
 */
export function kubeconfigOfClusters(byContext: Record<string, TestCluster>, currentContext: string): string {
  const merged: KubeconfigLists & Record<string, unknown> = { apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [], 'current-context': currentContext };
  for (const [name, cluster] of Object.entries(byContext)) {
    const kc = parseYaml(readFileSync(cluster.kubeconfigPath, 'utf8')) as KubeconfigLists;
    merged.clusters.push(...kc.clusters.map((c) => ({ ...c, name: `${name}-cluster` })));
    merged.users.push(...kc.users.filter((u) => u.name === 'admin').map((u) => ({ ...u, name: `${name}-admin` })));
    merged.contexts.push({ name, context: { cluster: `${name}-cluster`, user: `${name}-admin` } });
  }
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'pspd-clusters-')), 'kubeconfig');
  writeFileSync(file, stringifyYaml(merged), { mode: 0o600 });
  return file;
}
