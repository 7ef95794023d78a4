/**
 * `kubectl apply -k deploy/` (and `deploy/psp/` on clusters ≤ 1.24): the manifests that run the
 * dashboard in a cluster, rendered with `kubectl kustomize` and proved on the real API servers of
 * testenv.
 *
 * - Static (no cluster): the ServiceAccount may only read what the dashboard shows and create
 *   TokenReviews; nothing anywhere grants a write verb, `impersonate` or `*`; the NetworkPolicy
 *   denies all ingress to the dashboard's pods; the pod template carries the PSS `restricted`
 *   settings; the overlay adds a PSP with no defaults and a psp-util-shaped grant to that
 *   ServiceAccount only, which the dashboard's own admission simulator says admits the pod.
 * - v1.24 with the controller manager (PSP admission): server dry run of deploy/psp/; the base
 *   alone gets no pod (the ReplicaSet reports the PodSecurityPolicy refusal); with the overlay the
 *   ReplicaSet controller creates the pod, annotated with the overlay's PSP and not changed by it.
 * - current (v1.37): server dry run of deploy/; a pod built from the template is admitted in the
 *   `enforce=restricted` namespace without a PodSecurity warning, also when the ReplicaSet
 *   controller asks; the same pod with `allowPrivilegeEscalation: true` is refused by PodSecurity.
 */
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../testenv/cluster';
import { clusterAvailable, until } from './support';
import { applyApiDefaults, applyServiceAccountAdmission } from '../lib/admission/api-defaults';
import { selectPolicy } from '../lib/admission/select-policy';
import type { Pod } from '../lib/admission/pod';
import type { Binding, Psp, Role } from '../lib/model/types';
import { isManagedBinding } from '../lib/plan/bindings';
import { isManagedRoleIntact } from '../lib/plan/attach';
import { managedName, MANAGED_BY, MANAGED_BY_LABEL, PSP_UTIL_ANNOTATION } from '../lib/plan/types';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NS = 'psp-dashboard';
const SA = 'psp-dashboard';
const PSP = 'psp-dashboard-restricted';
const KUBECTL = process.env.KUBECTL ?? 'kubectl';

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: any };
  [k: string]: any;
};

// ---------------------------------------------------------------------------------------------
// kubectl kustomize: a failure in CI, a loud skip elsewhere

function kustomizeAvailable(): boolean {
  let why = '';
  try {
    const v = JSON.parse(execFileSync(KUBECTL, ['version', '--client', '-o', 'json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
    if (v.kustomizeVersion) return true;
    why = `${KUBECTL} ${v.clientVersion?.gitVersion ?? ''} has no kustomize built in`;
  } catch (e) {
    why = `${KUBECTL} could not be run (${(e as Error).message.split('\n')[0]})`;
  }
  const msg = `deploy tests need \`kubectl kustomize\` (kubectl ≥ 1.14, or set KUBECTL=/path/to/kubectl): ${why}`;
  if (process.env.CI) throw new Error(msg);
  console.warn(`\n*** SKIPPING ${msg} ***\n`);
  return false;
}

const haveKustomize = kustomizeAvailable();

function kustomize(dir: string): Obj[] {
  const text = execFileSync(KUBECTL, ['kustomize', dir], { cwd: ROOT, encoding: 'utf8' });
  return parseAllDocuments(text).map((d) => d.toJSON() as Obj).filter(Boolean);
}

const base: Obj[] = haveKustomize ? kustomize('deploy') : [];
const withPsp: Obj[] = haveKustomize ? kustomize('deploy/psp') : [];

function one(objs: Obj[], kind: string, name?: string): Obj {
  const found = objs.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0];
}

const READ = ['get', 'list', 'watch'];
/** What the dashboard's ServiceAccount may do, as `group/resource: verbs` (core group = ""). */
const EXPECTED_GRANTS: Record<string, string[]> = {
  'policy/podsecuritypolicies': READ,
  'rbac.authorization.k8s.io/clusterroles': READ,
  'rbac.authorization.k8s.io/roles': READ,
  'rbac.authorization.k8s.io/clusterrolebindings': READ,
  'rbac.authorization.k8s.io/rolebindings': READ,
  '/serviceaccounts': READ,
  '/namespaces': READ,
  '/pods': READ,
  '/replicationcontrollers': READ,
  'apps/deployments': READ,
  'apps/replicasets': READ,
  'apps/daemonsets': READ,
  'apps/statefulsets': READ,
  'batch/jobs': READ,
  'batch/cronjobs': READ,
  'authentication.k8s.io/tokenreviews': ['create'],
};

function grantsOf(role: Obj): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const r of role.rules ?? []) {
    expect(r.nonResourceURLs, 'no non-resource URLs').toBeUndefined();
    expect(r.resourceNames, 'the reader role is not limited by name').toBeUndefined();
    for (const g of r.apiGroups ?? []) for (const res of r.resources ?? []) for (const v of r.verbs ?? []) (out[`${g}/${res}`] ??= new Set()).add(v);
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v].sort()]));
}

