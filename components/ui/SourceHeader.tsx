import Link from 'next/link';
import type { SourceInfo } from '@/lib/model/types';
import type { ActorView } from '@/lib/identity/actor-view';
import { ActorBadge } from '../session/ActorBadge';
import { ContextPicker } from './ContextPicker';
import type { ContextsView } from '@/lib/client/api';

const STATE_LABEL: Record<SourceInfo['state'], string> = {
  live: 'live · watching',
  syncing: 'reading…',
  degraded: 'degraded · some kinds missing or behind',
  unreachable: 'unreachable',
  static: 'static file',
};

const KIND_LABEL: Record<SourceInfo['kind'], string> = { live: 'Live cluster', snapshot: 'Snapshot', demo: 'Demo cluster' };

/**
 * Read-only mode, said in the header's own line: a banner below it made every full-height page (the
 * graph) taller than the window by the banner's height.
 */
function ReadOnlyBadge() {
  return (
    <span role="status" data-testid="read-only-banner" className="rounded bg-slate-700 px-2 py-0.5 text-xs font-bold uppercase text-white" title="Read-only mode: this dashboard shows the cluster and changes nothing. Every change is refused by the server.">
      {/* The words only from 1536 px: at 1280–1535 px, next to the demo badge's, they pushed the header wider than the window. */}
      read-only<span className="hidden normal-case 2xl:inline"> · changes are refused</span>
      <span className="sr-only">: this dashboard shows the cluster and changes nothing.</span>
    </span>
  );
}

/** Which cluster this is, which version, and whether what is shown is live. Always visible. */
export function SourceHeader({ source, actor, contexts }: { source: SourceInfo; actor: ActorView; contexts?: ContextsView }) {
  const state = source.kind !== 'live' ? 'static file' : STATE_LABEL[source.state];
  return (
    <header className="flex h-14 items-center gap-4 border-b border-slate-200 bg-white px-4" data-testid="source-header">
      <Link href="/" className="shrink-0 whitespace-nowrap text-lg font-semibold text-slate-900">PSP Dashboard</Link>
      <nav className="flex shrink-0 gap-3 text-sm print:hidden">
        <Link href={source.readOnly || source.kind === 'snapshot' || !source.pspApiServed ? '/?view=graph' : '/'} className="text-slate-700 hover:text-indigo-700" data-testid="nav-graph">Graph</Link>
        <Link href="/audit" className="text-slate-700 hover:text-indigo-700" data-testid="nav-audit">Audit</Link>
        <Link href="/psps" className="text-slate-700 hover:text-indigo-700">PSPs</Link>
        <Link href="/tree" className="text-slate-700 hover:text-indigo-700">Tree</Link>
        <Link href="/simulate" className="text-slate-700 hover:text-indigo-700" data-testid="nav-simulate">Simulate</Link>
        <Link href="/namespaces" className="text-slate-700 hover:text-indigo-700" data-testid="nav-namespaces">Namespaces</Link>
        <Link href="/access" className="text-slate-700 hover:text-indigo-700" data-testid="nav-access">Access</Link>
        <Link href="/migration" className="text-slate-700 hover:text-indigo-700" data-testid="nav-migration">Migration</Link>
        {source.kind !== 'live' && !source.readOnly && <Link href="/changes" className="text-slate-700 hover:text-indigo-700" data-testid="nav-changes">Changes</Link>}
      </nav>
      <div className="ml-auto flex min-w-0 items-center gap-2 whitespace-nowrap text-sm" data-testid="source-info" data-source-kind={source.kind}>
        {source.kind === 'demo' && (
          <span className="rounded bg-fuchsia-600 px-2 py-0.5 text-xs font-bold uppercase text-white" data-testid="demo-badge" title={source.note ?? 'Demo data — not a real cluster'}>
            {/* The whole sentence where the header has room (the nav fills it below 1280 px; with the read-only badge, below 1536 px). */}
            Demo data<span className={`hidden ${source.readOnly ? '2xl:inline' : 'xl:inline'}`}> — not a real cluster</span>
          </span>
        )}
        {source.readOnly && <ReadOnlyBadge />}
        <span className="hidden text-slate-500 xl:inline">{KIND_LABEL[source.kind]}:</span>
        {contexts?.switchable
          ? <ContextPicker initial={contexts} version={source.serverVersion} />
          : <span className="min-w-16 max-w-72 truncate font-medium" title={`${KIND_LABEL[source.kind]}: ${source.name}`}>{source.name}</span>}
        {/* With the picker the version gives way below 1280 px (the picker's title says it). */}
        {source.serverVersion ? <span className={`text-slate-500 ${contexts?.switchable ? 'hidden xl:inline' : ''}`}>· {source.serverVersion}</span> : source.kind === 'live' ? <span className={`text-slate-500 ${contexts?.switchable ? 'hidden xl:inline' : ''}`}>· version unknown</span> : null}
        {!contexts?.switchable && <span data-testid="source-state" title={source.stateReason} className={source.kind !== 'live' ? 'hidden text-slate-600 xl:inline' : source.state === 'live' ? 'text-emerald-700' : source.state === 'syncing' ? 'text-slate-500' : 'font-medium text-red-700'}>· {state}</span>}
        {!source.readOnly && <ActorBadge actor={actor} />}
      </div>
    </header>
  );
}
