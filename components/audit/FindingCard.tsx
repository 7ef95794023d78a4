import Link from 'next/link';
import type { Evidence, Finding } from '@/lib/audit/types';
import { parseKey } from '@/lib/model/keys';
import { ApplyFixButton } from './ApplyFixButton';
import type { ChangesAllowed } from '@/lib/identity/actor-view';
import { SignInToChange } from '../session/SignInToChange';
import { CopyButton } from '../ui/CopyButton';

export const SEVERITY_STYLE: Record<Finding['severity'], { badge: string; border: string; label: string }> = {
  critical: { badge: 'bg-red-700 text-white', border: 'border-l-red-700', label: 'Critical' },
  high: { badge: 'bg-orange-700 text-white', border: 'border-l-orange-600', label: 'High' },
  medium: { badge: 'bg-amber-400 text-amber-950', border: 'border-l-amber-400', label: 'Medium' },
  low: { badge: 'bg-sky-200 text-sky-950', border: 'border-l-sky-300', label: 'Low' },
  info: { badge: 'bg-slate-200 text-slate-800', border: 'border-l-slate-300', label: 'Info' },
};

/** Workloads listed under a fix's impact; the exports list them all. */
const MAX_LISTED = 30;

function graphHref(key: string): string {
  return `/?view=graph&node=${encodeURIComponent(key)}`;
}

function ObjectChip({ objectKey, label }: { objectKey: string; label?: string }) {
  const k = parseKey(objectKey);
  if (!k) return <span>{objectKey}</span>;
  return (
    <Link href={graphHref(objectKey)} className="inline-flex items-baseline gap-1 rounded border border-slate-200 bg-slate-50 px-1.5 py-0.5 hover:border-indigo-300 hover:bg-indigo-50" title={`Show ${k.kind} ${k.namespace ? `${k.namespace}/` : ''}${k.name} in the graph`}>
      <span className="text-[11px] text-slate-500">{k.kind}</span>
      <span className="font-mono text-xs">{k.namespace ? `${k.namespace}/` : ''}{label ?? k.name}</span>
    </Link>
  );
}

const Arrow = () => <span className="text-slate-600" aria-hidden data-testid="evidence-arrow">→</span>;

/** A grant chain as linked objects: subject → binding → role → rule → PSP. Other evidence is its sentence. */
function EvidenceLine({ e }: { e: Evidence }) {
  if (!e.binding || !e.role || !e.subject) return <li className="text-sm" data-testid="evidence">{e.text}</li>;
  return (
    // No copy of `e.text` for tooltips or screen readers: it spells the rule as RBAC does, counted
    // from 0 ("rule 0: use on podsecuritypolicies in policy [...]"); the chips and words read in order.
    <li className="text-sm" data-testid="evidence" data-chain={[e.subject, e.binding, e.role, e.psp].filter(Boolean).join(' → ')}>
      <span className="flex flex-wrap items-center gap-1.5">
        <ObjectChip objectKey={e.subject} /><Arrow />
        <ObjectChip objectKey={e.binding} /><Arrow />
        <ObjectChip objectKey={e.role} /><Arrow />
        <span className="text-xs text-slate-700" title={e.rule} data-testid="evidence-rule">{e.ruleInWords ?? `rule ${(e.ruleIndex ?? 0) + 1}`}</span>
        {e.psp && <><Arrow /><ObjectChip objectKey={e.psp} /></>}
      </span>
    </li>
  );
}

export function FindingCard({ finding, changes }: { finding: Finding; changes: ChangesAllowed }) {
  const style = SEVERITY_STYLE[finding.severity];
  const fix = finding.fix;
  const refused = fix?.impact?.refusedAfter ?? [];
  return (
    <article className={`rounded border border-l-4 border-slate-200 ${style.border} bg-white p-4 break-inside-avoid`} data-testid="finding" data-severity={finding.severity} data-rule={finding.rule} data-id={finding.id}>
      <header className="flex items-start gap-2">
        <span className={`mt-0.5 rounded px-1.5 py-0.5 text-[11px] font-bold uppercase ${style.badge}`}>{style.label}</span>
        <h3 className="text-base font-semibold" data-testid="finding-title">{finding.title}</h3>
      </header>
      <p className="mt-1 text-sm text-slate-700">{finding.detail}</p>
      <h4 className="mt-3 text-xs font-semibold uppercase tracking-wide text-slate-500">Evidence</h4>
      <ul className="mt-1 space-y-1.5">{finding.evidence.map((e, i) => <EvidenceLine key={i} e={e} />)}</ul>
      {fix && (
        <div className="mt-3 rounded border border-slate-200 bg-slate-50 p-3" data-testid="finding-fix">
          <h4 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Fix</h4>
          <p className="mt-1 text-sm">{fix.description}</p>
          {fix.kubectl && (
            <div className="mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-700">
              With kubectl: <code className="break-all rounded bg-white px-1 font-mono text-slate-800" data-testid="fix-kubectl">{fix.kubectl}</code>
              <CopyButton text={fix.kubectl} label="Copy" testId="copy-kubectl" />
            </div>
          )}
          {refused.length > 0 && (
            <div className="mt-2 rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-950" data-testid="fix-impact">
              <p className="font-medium">
                ⚠ Applied on its own, this fix refuses the next pods of {refused.length} workload{refused.length === 1 ? '' : 's'} that rely on the grant. Give them their own grant first
                (the <Link className="underline" href="/namespaces">namespaces view</Link> shows what each gets; <Link className="underline" href="/simulate">Simulate</Link> shows what a PSP would do).
              </p>
              <p className="mt-1 font-mono text-xs">
                {refused.slice(0, MAX_LISTED).map((k) => k.replace(/^(\w+)\/([^/]*)\//, '$1 $2/')).join(' · ')}
                {refused.length > MAX_LISTED && ` · and ${refused.length - MAX_LISTED} more (in the exports)`}
              </p>
            </div>
          )}
          {/* The dashboard's own API request, for scripts: not the first thing a person reads. */}
          <details className="mt-2 text-xs text-slate-700 print:hidden">
            <summary className="cursor-pointer">As a request to this dashboard&apos;s API</summary>
            <pre className="mt-1 overflow-x-auto whitespace-pre-wrap font-mono" data-testid="fix-request">
              {fix.request.method} {decodeURIComponent(fix.request.path)}{fix.request.body ? `\n${JSON.stringify(fix.request.body)}` : ''}
            </pre>
          </details>
          {changes.allowed
            ? <div className="mt-2"><ApplyFixButton title={`Fix: ${finding.title}`} request={fix.request} /></div>
            : changes.reason === 'sign-in' ? <div className="mt-2 print:hidden"><SignInToChange what="apply this fix" /></div> : <p className="mt-2 text-xs text-slate-500 print:hidden">Read-only: this dashboard shows the fix and applies nothing. Run the kubectl command above, or apply the fix from a dashboard that may change the cluster.</p>}
        </div>
      )}
    </article>
  );
}
