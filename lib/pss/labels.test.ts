import { describe, expect, it } from 'vitest';
import { parsePodSecurityConfiguration, DEFAULT_CONFIGURATION } from './config';
import { admit, namespacePolicy, relabelWarnings, strictestLevel } from './labels';
import { handWrittenCases } from './cases';
import { parseVersion, serverMinorOf } from './version';

const E = 'pod-security.kubernetes.io/enforce';
const EV = 'pod-security.kubernetes.io/enforce-version';
const W = 'pod-security.kubernetes.io/warn';
const WV = 'pod-security.kubernetes.io/warn-version';
const A = 'pod-security.kubernetes.io/audit';
const pods = new Map(handWrittenCases().map((k) => [k.name, k.pod]));

describe('versions', () => {
  it('parses latest and v1.N only', () => {
    expect(parseVersion('latest').version).toBe('latest');
    expect(parseVersion('v1.25').version).toBe('v1.25');
    expect(parseVersion('v1.0').version).toBe('v1.0');
    for (const bad of ['v1.025', '1.25', 'v2.0', 'v1.x', 'Latest', 'v1.', '']) expect(parseVersion(bad).error, bad).toBe('must be "latest" or "v1.x"');
  });
  it('reads a server minor from gitVersion', () => {
    expect(serverMinorOf('v1.24.17')).toBe(24);
    expect(serverMinorOf('v1.37.2')).toBe(37);
    expect(() => serverMinorOf('nope')).toThrow();
  });
});

describe('namespacePolicy', () => {
  it('unlabelled: the defaults (privileged:latest without a configuration)', () => {
    const p = namespacePolicy({});
    expect(p.policy).toEqual(DEFAULT_CONFIGURATION.defaults);
    expect(p.errors).toEqual([]);
  });

  it('warn follows a stricter enforce, with its version unless warn-version is set', () => {
    expect(namespacePolicy({ [E]: 'restricted', [EV]: 'v1.24' }).policy.warn).toEqual({ level: 'restricted', version: 'v1.24' });
    expect(namespacePolicy({ [E]: 'restricted', [EV]: 'v1.24', [WV]: 'v1.30' }).policy.warn).toEqual({ level: 'restricted', version: 'v1.30' });
    expect(namespacePolicy({ [E]: 'baseline', [W]: 'privileged' }).policy.warn).toEqual({ level: 'privileged', version: 'latest' });
    // v1.24–v1.25 servers do not: warn stays at its default
    expect(namespacePolicy({ [E]: 'restricted', [EV]: 'v1.24' }, undefined, { serverMinor: 25 }).policy.warn).toEqual({ level: 'privileged', version: 'latest' });
  });

  it('invalid values: enforce fails closed (restricted), audit and warn fail open; version → latest', () => {
    const p = namespacePolicy({ [E]: 'strict', [A]: 'x', [W]: 'y', [EV]: '1.25' });
    expect(p.policy.enforce).toEqual({ level: 'restricted', version: 'latest' });
    expect(p.policy.audit.level).toBe('privileged');
    expect(p.policy.warn.level).toBe('privileged');
    expect(p.errors.map((e) => e.message)).toEqual([
      'metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted',
      'metadata.labels[pod-security.kubernetes.io/enforce-version]: Invalid value: "1.25": must be "latest" or "v1.x"',
      'metadata.labels[pod-security.kubernetes.io/audit]: Invalid value: "x": must be one of privileged, baseline, restricted',
      'metadata.labels[pod-security.kubernetes.io/warn]: Invalid value: "y": must be one of privileged, baseline, restricted',
    ]);
  });

  it('a version newer than the server is evaluated as the server\'s newest, and flagged', () => {
    const p = namespacePolicy({ [E]: 'baseline', [EV]: 'v1.30' }, undefined, { serverMinor: 24 });
    expect(p.evaluatedMinor.enforce).toBe(24);
    expect(p.newerThanServer).toEqual(['enforce']);
    expect(namespacePolicy({ [E]: 'baseline', [EV]: 'v1.38' }).newerThanServer).toEqual(['enforce', 'warn']);
    expect(namespacePolicy({ [E]: 'baseline' }, undefined, { serverMinor: 24 }).evaluatedMinor.enforce).toBe(24);
    expect(namespacePolicy({ [E]: 'baseline' }).evaluatedMinor.enforce).toBe(37);
  });

  it('uses the configured defaults for unlabelled modes', () => {
    const cfg = parsePodSecurityConfiguration('apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults:\n  enforce: baseline\n  enforce-version: v1.29\n');
    if (!cfg.ok) throw new Error(cfg.errors.join());
    expect(namespacePolicy({}, cfg.config).policy.enforce).toEqual({ level: 'baseline', version: 'v1.29' });
    expect(namespacePolicy({ [A]: 'restricted' }, cfg.config).policy.enforce).toEqual({ level: 'baseline', version: 'v1.29' });
  });
});

