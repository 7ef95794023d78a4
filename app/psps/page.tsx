import type { Metadata } from 'next';
import { ServerError } from '@/components/ui/ServerError';
import { PspTable } from '@/components/psp/PspTable';
import { clusterView, pspTableView } from '@/lib/server/views';
import { PspActions } from '@/components/psp/PspActions';
import { headers } from 'next/headers';
import { currentActor } from '@/lib/server/identity/actor';
import { SignInToChange } from '@/components/session/SignInToChange';
import { pageSource } from '@/lib/server/sources/page-source';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'PSPs · PSP Dashboard' };

export default async function PspsPage() {
  const { changes } = await currentActor(await headers());
  const source = await pageSource();
  let view;
  let namespaces: string[];
  try {
    view = await pspTableView(source);
    namespaces = (await clusterView(source)).namespaces;
  } catch (e) {
    return <ServerError error={e} />;
  }
  return (
    <main className="p-6">
      <h1 className="mb-3 text-xl font-semibold">PodSecurityPolicies</h1>
      {!view.pspApiServed ? (
        <p role="status" className="rounded border border-amber-300 bg-amber-50 p-3 text-amber-900">
          This cluster has no PodSecurityPolicy API; it was removed in v1.25.
        </p>
      ) : (
        <>
          {changes.allowed ? <PspActions names={view.psps.map((p) => p.name)} /> : changes.reason === 'sign-in' && <SignInToChange what="create, edit or delete PSPs" />}
          <PspTable rows={view.psps} />
          <form method="get" action="/namespaces" className="mt-4 flex flex-wrap items-center gap-2 text-sm" data-testid="propose-form">
            <input type="hidden" name="propose" value="1" />
            <label htmlFor="propose-ns">Propose the least permissive PSP for the workloads of namespace</label>
            <select id="propose-ns" name="namespace" className="rounded border border-slate-300 bg-white px-2 py-1">
              {namespaces.map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
            <button className="rounded border border-indigo-300 bg-white px-3 py-1 text-indigo-800 hover:bg-indigo-50">Propose</button>
          </form>
        </>
      )}
    </main>
  );
}
