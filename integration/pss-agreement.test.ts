/**
 * The Pod Security engine (lib/pss) against the real PodSecurity admission of kube-apiserver v1.24.17
 * and v1.37.2. Namespaces are labelled for real with several (level, version) pairs; hand-written
 * pods for every check and seeded random pods are created in each with `?dryRun=All` as admin, and
 * the server's answer (201, or 403 and its whole message) is compared with the engine's prediction.
 *
 * The engine is given the pod as the server evaluates it: PodSecurity is a validating plugin, so it
 * sees the pod after API defaulting (hostNetwork → hostPort), the dropping of fields the server does
 * not know or has disabled (v1.24: hostUsers, appArmorProfile, procMount), and the seccomp/AppArmor
 * annotation ↔ field sync of the pod strategy. Each pod is first created (dry run) in an unlabelled
 * namespace and the returned object is what the engine evaluates. Pods the server finds invalid (422)
 * are counted and left out, and so (v1.24) are pods PSP admission refuses even with a fully
 * permissive PSP (procMount Unmasked: the ProcMountType gate is off).
 *
 * Workload templates (warn): a Deployment and a ReplicationController scaled to zero and a CronJob,
 * in a namespace with warn/audit labels and in one with only an enforce label (warn follows enforce
 * from v1.26 only); the `Warning:` headers must equal the engine's `would violate PodSecurity …`.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type ClusterVersion, type TestCluster } from '../testenv/cluster';
import { clusterAvailable, until } from './support';
import type { Pod } from '../lib/admission/pod';
import { handWrittenCases, randomCases, type PodCase } from '../lib/pss/cases';
import { evaluatePod, refusalMessage } from '../lib/pss/evaluate';
import { admit, namespacePolicy, relabelWarnings } from '../lib/pss/labels';
import { normalizeForServer } from '../lib/pss/normalize';
import { serverMinorOf, type LevelVersion, type PssVersion } from '../lib/pss/version';

const RANDOM_SEED = Number(process.env.PSS_SEED ?? 20251202);
const RANDOM_COUNT = Number(process.env.PSS_RANDOM_PODS ?? 300);
const CONCURRENCY = 6;

interface ServerPlan {
  version: ClusterVersion;
  versions: PssVersion[];
}

const PLANS: ServerPlan[] = [
  { version: '1.24', versions: ['v1.0', 'v1.18', 'v1.22', 'v1.24', 'v1.25', 'v1.99', 'latest'] },
  { version: 'current', versions: ['v1.0', 'v1.18', 'v1.22', 'v1.24', 'v1.25', 'v1.30', 'v1.35', 'v1.99', 'latest'] },
];

const RAW_NS = 'pss-raw';
const WARN_LABELS = { 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/warn-version': 'latest', 'pod-security.kubernetes.io/audit': 'baseline' };
/** Only enforce: from v1.26 warn follows it (so workloads get warnings); v1.24 leaves warn privileged. */
const ENFORCE_ONLY_LABELS = { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.22' };

function nsName(lv: LevelVersion): string {
  return `pss-${lv.level}-${lv.version.replace('.', '-')}`;
}

async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

/** A request that also returns the `Warning:` headers (cluster.request does not expose headers). */
function requestWithWarnings(cluster: TestCluster, method: string, path: string, body: unknown): Promise<{ status: number; body: any; warnings: string[]; auditId?: string }> {
  const url = new URL(path, cluster.server);
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(url, {
      method, ca: cluster.caData,
      headers: { Authorization: `Bearer ${cluster.tokens.admin}`, 'Content-Type': 'application/json', Accept: 'application/json', 'Content-Length': Buffer.byteLength(data) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const warnings: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          if (res.rawHeaders[i].toLowerCase() !== 'warning') continue;
          const m = /^\d{3} \S+ "((?:[^"\\]|\\.)*)"/.exec(res.rawHeaders[i + 1]);
          if (m) warnings.push(m[1].replace(/\\(.)/g, '$1'));
        }
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try { parsed = JSON.parse(text); } catch { /* text */ }
        resolve({ status: res.statusCode ?? 0, body: parsed, warnings, auditId: res.headers['audit-id'] as string | undefined });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

for (const plan of PLANS) {
  const run = clusterAvailable(plan.version);
  describe.runIf(run)(`Pod Security agreement on kube-apiserver ${plan.version}`, () => {
    let cluster: TestCluster;
    let serverMinor = 0;
    const levelVersions: LevelVersion[] = plan.versions.flatMap((version) => (['baseline', 'restricted'] as const).map((level) => ({ level, version })));

    beforeAll(async () => {
      cluster = await startCluster({ version: plan.version });
      serverMinor = serverMinorOf(cluster.serverVersion);
      const post = async (path: string, obj: unknown) => {
        const r = await cluster.request('admin', 'POST', path, obj);
        if (r.status !== 201 && r.status !== 409) throw new Error(`POST ${path}: ${r.status} ${r.text.slice(0, 300)}`);
      };
      if (plan.version === '1.24') {
        // PSP admission is on: a fully permissive policy everyone may use keeps it out of the way.
        await post('/apis/policy/v1beta1/podsecuritypolicies', {
          apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: { name: 'pss-agreement-permissive', annotations: { 'seccomp.security.alpha.kubernetes.io/allowedProfileNames': '*' } },
          spec: {
            privileged: true, allowPrivilegeEscalation: true, allowedCapabilities: ['*'], volumes: ['*'], hostNetwork: true, hostPID: true, hostIPC: true,
            hostPorts: [{ min: 0, max: 65535 }], runAsUser: { rule: 'RunAsAny' }, seLinux: { rule: 'RunAsAny' }, supplementalGroups: { rule: 'RunAsAny' },
            fsGroup: { rule: 'RunAsAny' }, allowedUnsafeSysctls: ['*'], allowedProcMountTypes: ['Default', 'Unmasked'],
          },
        });
        await post('/apis/rbac.authorization.k8s.io/v1/clusterroles', {
          apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'pss-agreement-permissive' },
          rules: [{ apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['use'], resourceNames: ['pss-agreement-permissive'] }],
        });
        await post('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
          apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'pss-agreement-permissive' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'pss-agreement-permissive' },
          subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' }],
        });
      }
      const namespaces: { name: string; labels: Record<string, string> }[] = [
        { name: RAW_NS, labels: {} },
        { name: 'pss-warn', labels: WARN_LABELS },
        { name: 'pss-enforce-only', labels: ENFORCE_ONLY_LABELS },
        ...levelVersions.map((lv) => ({ name: nsName(lv), labels: { 'pod-security.kubernetes.io/enforce': lv.level, 'pod-security.kubernetes.io/enforce-version': lv.version } })),
      ];
      for (const ns of namespaces) {
        await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.name, labels: ns.labels } });
        // No controller manager: the ServiceAccount plugin needs the default account to exist.
        await post(`/api/v1/namespaces/${ns.name}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
      }
    }, 240_000);

    afterAll(async () => {
      await cluster?.stop();
    });

    /** Runs the cases; returns [agree, total, invalid] and the disagreements. */
    async function compare(cases: PodCase[]) {
      let agree = 0;
      let agreeManifest = 0;
      const manifestDisagreements: string[] = [];
      let total = 0;
      const invalid: string[] = [];
      const disagreements: string[] = [];
      const outcomes = new Map<string, number>();
      const evaluated = new Map<string, Pod>();
      await pool(cases, CONCURRENCY, async (k) => {
        const r = await cluster.request('admin', 'POST', `/api/v1/namespaces/${RAW_NS}/pods?dryRun=All`, k.pod);
        if (r.status === 201) evaluated.set(k.name, r.body as Pod);
        else if (r.status === 422 || r.status === 400) invalid.push(k.name);
        // v1.24: PSP admission runs first and refuses what the server cannot run at all (procMount
        // Unmasked while the ProcMountType gate is off), whatever the PSP allows.
        else if (r.status === 403 && String(r.body?.message).includes('PodSecurityPolicy:')) invalid.push(`${k.name} (PSP)`);
        else throw new Error(`${k.name} in ${RAW_NS}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
      });
      const jobs = cases.filter((k) => evaluated.has(k.name)).flatMap((k) => levelVersions.map((lv) => ({ k, lv })));
      await pool(jobs, CONCURRENCY, async ({ k, lv }) => {
        const r = await cluster.request('admin', 'POST', `/api/v1/namespaces/${nsName(lv)}/pods?dryRun=All`, k.pod);
        const predicted = evaluatePod(evaluated.get(k.name)!, lv, { serverMinor });
        // The same prediction from the manifest alone, passed through normalizeForServer.
        const fromManifest = evaluatePod(normalizeForServer(k.pod, serverMinor), lv, { serverMinor });
        if (fromManifest.allowed === (r.status === 201) && (fromManifest.allowed || refusalMessage(k.name, fromManifest) === String(r.body?.message))) agreeManifest++;
        else if (manifestDisagreements.length < 10) manifestDisagreements.push(`${k.name} @ ${lv.level}:${lv.version}: server ${r.status} ${r.status === 403 ? r.body?.message : ''}; engine on manifest: ${fromManifest.detail}`);
        total++;
        const expected = predicted.allowed ? 201 : 403;
        const key = `${lv.level}:${lv.version} ${r.status}`;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
        const expectedMessage = predicted.allowed ? undefined : refusalMessage(k.name, predicted);
        const actualMessage = r.status === 403 ? String(r.body?.message) : undefined;
        if (r.status === expected && actualMessage === expectedMessage) agree++;
        else if (r.status !== 201 && r.status !== 403) throw new Error(`${k.name} in ${nsName(lv)}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
        else disagreements.push(`${k.name} @ ${lv.level}:${lv.version}\n   server: ${r.status} ${actualMessage ?? ''}\n   engine: ${expected} ${expectedMessage ?? ''}`);
      });
      return { agree, agreeManifest, manifestDisagreements, total, invalid, disagreements, outcomes };
    }

    it('hand-written pods: allowed/refused and the whole message agree', async () => {
      const res = await compare(handWrittenCases());
      console.log(`[pss-agreement] ${cluster.serverVersion} hand-written pods × ${levelVersions.length} (level, version): ${res.agree}/${res.total} agree; invalid (422, left out): ${res.invalid.length ? res.invalid.join(', ') : 'none'}`);
      console.log(`[pss-agreement] ${cluster.serverVersion} hand-written pods, engine on the manifest (normalizeForServer): ${res.agreeManifest}/${res.total} agree`);
      if (res.disagreements.length) console.log(`[pss-agreement] disagreements:\n${res.disagreements.slice(0, 30).join('\n')}`);
      if (res.manifestDisagreements.length) console.log(`[pss-agreement] manifest disagreements:\n${res.manifestDisagreements.join('\n')}`);
      expect(res.total).toBeGreaterThan(300);
      expect(res.manifestDisagreements).toEqual([]);
      // The pods marked invalid in the corpus are the ones both servers refuse with 422 (v1.24 adds the PSP refusal and the sidecar it does not know).
      for (const k of handWrittenCases().filter((x) => x.invalid)) expect(res.invalid, k.name).toContain(k.name);
      expect(res.disagreements).toEqual([]);
    }, 600_000);

    it(`${RANDOM_COUNT} seeded random pods (seed ${RANDOM_SEED}): allowed/refused and the whole message agree`, async () => {
      const res = await compare(randomCases(RANDOM_SEED, RANDOM_COUNT));
      const refused = [...res.outcomes].filter(([k]) => k.endsWith('403')).reduce((s, [, n]) => s + n, 0);
      console.log(`[pss-agreement] ${cluster.serverVersion} random pods × ${levelVersions.length} (level, version): ${res.agree}/${res.total} agree (${refused} refused, ${res.total - refused} admitted); invalid (422, left out): ${res.invalid.length}`);
      console.log(`[pss-agreement] ${cluster.serverVersion} random pods, engine on the manifest (normalizeForServer): ${res.agreeManifest}/${res.total} agree`);
      if (res.disagreements.length) console.log(`[pss-agreement] disagreements:\n${res.disagreements.slice(0, 30).join('\n')}`);
      if (res.manifestDisagreements.length) console.log(`[pss-agreement] manifest disagreements:\n${res.manifestDisagreements.join('\n')}`);
      expect(res.invalid.length).toBeLessThan(RANDOM_COUNT / 2);
      expect(res.manifestDisagreements).toEqual([]);
      expect(res.disagreements).toEqual([]);
    }, 900_000);

    it('workload templates (Deployment scaled to zero, CronJob): the warnings equal the engine\'s', async () => {
      const template = handWrittenCases().find((k) => k.name === 'everything')!.pod;
      const tpl = { metadata: { labels: { app: 'x' }, annotations: template.metadata.annotations }, spec: template.spec };
      const objects = (ns: string) => [
        { path: `/apis/apps/v1/namespaces/${ns}/deployments`, obj: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 0, selector: { matchLabels: { app: 'x' } }, template: tpl } } },
        { path: `/apis/batch/v1/namespaces/${ns}/cronjobs`, obj: { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cj' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { ...tpl, spec: { ...tpl.spec, restartPolicy: 'Never' } } } } } } },
        { path: `/api/v1/namespaces/${ns}/replicationcontrollers`, obj: { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc' }, spec: { replicas: 0, selector: { app: 'x' }, template: tpl } } },
        { path: `/api/v1/namespaces/${ns}/pods`, obj: { ...handWrittenCases().find((k) => k.name === 'bare')!.pod } },
      ];
      let agree = 0;
      let total = 0;
      let warned = 0;
      const audits: { id: string; what: string; expected?: string }[] = [];
      for (const [ns, labels] of [['pss-warn', WARN_LABELS], ['pss-enforce-only', ENFORCE_ONLY_LABELS]] as const) {
        for (const { path, obj } of objects(ns)) {
          const r = await requestWithWarnings(cluster, 'POST', `${path}?dryRun=All`, obj);
          expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(201);
          // The engine evaluates the object as the server returns it (defaults applied).
          const predicted = admit({ object: r.body, namespace: ns, namespaceLabels: labels }, { serverMinor });
          const psaWarnings = r.warnings.filter((w) => w.includes('PodSecurity'));
          total++;
          warned += psaWarnings.length;
          if (JSON.stringify(psaWarnings) === JSON.stringify(predicted.warnings)) agree++;
          expect(psaWarnings, `${obj.kind} in ${ns}`).toEqual(predicted.warnings);
          if (r.auditId) audits.push({ id: r.auditId, what: `${obj.kind} in ${ns}`, expected: predicted.auditViolation });
        }
      }
      console.log(`[pss-agreement] ${cluster.serverVersion} warnings on workload templates and pods: ${agree}/${total} agree (${warned} warnings)`);
      // The audit annotation (audit mode) is in the server's audit log, found by the request's Audit-Id.
      expect(audits.length).toBe(total);
      const { value: events } = await until('the audit events of the dry-run requests', 10_000, async () => {
        const byId = new Map<string, Record<string, string>>();
        for (const line of readFileSync(cluster.auditLogPath, 'utf8').split('\n')) {
          if (!line) continue;
          const e = JSON.parse(line);
          if (e.stage === 'ResponseComplete') byId.set(e.auditID, e.annotations ?? {});
        }
        return audits.every((a) => byId.has(a.id)) ? byId : undefined;
      });
      let auditAgree = 0;
      for (const a of audits) {
        const actual = events.get(a.id)!['pod-security.kubernetes.io/audit-violations'];
        expect(actual, a.what).toBe(a.expected);
        if (actual === a.expected) auditAgree++;
      }
      console.log(`[pss-agreement] ${cluster.serverVersion} audit-violations annotations: ${auditAgree}/${audits.length} agree (${audits.filter((a) => a.expected).length} violations)`);
    });

    it('relabelling a namespace with pods (dry run): the warnings about existing pods equal the engine\'s', async () => {
      const ns = 'pss-relabel';
      const post = async (path: string, obj: unknown) => {
        const r = await cluster.request('admin', 'POST', path, obj);
        if (r.status !== 201 && r.status !== 409) throw new Error(`POST ${path}: ${r.status} ${r.text.slice(0, 300)}`);
      };
      await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      await post(`/api/v1/namespaces/${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
      // Real pods (no scheduler: they stay Pending). Two share a controller; the rest stand alone.
      const names = ['bare', 'privileged-one', 'restricted-ok', 'host-namespaces', 'run-as-user-zero-container', 'sysctls-by-version', 'probe-hosts', 'ape-true'];
      const corpus = new Map(handWrittenCases().map((k) => [k.name, k.pod]));
      for (const n of names) await post(`/api/v1/namespaces/${ns}/pods`, corpus.get(n));
      for (const [i, name] of ['zz-replica-a', 'aa-replica-b', 'mm-replica-c'].entries()) {
        const pod = corpus.get(i === 2 ? 'bare' : 'privileged-one')!;
        await post(`/api/v1/namespaces/${ns}/pods`, { ...pod, metadata: { name, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: '00000000-0000-0000-0000-00000000000' + (i === 2 ? '2' : '1'), controller: true }] } });
      }
      const pods = (await cluster.request('admin', 'GET', `/api/v1/namespaces/${ns}/pods`)).body.items as Pod[];
      const E = 'pod-security.kubernetes.io/enforce';
      const EV = 'pod-security.kubernetes.io/enforce-version';
      const relabels: Record<string, string>[] = [
        { [E]: 'baseline' }, { [E]: 'restricted' }, { [E]: 'restricted', [EV]: 'v1.22' }, { [E]: 'baseline', [EV]: 'v1.33' },
        { [E]: 'baseline', [EV]: 'v1.34' }, { [E]: 'restricted', [EV]: 'v1.0' }, { [E]: 'privileged' }, { 'pod-security.kubernetes.io/warn': 'restricted' },
      ];
      let agree = 0;
      let warningsSeen = 0;
      for (const labels of relabels) {
        const current = (await cluster.request('admin', 'GET', `/api/v1/namespaces/${ns}`)).body;
        const r = await requestWithWarnings(cluster, 'PUT', `/api/v1/namespaces/${ns}?dryRun=All`, { ...current, metadata: { ...current.metadata, labels: { ...current.metadata.labels, ...labels } } });
        expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(200);
        const predicted = relabelWarnings({ namespace: ns, oldLabels: current.metadata.labels, newLabels: { ...current.metadata.labels, ...labels }, pods }, { serverMinor });
        warningsSeen += r.warnings.length;
        if (JSON.stringify(r.warnings) === JSON.stringify(predicted.warnings)) agree++;
        expect(r.warnings, JSON.stringify(labels)).toEqual(predicted.warnings);
      }
      console.log(`[pss-agreement] ${cluster.serverVersion} namespace relabel warnings (${pods.length} existing pods): ${agree}/${relabels.length} label changes agree (${warningsSeen} warning lines)`);
    });

    it('namespace labels: the server refuses exactly the values the engine finds invalid', async () => {
      const cases: Record<string, string>[] = [
        { 'pod-security.kubernetes.io/enforce': 'strict' },
        { 'pod-security.kubernetes.io/enforce-version': 'v1.x' },
        { 'pod-security.kubernetes.io/warn-version': '1.25' },
        { 'pod-security.kubernetes.io/audit': 'Baseline' },
        { 'pod-security.kubernetes.io/enforce-version': 'v1.025' },
        { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.99' },
        { 'pod-security.kubernetes.io/warn': 'baseline', 'pod-security.kubernetes.io/warn-version': 'latest' },
        { 'pod-security.kubernetes.io/enforce-version': 'v2.0' },
      ];
      let agree = 0;
      for (const [i, labels] of cases.entries()) {
        const r = await cluster.request('admin', 'POST', '/api/v1/namespaces?dryRun=All', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `pss-labels-${i}`, labels } });
        const engine = namespacePolicy(labels, undefined, { serverMinor });
        const serverInvalid = r.status === 422;
        expect([201, 422]).toContain(r.status);
        if (serverInvalid === engine.errors.length > 0) agree++;
        else console.log(`[pss-agreement] labels ${JSON.stringify(labels)}: server ${r.status} ${r.text.slice(0, 200)}; engine errors ${JSON.stringify(engine.errors)}`);
        if (serverInvalid) for (const e of engine.errors) expect(String(r.body?.message)).toContain(e.message);
      }
      console.log(`[pss-agreement] ${cluster.serverVersion} namespace label validity: ${agree}/${cases.length} agree`);
      expect(agree).toBe(cases.length);
    });
  });
}
