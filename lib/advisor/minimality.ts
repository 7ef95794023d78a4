import { semanticEqual } from '../admission/diff';
import type { Pod } from '../admission/pod';
import { mutatePod, validatePod } from '../admission/provider';
import { formatFieldError } from '../admission/field-error';
import { APPARMOR_ALLOWED_ANNOTATION, buildStrategies, SECCOMP_ALLOWED_ANNOTATION } from '../admission/strategies';
import type { Psp, PspSpec } from '../model/types';

/**
 * Minimality: each allowance of a proposal, taken away (or each restriction it leaves out, added),
 * gives a copy of the PSP that no longer admits every input pod unchanged. An allowance is taken away
 * only where the result is a tighter policy: removing the last `allowedHostPaths` entry would allow
 * every path, removing a strategy's last range would make it invalid, so those are not "tighter" copies
 * (the host path allowance as a whole is `volumes: hostPath`).
 */

export interface Tightening {
  /** `volumes: hostPath`, `allowedHostPaths: /var/log read-write`, `readOnlyRootFilesystem: true`, … */
  label: string;
  psp: Psp;
  /** An allowance removed (a pod must be refused), or a restriction added (refused, or only admitted if changed). */
  kind: 'allowance' | 'restriction';
}

const withSpec = (psp: Psp, spec: Partial<PspSpec>, label: string, kind: Tightening['kind'] = 'allowance'): Tightening => ({
  label, kind, psp: { ...psp, metadata: { ...psp.metadata }, spec: { ...psp.spec, ...spec } },
});

const withAnnotation = (psp: Psp, key: string, value: string | undefined, label: string): Tightening => {
  const annotations = { ...(psp.metadata.annotations ?? {}) };
  if (value === undefined) delete annotations[key];
  else annotations[key] = value;
  return { label, kind: 'allowance', psp: { ...psp, metadata: { ...psp.metadata, annotations } } };
};

const without = <T,>(xs: T[], i: number) => xs.filter((_, j) => j !== i);

