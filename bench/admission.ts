// Admission simulation on the large generated cluster: every workload's pods through PSP selection.
import type { ClusterModel, Workload } from '../lib/model/types';
import { simulateWorkloads } from '../lib/access/simulate-workload';

/** Deterministic workloads: per namespace a few Deployments, a DaemonSet, a StatefulSet and a Job, with varied security contexts. */
export function generateWorkloads(model: ClusterModel, perNamespace = 6): Workload[] {
  const contexts = [
    {}, { privileged: true }, { runAsUser: 0 }, { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    { capabilities: { add: ['NET_ADMIN'] } }, { readOnlyRootFilesystem: true },
  ];
  const kinds = ['Deployment', 'Deployment', 'DaemonSet', 'StatefulSet', 'Job', 'Deployment'] as const;
  const sasByNs = new Map<string, string[]>();
  for (const sa of model.serviceAccounts) sasByNs.set(sa.metadata.namespace!, [...(sasByNs.get(sa.metadata.namespace!) ?? []), sa.metadata.name]);
  const out: Workload[] = [];
  model.namespaces.forEach((ns, n) => {
    const sas = sasByNs.get(ns.metadata.name) ?? ['default'];
    for (let i = 0; i < perNamespace; i++) {
      const securityContext = contexts[(n + i) % contexts.length];
      const spec = {
        serviceAccountName: sas[(n * 7 + i) % sas.length],
        hostNetwork: (n + i) % 11 === 0,
        volumes: (n + i) % 5 === 0 ? [{ name: 'h', hostPath: { path: '/var/log' } }] : [{ name: 'c', configMap: { name: 'cfg' } }],
        containers: [{ name: 'app', image: 'x', ports: [{ containerPort: 8080 }], securityContext }],
      };
      out.push({ apiVersion: 'apps/v1', kind: kinds[i % kinds.length], metadata: { name: `w-${i}`, namespace: ns.metadata.name }, spec: { template: { spec } } });
    }
  });
  return out;
}

export function benchAdmission(model: ClusterModel, time: <T>(label: string, runs: number, fn: () => T) => T): void {
  const withWorkloads: ClusterModel = { ...model, workloads: generateWorkloads(model) };
  const outcomes = time(`simulate ${withWorkloads.workloads.length} workloads (PSP selection)`, 5, () => simulateWorkloads(withWorkloads));
  time('simulate one namespace\'s workloads', 10, () => simulateWorkloads(withWorkloads, { namespace: 'ns-042' }));
  const refused = outcomes.filter((o) => !o.allowed).length;
  const byPsp = new Map<string, number>();
  for (const o of outcomes) if (o.psp) byPsp.set(o.psp, (byPsp.get(o.psp) ?? 0) + 1);
  console.log(`Simulation: ${outcomes.length} workloads, ${refused} refused, admitted under ${byPsp.size} different PSPs.`);
}