describe('admit', () => {
  const cfgText = `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: PodSecurity
  configuration:
    apiVersion: pod-security.admission.config.k8s.io/v1
    kind: PodSecurityConfiguration
    defaults:
      enforce: restricted
    exemptions:
      usernames: [system:serviceaccount:kube-system:replicaset-controller]
      namespaces: [kube-system]
      runtimeClasses: [kata]
`;
  const parsed = parsePodSecurityConfiguration(cfgText);
  if (!parsed.ok) throw new Error(parsed.errors.join());
  const config = parsed.config;

  it('refuses a pod with the plugin\'s message; exemptions skip evaluation', () => {
    const pod = pods.get('privileged-one')!;
    const d = admit({ object: pod, namespace: 'team', config });
    expect(d.allowed).toBe(false);
    expect(d.message).toMatch(/^pods "privileged-one" is forbidden: violates PodSecurity "restricted:latest": privileged \(container "a" must not set securityContext.privileged=true\), /);
    expect(admit({ object: pod, namespace: 'kube-system', config })).toMatchObject({ allowed: true, exempt: 'namespace' });
    expect(admit({ object: pod, namespace: 'team', config, username: 'system:serviceaccount:kube-system:replicaset-controller' })).toMatchObject({ allowed: true, exempt: 'user' });
    expect(admit({ object: { ...pod, spec: { ...pod.spec, runtimeClassName: 'kata' } }, namespace: 'team', config })).toMatchObject({ allowed: true, exempt: 'runtimeClass' });
  });

  it('never refuses a workload; warns on its template', () => {
    const d = admit({ object: { kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 0, template: { spec: pods.get('privileged-one')!.spec } } }, namespace: 'n', namespaceLabels: { [E]: 'baseline' } });
    expect(d.allowed).toBe(true);
    expect(d.warnings).toEqual(['would violate PodSecurity "baseline:latest": privileged (container "a" must not set securityContext.privileged=true)']);
  });

  it('warns (not refuses) when only warn is set, and audits', () => {
    const d = admit({ object: pods.get('bare')!, namespace: 'n', namespaceLabels: { [W]: 'restricted', [A]: 'baseline' } });
    expect(d.allowed).toBe(true);
    expect(d.warnings[0]).toMatch(/^would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false/);
    expect(d.auditViolation).toBeUndefined();
  });

  it('strictestLevel', () => {
    expect(strictestLevel(pods.get('restricted-ok')!, 'latest')).toBe('restricted');
    expect(strictestLevel(pods.get('bare')!, 'latest')).toBe('baseline');
    expect(strictestLevel(pods.get('privileged-one')!, 'latest')).toBe('privileged');
  });
});

