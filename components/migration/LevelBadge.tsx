import type { PssLevel } from '@/lib/pss/version';

const STYLE: Record<PssLevel, string> = {
  restricted: 'bg-emerald-100 text-emerald-900',
  baseline: 'bg-amber-100 text-amber-900',
  privileged: 'bg-red-100 text-red-900',
};

/** A Pod Security level (optionally with its version), coloured by how strict it is. */
export function LevelBadge({ level, version, title }: { level: PssLevel; version?: string; title?: string }) {
  return (
    <span className={`inline-block whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-medium ${STYLE[level]}`} title={title} data-level={level}>
      {level}{version ? `:${version}` : ''}
    </span>
  );
}
