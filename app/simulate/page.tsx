import type { Metadata } from 'next';
import { SimulateForm } from '@/components/simulate/SimulateForm';
import { ServerError } from '@/components/ui/ServerError';
import { clusterView, pspTableView, workloadsView } from '@/lib/server/views';
import { pageSource } from '@/lib/server/sources/page-source';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Simulate · PSP Dashboard' };

/** Admission simulation: which PSP a pod would get, and why. ?workload=Kind/ns/name preselects one. */
export default async function SimulatePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { workload } = await searchParams;
  let data;
  try {
    const source = await pageSource();
    const [cluster, psps, workloads] = await Promise.all([clusterView(source), pspTableView(source), workloadsView(source)]);
    // Listed as namespace/name in the picker, so sorted that way.
    const byNamespace = [...workloads].sort((a, b) => (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.name.localeCompare(b.name));
    data = { namespaces: cluster.namespaces, privileged: psps.psps.filter((p) => p.isPrivileged).map((p) => p.name), workloads: byNamespace };
  } catch (e) {
    return <ServerError error={e} />;
  }
  return (
    <main className="p-6">
      <h1 className="text-xl font-semibold">Simulate PSP admission</h1>
      <p className="mb-4 text-sm text-slate-600">
        What the PodSecurityPolicy admission plugin (v1.21–v1.24) would do with a pod: the PSPs are tried by name; the first usable one that admits the pod unchanged wins, else the first that admits it after its defaults.
      </p>
      <SimulateForm namespaces={data.namespaces} workloads={data.workloads} privileged={data.privileged} initialWorkload={typeof workload === 'string' ? workload : undefined} />
    </main>
  );
}
