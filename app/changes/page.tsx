import type { Metadata } from 'next';
import { PendingChanges } from '@/components/changes/PendingChanges';
import { pageSource } from '@/lib/server/sources/page-source';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Changes · PSP Dashboard' };

export default async function ChangesPage() {
  const info = (await pageSource()).info();
  return (
    <main className="p-6">
      <h1 className="mb-1 text-xl font-semibold">Pending changes</h1>
      {info.kind === 'live' ? (
        <p className="text-slate-600">Changes to a live cluster are written at once (after a dry run); nothing is pending.</p>
      ) : (
        <>
          <p className="mb-4 text-slate-600">
            The {info.kind === 'demo' ? 'demo cluster' : 'snapshot'} is a file: changes are kept here, in memory. Export them as one YAML file for
            <code className="mx-1 font-mono">kubectl apply</code> or a GitOps repository, or as kubectl commands.
          </p>
          <PendingChanges readOnly={info.readOnly} />
        </>
      )}
    </main>
  );
}