/** The pod the ReplicaSet controller would create from the Deployment's template. */
function podFromTemplate(deploy: Obj, name: string): Obj {
  const t = structuredClone(deploy.spec.template);
  return { apiVersion: 'v1', kind: 'Pod', metadata: { ...t.metadata, name, namespace: NS }, spec: t.spec };
}

// ---------------------------------------------------------------------------------------------
// Static checks

describe.runIf(haveKustomize)('deploy/ manifests (static)', () => {
  const deploy = () => one(base, 'Deployment', 'psp-dashboard');
  const podSpec = () => deploy().spec.template.spec;

  it('renders the expected objects, every namespaced one in psp-dashboard', () => {
    expect(base.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ClusterRole/psp-dashboard:reader',
      'ClusterRoleBinding/psp-dashboard:reader',
      'Deployment/psp-dashboard',
      'Namespace/psp-dashboard',
      'NetworkPolicy/psp-dashboard-deny-ingress',
      'Service/psp-dashboard',
      'ServiceAccount/psp-dashboard',
    ]);
    for (const o of base) {
      if (!['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind)) expect(o.metadata.namespace, `${o.kind} ${o.metadata.name}`).toBe(NS);
      expect(o.metadata.labels?.['app.kubernetes.io/name'], `${o.kind} label`).toBe('psp-dashboard');
    }
  });

  it('labels the namespace enforce/audit/warn = restricted, pinned to v1.24', () => {
    const labels = one(base, 'Namespace').metadata.labels!;
    for (const mode of ['enforce', 'audit', 'warn']) {
      expect(labels[`pod-security.kubernetes.io/${mode}`]).toBe('restricted');
      expect(labels[`pod-security.kubernetes.io/${mode}-version`]).toBe('v1.24');
    }
  });

  it('the ClusterRole grants get/list/watch on exactly the kinds the dashboard reads, plus create tokenreviews', () => {
    const role = one(base, 'ClusterRole', 'psp-dashboard:reader');
    expect(grantsOf(role)).toEqual(Object.fromEntries(Object.entries(EXPECTED_GRANTS).map(([k, v]) => [k, [...v].sort()])));
    expect(role.aggregationRule).toBeUndefined();
    const crb = one(base, 'ClusterRoleBinding', 'psp-dashboard:reader');
    expect(crb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'psp-dashboard:reader' });
    expect(crb.subjects).toEqual([{ kind: 'ServiceAccount', name: SA, namespace: NS }]);
  });

  it('nothing in either rendering grants impersonate, *, a write verb, or binds cluster-admin', () => {
    for (const [which, objs] of [['deploy/', base], ['deploy/psp/', withPsp]] as const) {
      const text = JSON.stringify(objs);
      expect(text, which).not.toMatch(/impersonate|cluster-admin|"\*"/i);
      for (const o of objs.filter((x) => x.kind === 'ClusterRole' || x.kind === 'Role')) {
        for (const r of o.rules ?? []) {
          const resources: string[] = r.resources ?? [];
          for (const v of r.verbs as string[]) {
            const ok =
              READ.includes(v) ||
              (v === 'create' && resources.length === 1 && resources[0] === 'tokenreviews' && r.apiGroups.join() === 'authentication.k8s.io') ||
              (v === 'use' && resources.join() === 'podsecuritypolicies' && r.resourceNames?.join() === PSP);
            expect(ok, `${which} ${o.kind} ${o.metadata.name}: verb ${v} on ${resources.join(',')}`).toBe(true);
          }
        }
      }
      for (const b of objs.filter((x) => x.kind === 'ClusterRoleBinding' || x.kind === 'RoleBinding')) {
        expect(b.subjects, `${which} ${b.kind} ${b.metadata.name}`).toEqual([{ kind: 'ServiceAccount', name: SA, namespace: NS }]);
      }
    }
  });

  it('the NetworkPolicy denies all ingress to exactly the dashboard\'s pods', () => {
    const np = one(base, 'NetworkPolicy');
    const selector = deploy().spec.selector.matchLabels;
    expect(np.spec.podSelector).toEqual({ matchLabels: selector });
    expect(np.spec.policyTypes).toEqual(['Ingress']);
    expect(np.spec.ingress ?? []).toEqual([]);
    const templateLabels = deploy().spec.template.metadata.labels;
    for (const [k, v] of Object.entries(selector)) expect(templateLabels[k]).toBe(v);
  });

  it('the Service sends port 80 to the named port http of the same pods (ClusterIP)', () => {
    const svc = one(base, 'Service');
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.selector).toEqual(deploy().spec.selector.matchLabels);
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
  });

  it('the Deployment: one replica, its own ServiceAccount, the image, port, env, probes, resources and /tmp', () => {
    const d = deploy();
    const spec = podSpec();
    expect(d.spec.replicas).toBe(1);
    expect(spec.serviceAccountName).toBe(SA);
    expect(spec.automountServiceAccountToken).toBe(true);
    expect(spec.containers).toHaveLength(1);
    const c = spec.containers[0];
    expect(c.image).toBe('psp-dashboard:0.1.0');
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(c.ports).toEqual([{ name: 'http', containerPort: 3000, protocol: 'TCP' }]);
    expect(c.env).toEqual([{ name: 'HOST', value: '0.0.0.0' }, { name: 'PORT', value: '3000' }, { name: 'NODE_OPTIONS', value: '--max-old-space-size=768' }]);
    // V8's heap must stop below the container's memory limit, or garbage grows into an OOM kill.
    const heapMiB = Number(/--max-old-space-size=(\d+)/.exec(c.env[2].value)![1]);
    const limitMiB = Number(/^(\d+)Gi$/.exec(c.resources.limits.memory)![1]) * 1024;
    expect(heapMiB).toBeLessThanOrEqual(limitMiB * 0.8);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.resources.requests).toEqual({ cpu: '100m', memory: '256Mi' });
    expect(c.resources.limits).toEqual({ memory: '1Gi' });
    expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(spec.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
  });

  it('the pod template has the PSS restricted settings', () => {
    const spec = podSpec();
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    for (const k of ['hostNetwork', 'hostPID', 'hostIPC']) expect(spec[k]).toBeFalsy();
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      expect(c.securityContext).toEqual({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
    }
  });

  it('the image can be pointed at another registry with `images:` in an overlay', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psp-dashboard-overlay-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'kustomization.yaml'),
        `resources:\n  - ${path.relative(dir, path.join(ROOT, 'deploy'))}\nimages:\n  - name: psp-dashboard\n    newName: registry.example.com/tools/psp-dashboard\n    newTag: 0.1.1\n`,
      );
      const objs = kustomize(dir);
      expect(one(objs, 'Deployment').spec.template.spec.containers[0].image).toBe('registry.example.com/tools/psp-dashboard:0.1.1');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('deploy/psp/ is the base unchanged plus a PSP and its psp-util grant', () => {
    const strip = (o: Obj) => JSON.stringify(o);
    for (const o of base) expect(withPsp.map(strip), `${o.kind} ${o.metadata.name}`).toContain(strip(o));
    expect(withPsp.filter((o) => !base.map(strip).includes(strip(o))).map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      `ClusterRole/${managedName(PSP)}`,
      `PodSecurityPolicy/${PSP}`,
      `RoleBinding/${managedName(PSP)}`,
    ]);
  });

  it('the PSP is restricted and sets no defaults', () => {
    const psp = one(withPsp, 'PodSecurityPolicy', PSP);
    const ann = psp.metadata.annotations ?? {};
    expect(Object.keys(ann).filter((k) => /defaultProfileName/.test(k))).toEqual([]);
    expect(ann['seccomp.security.alpha.kubernetes.io/allowedProfileNames']).toBe('runtime/default');
    expect(Object.keys(psp.spec).filter((k) => k.startsWith('default'))).toEqual([]);
    expect(psp.spec.runtimeClass).toBeUndefined();
    expect(psp.spec).toMatchObject({
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      requiredDropCapabilities: ['ALL'],
      runAsUser: { rule: 'MustRunAsNonRoot' },
      seLinux: { rule: 'RunAsAny' },
      supplementalGroups: { rule: 'MustRunAs', ranges: [{ min: 1, max: 65535 }] },
      fsGroup: { rule: 'MustRunAs', ranges: [{ min: 1, max: 65535 }] },
    });
    expect([...psp.spec.volumes].sort()).toEqual(['configMap', 'downwardAPI', 'emptyDir', 'projected', 'secret']);
    expect(psp.spec.allowedCapabilities ?? []).toEqual([]);
    for (const k of ['hostNetwork', 'hostPID', 'hostIPC', 'hostPorts', 'allowedHostPaths']) expect(psp.spec[k] || undefined, k).toBeUndefined();
  });

  it('the grant is psp-util\'s: ClusterRole and RoleBinding psp-util.<psp> in psp-dashboard, to the ServiceAccount only', () => {
    const role = one(withPsp, 'ClusterRole', managedName(PSP)) as unknown as Role;
    const rb = one(withPsp, 'RoleBinding', managedName(PSP)) as unknown as Binding;
    expect(isManagedRoleIntact(role, PSP)).toBe(true);
    expect(isManagedBinding(rb)).toBe(true);
    for (const o of [role, rb]) {
      expect(o.metadata.annotations).toEqual({ [PSP_UTIL_ANNOTATION]: PSP });
      expect(o.metadata.labels?.[MANAGED_BY_LABEL]).toBe(MANAGED_BY);
    }
    expect(rb.metadata.namespace).toBe(NS);
    expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: managedName(PSP) });
    expect(rb.subjects).toEqual([{ kind: 'ServiceAccount', name: SA, namespace: NS }]);
    expect(withPsp.filter((o) => o.kind === 'ClusterRoleBinding' && o.roleRef?.name === managedName(PSP))).toEqual([]);
  });

  it('the dashboard\'s own admission simulator: the PSP admits the pod, changing nothing in its spec', () => {
    const psp = one(withPsp, 'PodSecurityPolicy', PSP) as unknown as Psp;
    const pod = applyServiceAccountAdmission(applyApiDefaults(podFromTemplate(deploy(), 'sim') as unknown as Pod));
    const r = selectPolicy({ pod, namespace: NS, psps: [psp], isAuthorized: () => true });
    expect(r.allowed, r.message).toBe(true);
    expect(r.psp).toBe(PSP);
    // v1.24 writes the seccomp annotation from the pod's field for every PSP; nothing else changes
    expect(r.mutations.filter((m) => !m.path.startsWith('metadata.annotations'))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Real API servers

async function kubectl(cluster: TestCluster, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(KUBECTL, ['--kubeconfig', cluster.kubeconfigPath, ...args], { cwd: ROOT, timeout: 60_000 });
  } catch (e) {
    const err = e as Error & { stdout?: string; stderr?: string };
    throw new Error(`kubectl ${args.join(' ')} failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** As admin, with response headers (cluster.request() drops them; we need `Warning`). */
function rawRequest(cluster: TestCluster, method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  const url = new URL(urlPath, cluster.server);
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        ca: cluster.caData,
        headers: {
          Authorization: `Bearer ${cluster.tokens.admin}`,
          Accept: 'application/json',
          ...(data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* text */
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${urlPath} timed out`)));
    if (data) req.write(data);
    req.end();
  });
}

