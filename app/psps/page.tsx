import { ServerError } from '@/components/ui/ServerError';
import { PspTable } from '@/components/psp/PspTable';
import { pspTableView } from '@/lib/server/views';
import { PspActions } from '@/components/psp/PspActions';
import { headers } from 'next/headers';
import { currentActor } from '@/lib/server/identity/actor';
import { SignInToChange } from '@/components/session/SignInToChange';

export const dynamic = 'force-dynamic';

export default async function PspsPage() {
  const { changes } = await currentActor(await headers());
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
          {changes.allowed ? <PspActions names={view.psps.map((p) => p.name)} /> : changes.reason === 'sign-in' && <SignInToChange what="create, edit or delete PSPs" />}
          <PspTable rows={view.psps} />
        </>
      )}
    </main>
  );
}
