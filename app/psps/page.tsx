import { ServerError } from '@/components/ui/ServerError';
import { PspTable } from '@/components/psp/PspTable';
import { pspTableView } from '@/lib/server/views';
import { PspActions } from '@/components/psp/PspActions';
import { getSource } from '@/lib/server/sources/registry';

export const dynamic = 'force-dynamic';

export default async function PspsPage() {
  let view;
  try {
    view = await pspTableView();
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
          {!getSource().info().readOnly && <PspActions names={view.psps.map((p) => p.name)} />}
          <PspTable rows={view.psps} />
        </>
      )}
    </main>
  );
}
