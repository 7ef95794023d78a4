import type { ModelWarning } from '@/lib/model/types';

/** Dangling references and reading problems: shown, never dropped. */
export function WarningList({ warnings }: { warnings: ModelWarning[] }) {
  return (
    <details className="max-h-48 overflow-auto border-t border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-950" data-testid="warnings">
      <summary className="cursor-pointer font-medium">⚠ {warnings.length} warning{warnings.length === 1 ? '' : 's'}</summary>
      <ul className="mt-1 list-disc pl-5">
        {warnings.map((w, i) => (
          <li key={i} data-code={w.code}>{w.message}</li>
        ))}
      </ul>
    </details>
  );
}