describe('parsePodSecurityConfiguration', () => {
  it('defaults unset modes to privileged:latest', () => {
    const r = parsePodSecurityConfiguration('apiVersion: pod-security.admission.config.k8s.io/v1beta1\nkind: PodSecurityConfiguration\n');
    expect(r).toMatchObject({ ok: true, config: { defaults: DEFAULT_CONFIGURATION.defaults, exemptions: { usernames: [], namespaces: [], runtimeClasses: [] } } });
  });

  it('reports every problem with its field', () => {
    const r = parsePodSecurityConfiguration(`apiVersion: pod-security.admission.config.k8s.io/v1
kind: PodSecurityConfiguration
defaults:
  enforce: strict
  warn-version: "1.25"
  colour: blue
exemptions:
  usernames: ["", alice, alice]
  namespaces: [Kube_System]
  runtimeClasses: [ok.example.com, "no way"]
`);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      'defaults.enforce: Invalid value: "strict": must be one of privileged, baseline, restricted',
      'defaults.warn-version: Invalid value: "1.25": must be "latest" or "v1.x"',
      'defaults.colour: unknown field',
      'exemptions.usernames[0]: Invalid value: "": username must not be empty',
      'exemptions.usernames[2]: Duplicate value: "alice"',
      expect.stringMatching(/^exemptions.namespaces\[0\]: Invalid value: "Kube_System": a lowercase RFC 1123 label/),
      expect.stringMatching(/^exemptions.runtimeClasses\[1\]: Invalid value: "no way": a lowercase RFC 1123 subdomain/),
    ]);
  });

  it('refuses other kinds, bad YAML and several documents', () => {
    expect(parsePodSecurityConfiguration('kind: Pod\napiVersion: v1').ok).toBe(false);
    expect(parsePodSecurityConfiguration('a: [').ok).toBe(false);
    expect(parsePodSecurityConfiguration('a: 1\n---\nb: 2\n').ok).toBe(false);
    const noPlugin = parsePodSecurityConfiguration('apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins: []\n');
    expect(noPlugin).toEqual({ ok: false, errors: ['AdmissionConfiguration has no plugin named PodSecurity'] });
  });
});

describe('relabelWarnings', () => {
  const P = (name: string, podName = name, owner?: string) => {
    const p = pods.get(name)!;
    return { ...p, metadata: { ...p.metadata, name: podName, ...(owner ? { ownerReferences: [{ kind: 'ReplicaSet', name: 'rs', uid: owner, controller: true }] } : {}) } };
  };
  const existing = [P('bare', 'b1'), P('bare', 'a2'), P('bare', 'c3'), P('privileged-one', 'x'), P('privileged-one', 'y'), P('restricted-ok')];

  it('groups pods by their reasons, names the lexically first, sorts the lines', () => {
    expect(relabelWarnings({ namespace: 'team', oldLabels: {}, newLabels: { [E]: 'baseline' }, pods: existing }).warnings).toEqual([
      'existing pods in namespace "team" violate the new PodSecurity enforce level "baseline:latest"',
      'x (and 1 other pod): privileged',
    ]);
    const r = relabelWarnings({ namespace: 'team', oldLabels: { [E]: 'baseline' }, newLabels: { [E]: 'restricted' }, pods: existing }).warnings;
    expect(r[0]).toBe('existing pods in namespace "team" violate the new PodSecurity enforce level "restricted:latest"');
    expect(r[1]).toBe('a2 (and 2 other pods): allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile');
  });

  it('says nothing when enforce does not get stricter, and refuses invalid labels', () => {
    expect(relabelWarnings({ namespace: 'n', oldLabels: { [E]: 'restricted' }, newLabels: { [E]: 'baseline' }, pods: existing }).warnings).toEqual([]);
    expect(relabelWarnings({ namespace: 'n', oldLabels: {}, newLabels: { [E]: 'privileged' }, pods: existing }).warnings).toEqual([]);
    expect(relabelWarnings({ namespace: 'n', oldLabels: {}, newLabels: { [W]: 'restricted' }, pods: existing }).warnings).toEqual([]);
    expect(relabelWarnings({ namespace: 'n', oldLabels: {}, newLabels: { [E]: 'nope' }, pods: existing }).invalid).toHaveLength(1);
  });

  it('checks one pod per controller first and at most maxPods', () => {
    const replicas = [P('privileged-one', 'r1', 'u1'), P('privileged-one', 'r2', 'u1'), P('bare', 'solo')];
    expect(relabelWarnings({ namespace: 'n', newLabels: { [E]: 'baseline' }, pods: replicas, maxPods: 2 }).warnings).toEqual([
      'new PodSecurity enforce level only checked against the first 2 of 3 existing pods',
      'existing pods in namespace "n" violate the new PodSecurity enforce level "baseline:latest"',
      'r1: privileged',
    ]);
  });
});