/** Every tighter copy of the PSP, one allowance removed (or one restriction added) each. */
export function tightenings(psp: Psp): Tightening[] {
  const s = psp.spec;
  const out: Tightening[] = [];
  for (const f of ['privileged', 'hostNetwork', 'hostPID', 'hostIPC'] as const) if (s[f]) out.push(withSpec(psp, { [f]: false }, `${f}: true`));
  (s.hostPorts ?? []).forEach((r, i) => out.push(withSpec(psp, { hostPorts: without(s.hostPorts!, i) }, `hostPorts: ${r.min}-${r.max}`)));
  (s.volumes ?? []).forEach((v, i) => out.push(withSpec(psp, { volumes: without(s.volumes!, i) }, `volumes: ${v}`)));
  const paths = s.allowedHostPaths ?? [];
  paths.forEach((p, i) => {
    if (paths.length > 1) out.push(withSpec(psp, { allowedHostPaths: without(paths, i) }, `allowedHostPaths: ${p.pathPrefix}`));
    if (!p.readOnly) out.push(withSpec(psp, { allowedHostPaths: paths.map((q, j) => (j === i ? { ...q, readOnly: true } : q)) }, `allowedHostPaths: ${p.pathPrefix} read-write`));
  });
  const flex = s.allowedFlexVolumes ?? [];
  if (flex.length > 1) flex.forEach((d, i) => out.push(withSpec(psp, { allowedFlexVolumes: without(flex, i) }, `allowedFlexVolumes: ${d.driver}`)));
  const csi = s.allowedCSIDrivers ?? [];
  if (csi.length > 1) csi.forEach((d, i) => out.push(withSpec(psp, { allowedCSIDrivers: without(csi, i) }, `allowedCSIDrivers: ${d.name}`)));
  (s.allowedCapabilities ?? []).forEach((c, i) => out.push(withSpec(psp, { allowedCapabilities: without(s.allowedCapabilities!, i) }, `allowedCapabilities: ${c}`)));
  (s.allowedUnsafeSysctls ?? []).forEach((c, i) => out.push(withSpec(psp, { allowedUnsafeSysctls: without(s.allowedUnsafeSysctls!, i) }, `allowedUnsafeSysctls: ${c}`)));
  for (const f of ['runAsUser', 'runAsGroup', 'fsGroup', 'supplementalGroups'] as const) {
    const r = s[f];
    const ranges = r?.ranges ?? [];
    if (ranges.length > 1) ranges.forEach((x, i) => out.push(withSpec(psp, { [f]: { ...r!, ranges: without(ranges, i) } }, `${f}: ${x.min}-${x.max}`)));
    if (r?.rule === 'MayRunAs') out.push(withSpec(psp, { [f]: { ...r, rule: 'MustRunAs' } }, `${f}: MayRunAs (not MustRunAs)`, 'restriction'));
  }
  if (s.runAsUser?.rule === 'RunAsAny') out.push(withSpec(psp, { runAsUser: { rule: 'MustRunAsNonRoot' } }, 'runAsUser: RunAsAny (not MustRunAsNonRoot)', 'restriction'));
  if (!s.readOnlyRootFilesystem) out.push(withSpec(psp, { readOnlyRootFilesystem: true }, 'readOnlyRootFilesystem: false', 'restriction'));
  if (s.allowPrivilegeEscalation !== false) out.push(withSpec(psp, { allowPrivilegeEscalation: false }, 'allowPrivilegeEscalation: true', 'restriction'));
  const procs = s.allowedProcMountTypes ?? [];
  procs.forEach((p, i) => { if (p !== 'Default') out.push(withSpec(psp, { allowedProcMountTypes: without(procs, i) }, `allowedProcMountTypes: ${p}`)); });
  const classes = s.runtimeClass?.allowedRuntimeClassNames ?? [];
  classes.forEach((c, i) => out.push(withSpec(psp, { runtimeClass: { allowedRuntimeClassNames: without(classes, i) } }, `runtimeClass: ${c}`)));
  const seccomp = psp.metadata.annotations?.[SECCOMP_ALLOWED_ANNOTATION];
  if (seccomp !== undefined && seccomp !== '*') {
    const list = seccomp.split(',');
    list.forEach((p, i) => out.push(withAnnotation(psp, SECCOMP_ALLOWED_ANNOTATION, list.length > 1 ? without(list, i).join(',') : undefined, `seccomp profile ${p}`)));
  }
  const apparmor = psp.metadata.annotations?.[APPARMOR_ALLOWED_ANNOTATION];
  if (apparmor !== undefined) {
    const list = apparmor.split(',');
    if (list.length > 1) list.forEach((p, i) => out.push(withAnnotation(psp, APPARMOR_ALLOWED_ANNOTATION, without(list, i).join(','), `AppArmor profile ${p}`)));
  }
  return out;
}

/** What one PSP alone does to a pod: refused (with errors), admitted changed, or admitted unchanged. */
export function outcomeOf(psp: Psp, pod: Pod): { refused: boolean; mutated: boolean; errors: string[] } {
  const r = buildStrategies(psp);
  if (!r.ok) return { refused: true, mutated: false, errors: [r.error] };
  const copy = mutatePod(r.strategies, pod);
  const errors = validatePod(r.strategies, copy).map(formatFieldError);
  return { refused: errors.length > 0, mutated: !semanticEqual(pod, copy), errors };
}

/**
 * The pods as Validate sees them on UPDATE (ephemeral containers are validated like the others when
 * the pod has some): the pod itself, plus a view with its ephemeral containers among the containers.
 */
export function validationViews(pod: Pod): Pod[] {
  const eph = pod.spec.ephemeralContainers ?? [];
  if (!eph.length) return [pod];
  return [pod, { ...pod, spec: { ...pod.spec, containers: [...(pod.spec.containers ?? []), ...eph] } }];
}

export interface MinimalityCheck {
  label: string;
  kind: Tightening['kind'];
  /** The first input pod the tighter copy refuses (or, for a restriction, refuses or changes). */
  refuses?: string;
  ok: boolean;
}

/** For each tightening, whether some input pod shows the allowance is needed. */
export function checkMinimality(psp: Psp, pods: { workload: string; pod: Pod }[]): MinimalityCheck[] {
  return tightenings(psp).map((t) => {
    for (const { workload, pod } of pods) {
      for (const view of validationViews(pod)) {
        const o = outcomeOf(t.psp, view);
        if (o.refused || (t.kind === 'restriction' && o.mutated)) return { label: t.label, kind: t.kind, refuses: workload, ok: true };
      }
    }
    return { label: t.label, kind: t.kind, ok: false };
  });
}