function warnings(res: RawResponse): string[] {
  const w = res.headers.warning;
  return w === undefined ? [] : Array.isArray(w) ? w : [w];
}

/** SubjectAccessReview: may this user (with the groups the API server would give it) do this? */
async function may(cluster: TestCluster, user: string, groups: string[], attrs: Record<string, string>): Promise<boolean> {
  const res = await rawRequest(cluster, 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: { user, groups, resourceAttributes: attrs },
  });
  if (res.status !== 201) throw new Error(`SubjectAccessReview: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  return res.body.status.allowed === true;
}

const SA_USER = `system:serviceaccount:${NS}:${SA}`;
const RS_CONTROLLER = 'system:serviceaccount:kube-system:replicaset-controller';
const SA_GROUPS = ['system:serviceaccounts', `system:serviceaccounts:${NS}`, 'system:authenticated'];

/** What the ServiceAccount may do once applied: the reads and tokenreviews, nothing that writes or escalates. */
async function checkServiceAccountRights(cluster: TestCluster, pspApi: boolean) {
  const allowed = async (attrs: Record<string, string>) => may(cluster, SA_USER, SA_GROUPS, attrs);
  for (const [key, verbs] of Object.entries(EXPECTED_GRANTS)) {
    const [group, resource] = key.split('/');
    if (group === 'policy' && !pspApi) continue;
    for (const verb of verbs) expect(await allowed({ group, resource, verb }), `${verb} ${key}`).toBe(true);
  }
  const denied: Record<string, string>[] = [
    { group: '', resource: 'secrets', verb: 'get' },
    { group: '', resource: 'secrets', verb: 'list' },
    { group: '', resource: 'pods', verb: 'create' },
    { group: '', resource: 'pods', subresource: 'exec', verb: 'create' },
    { group: '', resource: 'users', verb: 'impersonate' },
    { group: '', resource: 'serviceaccounts', verb: 'impersonate' },
    { group: '', resource: 'namespaces', verb: 'update' },
    { group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings', verb: 'create' },
    { group: 'rbac.authorization.k8s.io', resource: 'clusterroles', verb: 'escalate' },
    { group: 'rbac.authorization.k8s.io', resource: 'clusterroles', verb: 'bind' },
    { group: 'apps', resource: 'deployments', verb: 'patch' },
    { group: 'authorization.k8s.io', resource: 'subjectaccessreviews', verb: 'create' },
  ];
  if (pspApi) denied.push({ group: 'policy', resource: 'podsecuritypolicies', verb: 'create' });
  for (const attrs of denied) expect(await allowed(attrs), JSON.stringify(attrs)).toBe(false);
}

const timings: string[] = [];
const timed = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
  const t = Date.now();
  try {
    return await fn();
  } finally {
    timings.push(`${what}: ${Date.now() - t} ms`);
  }
};
afterAll(() => {
  if (timings.length) console.log(`deploy.test timings:\n  ${timings.join('\n  ')}`);
});

describe.runIf(haveKustomize && clusterAvailable('1.24'))('deploy/psp/ on kube-apiserver v1.24 with PSP admission and the controller manager', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await timed('start v1.24 + controller manager', () => startCluster({ version: '1.24', controllerManager: true }));
  });
  afterAll(() => cluster?.stop());

  const pods = async () => (await rawRequest(cluster, 'GET', `/api/v1/namespaces/${NS}/pods?labelSelector=${encodeURIComponent('app.kubernetes.io/name=psp-dashboard')}`)).body.items as Obj[];

  it('kubectl apply --dry-run=server -k deploy/psp/ succeeds (and writes nothing)', async () => {
    const { stdout } = await timed('v1.24 server dry run deploy/psp/', () => kubectl(cluster, 'apply', '--dry-run=server', '-k', 'deploy/psp/'));
    for (const o of withPsp) expect(stdout).toContain(`/${o.metadata.name}`);
    expect(stdout).toMatch(/\(server dry run\)/);
    expect((await rawRequest(cluster, 'GET', `/apis/policy/v1beta1/podsecuritypolicies/${PSP}`)).status).toBe(404);
    expect((await rawRequest(cluster, 'GET', `/apis/apps/v1/namespaces/${NS}/deployments/psp-dashboard`)).status).toBe(404);
  });

  it('the base alone gets no pod: the ReplicaSet reports the PodSecurityPolicy refusal', async () => {
    await timed('v1.24 apply deploy/', () => kubectl(cluster, 'apply', '-k', 'deploy/'));
    const { value: failure, ms } = await until('a ReplicaSet ReplicaFailure condition', 60_000, async () => {
      const rs = (await rawRequest(cluster, 'GET', `/apis/apps/v1/namespaces/${NS}/replicasets`)).body.items as Obj[];
      return rs.flatMap((r) => r.status?.conditions ?? []).find((c: { type: string }) => c.type === 'ReplicaFailure');
    });
    timings.push(`v1.24 base alone: ReplicaFailure after ${ms} ms`);
    expect(failure.status).toBe('True');
    expect(failure.reason).toBe('FailedCreate');
    expect(failure.message).toMatch(/PodSecurityPolicy/);
    expect(await pods()).toEqual([]);
  });

  it('the PSP without its grant admits nothing either: neither the ServiceAccount nor the controller may use it', async () => {
    const file = path.join(os.tmpdir(), `psp-dashboard-psp-only-${process.pid}.json`);
    fs.writeFileSync(file, JSON.stringify(one(withPsp, 'PodSecurityPolicy', PSP)));
    try {
      await kubectl(cluster, 'apply', '-f', file);
    } finally {
      fs.rmSync(file, { force: true });
    }
    // Asked the way the ReplicaSet controller asks (a server dry run: the controller's own retries
    // are left alone, so its back-off does not grow before the next step).
    const pod = podFromTemplate(one(withPsp, 'Deployment'), 'psp-dashboard-psp-only');
    const res = await rawRequest(cluster, 'POST', `/api/v1/namespaces/${NS}/pods?dryRun=All`, pod, { 'Impersonate-User': RS_CONTROLLER });
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/PodSecurityPolicy: unable to admit pod/);
    expect(await pods()).toEqual([]);
  });

  it('with deploy/psp/ the ReplicaSet controller creates the pod, admitted by the overlay\'s PSP and not changed by it', async () => {
    await timed('v1.24 apply deploy/psp/', () => kubectl(cluster, 'apply', '-k', 'deploy/psp/'));
    const { value: pod, ms } = await until('the dashboard pod', 90_000, async () => (await pods())[0]);
    timings.push(`v1.24 with overlay: pod after ${ms} ms (the ReplicaSet controller's retry back-off)`);
    const template = one(withPsp, 'Deployment').spec.template;
    const rs = pod.metadata.ownerReferences?.find((r: { kind: string }) => r.kind === 'ReplicaSet');
    expect(rs, 'created by the ReplicaSet controller').toBeTruthy();
    expect(pod.metadata.annotations?.['kubernetes.io/psp']).toBe(PSP);
    // The only other annotation: the one v1.24 writes from the seccompProfile field (for every PSP).
    expect(pod.metadata.annotations).toEqual({ ...template.metadata.annotations, 'kubernetes.io/psp': PSP, 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' });
    expect(pod.spec.securityContext).toEqual(template.spec.securityContext);
    expect(pod.spec.serviceAccountName).toBe(SA);
    for (const k of ['hostNetwork', 'hostPID', 'hostIPC']) expect(pod.spec[k]).toBeFalsy();
    expect(pod.spec.containers).toHaveLength(1);
    const [c, t] = [pod.spec.containers[0], template.spec.containers[0]];
    expect(c.securityContext).toEqual(t.securityContext);
    for (const k of ['image', 'imagePullPolicy', 'env', 'ports', 'resources']) expect(c[k], k).toEqual(t[k]);
    // volumes: the template's, plus only the token projection the ServiceAccount plugin adds
    expect(pod.spec.volumes.filter((v: { name: string }) => !v.name.startsWith('kube-api-access-'))).toEqual(template.spec.volumes);
    expect(pod.spec.volumes.filter((v: { name: string }) => v.name.startsWith('kube-api-access-')).map((v: { projected?: unknown }) => !!v.projected)).toEqual([true]);
    expect(pod.status.phase).toBe('Pending'); // no nodes
  });

  it('the PSP is usable by the dashboard\'s ServiceAccount in psp-dashboard only: not elsewhere, not by the controller', async () => {
    const use = { group: 'policy', resource: 'podsecuritypolicies', verb: 'use', name: PSP };
    expect(await may(cluster, SA_USER, SA_GROUPS, { ...use, namespace: NS })).toBe(true);
    expect(await may(cluster, SA_USER, SA_GROUPS, { ...use, namespace: 'default' })).toBe(false);
    expect(await may(cluster, `system:serviceaccount:${NS}:dashboard`, SA_GROUPS, { ...use, namespace: NS })).toBe(false);
    expect(await may(cluster, RS_CONTROLLER, ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'], { ...use, namespace: NS })).toBe(false);
  });

  it('the ServiceAccount may read and create TokenReviews, and nothing more', () => checkServiceAccountRights(cluster, true));
});

describe.runIf(haveKustomize && clusterAvailable('current'))('deploy/ on the current kube-apiserver (Pod Security Admission)', () => {
  let cluster: TestCluster;
  let deployment: Obj;
  beforeAll(async () => {
    cluster = await timed('start current', () => startCluster({ version: 'current' }));
    deployment = one(base, 'Deployment');
  });
  afterAll(() => cluster?.stop());

  const dryRunPod = (pod: Obj, headers?: Record<string, string>) => rawRequest(cluster, 'POST', `/api/v1/namespaces/${NS}/pods?dryRun=All`, pod, headers);

  it('kubectl apply --dry-run=server -k deploy/ succeeds, then applies for real', async () => {
    const { stdout, stderr } = await timed('current server dry run deploy/', () => kubectl(cluster, 'apply', '--dry-run=server', '-k', 'deploy/'));
    for (const o of base) expect(stdout).toContain(`/${o.metadata.name}`);
    expect(stdout).toMatch(/\(server dry run\)/);
    expect(stderr).not.toMatch(/PodSecurity|would violate/);
    const real = await timed('current apply deploy/', () => kubectl(cluster, 'apply', '-k', 'deploy/'));
    expect(real.stderr).not.toMatch(/PodSecurity|would violate/);
    const ns = (await rawRequest(cluster, 'GET', `/api/v1/namespaces/${NS}`)).body;
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce-version']).toBe('v1.24');
    // testenv's own ServiceAccount in the same namespace is untouched
    expect((await rawRequest(cluster, 'GET', `/api/v1/namespaces/${NS}/serviceaccounts/dashboard`)).status).toBe(200);
  });

  it('a pod from the template is admitted under enforce=restricted with no PodSecurity warning, as admin and as the ReplicaSet controller', async () => {
    const pod = podFromTemplate(deployment, 'psp-dashboard-template-check');
    const asAdmin = await dryRunPod(pod);
    expect(asAdmin.status, JSON.stringify(asAdmin.body).slice(0, 500)).toBe(201);
    expect(warnings(asAdmin).filter((w) => /PodSecurity|violate/i.test(w))).toEqual([]);
    const asController = await dryRunPod(pod, { 'Impersonate-User': RS_CONTROLLER });
    expect(asController.status, JSON.stringify(asController.body).slice(0, 500)).toBe(201);
    expect(warnings(asController).filter((w) => /PodSecurity|violate/i.test(w))).toEqual([]);
    expect(asController.body.spec.securityContext).toEqual(deployment.spec.template.spec.securityContext);
  });

  it('negative control: the same pod with allowPrivilegeEscalation: true is refused by PodSecurity restricted', async () => {
    const pod = podFromTemplate(deployment, 'psp-dashboard-escalating');
    pod.spec.containers[0].securityContext.allowPrivilegeEscalation = true;
    const res = await dryRunPod(pod);
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/violates PodSecurity "restricted:v1\.24"/);
    expect(res.body.message).toMatch(/allowPrivilegeEscalation != false/);
  });

  it('the ServiceAccount may read and create TokenReviews, and nothing more', () => checkServiceAccountRights(cluster, false));
});
