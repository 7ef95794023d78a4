import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { ChecklistPanel } from '@/components/migration/ChecklistPanel';
import { ClusterLine } from '@/components/migration/ClusterLine';
import { ExportLinks } from '@/components/migration/ExportLinks';
import { ManifestCheck } from '@/components/migration/ManifestCheck';
import { MigrationBoard } from '@/components/migration/MigrationBoard';
import { MigrationPlansPanel } from '@/components/migration/plans/MigrationPlansPanel';
import { ServerError } from '@/components/ui/ServerError';
import { summarizeRow } from '@/lib/pss/board';
import { currentActor } from '@/lib/server/identity/actor';
import { podSecurityView } from '@/lib/server/pod-security-view';
import { pageSource } from '@/lib/server/sources/page-source';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Migration · PSP Dashboard' };

/** Leaving PSP for Pod Security Admission: the board of every namespace, and the steps left. */
export default async function MigrationPage() {
  const { changes } = await currentActor(await headers());
  const source = await pageSource();
  let view;
  try {
    view = await podSecurityView(source);
  } catch (e) {
    return <ServerError error={e} />;
  }
  const rows = view.namespaces.map(summarizeRow);
  return (
    <main className="mx-auto max-w-7xl space-y-4 p-4 lg:p-6">
      <div className="flex flex-wrap items-start gap-3">
        <div className="min-w-0 flex-1">
          <h1 className="text-xl font-semibold">Migration to Pod Security Admission</h1>
          <ClusterLine serverVersion={view.serverVersion} pspApiServed={view.pspApiServed} info={view} rows={rows} />
          <p className="text-sm text-slate-600">
            Recommended: the strictest level every workload of the namespace meets at the server&apos;s version, pinned. Workload templates are
            evaluated (CronJobs and workloads scaled to zero too), with the PodSecurity plugin&apos;s own reasons.
          </p>
        </div>
        <ExportLinks />
      </div>
      <ChecklistPanel items={view.checklist} pspApiServed={view.pspApiServed} />
      <MigrationPlansPanel changes={changes} revision={source.revision()} />
      <MigrationBoard rows={rows} changes={changes} revision={source.revision()} />
      <ManifestCheck namespaces={view.namespaces.map((r) => r.namespace)} serverMinor={view.serverMinor} />
    </main>
  );
}
