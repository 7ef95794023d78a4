import { isAppError } from '@/lib/errors';
import { ErrorNotice } from './ErrorNotice';
import { AutoRefresh } from './AutoRefresh';

/** A page-level error from a server component: what failed, what to do, and a retry that runs itself. */
export function ServerError({ error }: { error: unknown }) {
  if (!isAppError(error)) throw error;
  const transient = ['unreachable', 'not_ready'].includes(error.code);
  return (
    <main className="p-6">
      <ErrorNotice error={{ code: error.code, message: error.message, details: error.details }} />
      {transient && <p className="mt-3 text-sm text-slate-600">Retrying every 3 seconds…</p>}
      {transient && <AutoRefresh seconds={3} />}
    </main>
  );
}
