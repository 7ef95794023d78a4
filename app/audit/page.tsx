import type { Metadata } from 'next';
import { AuditReportView } from '@/components/audit/AuditReport';
import { ServerError } from '@/components/ui/ServerError';
import { auditView } from '@/lib/server/audit-view';
import { headers } from 'next/headers';
import { currentActor } from '@/lib/server/identity/actor';
import { pageSource } from '@/lib/server/sources/page-source';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Audit · PSP Dashboard' };

/** The audit: the landing page in read-only mode and for snapshots. Fixes are offered only when changes are allowed. */
export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { controllers, show } = await searchParams;
  const { changes } = await currentActor(await headers());
  let report;
  try {
    report = await auditView(await pageSource(), { useServiceAccountCredentials: controllers !== 'manager' });
  } catch (e) {
    return <ServerError error={e} />;
  }
  return (
    <main className="p-6 print:p-0">
      <AuditReportView report={report} changes={changes} showAll={show === 'all'} />
    </main>
  );
}
