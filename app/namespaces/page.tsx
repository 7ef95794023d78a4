import type { Metadata } from 'next';
import Link from 'next/link';
import { NamespaceOutcomes } from '@/components/namespaces/NamespaceOutcomes';
import { Pager } from '@/components/ui/Pager';
import { ServerError } from '@/components/ui/ServerError';
import { pageOf } from '@/lib/paging';
import type { WorkloadOutcome } from '@/lib/access/simulate-workload';
import { workloadOutcomesView } from '@/lib/server/analysis-views';
import { clusterView, pspTableView } from '@/lib/server/views';
import { headers } from 'next/headers';
import { currentActor } from '@/lib/server/identity/actor';
import { pageSource } from '@/lib/server/sources/page-source';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Namespaces · PSP Dashboard' };

/** Namespaces with workloads per page: the large cluster has 500, each a table. */
const NAMESPACES_PER_PAGE = 20;
/** Empty namespaces named before the rest is counted. */
const EMPTY_NAMED = 40;

/** Per namespace: every workload with the PSP its pods get now. ?namespace= narrows it to one. */
export default async function NamespacesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const q = await searchParams;
  const namespace = typeof q.namespace === 'string' && q.namespace ? q.namespace : undefined;
  const { changes } = await currentActor(await headers());
  const source = await pageSource();
  let data;
  try {
    const [cluster, psps, outcomes] = await Promise.all([clusterView(source), pspTableView(source), workloadOutcomesView(source, { namespace })]);
    data = { namespaces: cluster.namespaces, privileged: new Set(psps.psps.filter((p) => p.isPrivileged).map((p) => p.name)), outcomes };
  } catch (e) {
    return <ServerError error={e} />;
  }
  const byNamespace = new Map<string, WorkloadOutcome[]>();
  for (const w of data.outcomes.workloads) byNamespace.set(w.namespace, [...(byNamespace.get(w.namespace) ?? []), w]);
  const withWorkloads = (namespace ? [namespace] : data.namespaces).filter((n) => byNamespace.has(n));
  const page = pageOf(withWorkloads, q.page, NAMESPACES_PER_PAGE);
  const pager = <Pager page={page} noun="Namespaces" hrefFor={(n) => `/namespaces?page=${n}`} />;
  const empty = (namespace ? [namespace] : data.namespaces).filter((n) => !byNamespace.has(n));
  const all = data.outcomes.workloads;
  const privilegedCount = all.filter((w) => w.allowed && w.psp && data.privileged.has(w.psp)).length;
  return (
    <main className="mx-auto max-w-6xl space-y-4 p-6">
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <h1 className="text-xl font-semibold">Workloads by namespace</h1>
          <p className="text-sm text-slate-600" data-testid="namespaces-summary">
            {all.length} workloads: <span className={privilegedCount ? 'font-medium text-red-700' : ''}>{privilegedCount} under a privileged PSP</span>,{' '}
            <span className={data.outcomes.refused ? 'font-medium text-red-700' : ''}>{data.outcomes.refused} refused on their next pod</span>.
          </p>
        </div>
        <form className="ml-auto flex items-center gap-2 text-sm" method="get">
          <label htmlFor="ns-filter">Namespace</label>
          <select id="ns-filter" name="namespace" defaultValue={namespace ?? ''} className="rounded border border-slate-300 bg-white px-2 py-1" data-testid="namespace-filter">
            <option value="">all</option>
            {data.namespaces.map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
          <button className="rounded border border-slate-300 bg-white px-3 py-1 hover:bg-slate-50">Show</button>
        </form>
      </div>
      {!data.outcomes.pspApiServed && <p className="rounded border border-amber-300 bg-amber-50 p-3 text-amber-900">This cluster does not serve the PodSecurityPolicy API: these are predictions for a v1.21–v1.24 cluster with the same objects.</p>}
      {pager}
      {page.items.map((n) => <NamespaceOutcomes key={n} namespace={n} workloads={byNamespace.get(n)!} privileged={data.privileged} changes={changes} propose={namespace === n && q.propose === '1'} />)}
      {pager}
      {empty.length > 0 && (
        <p className="text-sm text-slate-600" data-testid="empty-namespaces">
          No workloads in {empty.slice(0, EMPTY_NAMED).map((n, i) => <span key={n}>{i > 0 && ', '}<Link prefetch={false} className="underline" href={`/namespaces?namespace=${encodeURIComponent(n)}`}>{n}</Link></span>)}
          {empty.length > EMPTY_NAMED ? ` and ${empty.length - EMPTY_NAMED} more namespaces` : ''}.
        </p>
      )}
    </main>
  );
}
