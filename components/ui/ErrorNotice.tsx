import type { ApiError } from '@/lib/client/api';

const TITLES: Record<string, string> = {
  unreachable: 'The cluster is unreachable',
  unauthorized: 'The credentials were rejected',
  forbidden: 'Missing permissions',
  not_ready: 'Still reading the cluster',
  source_error: 'The source cannot be read',
  invalid: 'Invalid request',
  not_found: 'Not found',
};

/** An error the way an admin needs it: what happened, and what to do about it. */
export function ErrorNotice({ error }: { error: Pick<ApiError, 'code' | 'message' | 'details'> }) {
  const missing = (error.details?.missing ?? []) as { verb: string; group: string; resource: string }[];
  const hint = error.details?.hint as string | undefined;
  return (
    <div role="alert" data-testid="error-notice" data-code={error.code} className="max-w-3xl rounded-md border border-red-300 bg-red-50 p-4 text-sm text-red-900">
      <h2 className="mb-1 text-base font-semibold">{TITLES[error.code] ?? 'Something went wrong'}</h2>
      <p className="whitespace-pre-wrap">{error.message}</p>
      {missing.length > 0 && (
        <ul className="mt-2 list-disc pl-5">
          {missing.map((m) => (
            <li key={`${m.verb}-${m.group}-${m.resource}`}>
              verb <code className="font-mono">{m.verb}</code> on <code className="font-mono">{m.group ? `${m.resource}.${m.group}` : m.resource}</code>
            </li>
          ))}
        </ul>
      )}
      {hint && <p className="mt-2 text-red-800">{hint}</p>}
    </div>
  );
}
