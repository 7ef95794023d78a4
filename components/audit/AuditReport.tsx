import Link from 'next/link';
import { SEVERITIES, type AuditReport } from '@/lib/audit/types';
import { FindingCard, SEVERITY_STYLE } from './FindingCard';
import { API_PATHS } from '@/lib/api-paths';
import { PrintButton } from './ApplyFixButton';
import type { ChangesAllowed } from '@/lib/identity/actor-view';

/** The audit page's body: the summary, the exports, and the findings grouped by severity. */
/** Findings shown per severity unless all are asked for: a large cluster has hundreds, the exports have them all. */
export const FINDINGS_PER_SEVERITY = 25;

export function AuditReportView({ report, changes, showAll }: { report: AuditReport; changes: ChangesAllowed; showAll: boolean }) {
  const managerMode = !report.useServiceAccountCredentials;
  const query = (extra: Record<string, string>) => `?${new URLSearchParams({ ...(managerMode ? { controllers: 'manager' } : {}), ...extra })}`;
  const exportHref = (format: string) => API_PATHS.audit({ format, useServiceAccountCredentials: !managerMode });
  const when = report.generatedAt ? new Date(report.generatedAt).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '';
  return (
    <div className="mx-auto max-w-5xl space-y-5" data-testid="audit-report">
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <h1 className="text-xl font-semibold">PodSecurityPolicy audit</h1>
          <p className="text-sm text-slate-600">
            {report.source.name} · {when} · {report.workloads.simulated} workloads simulated, {report.workloads.refused} refused
          </p>
        </div>
        <div className="ml-auto flex flex-wrap items-center gap-2 text-sm print:hidden" data-testid="audit-exports">
          <span className="text-slate-500">Export:</span>
          <a className="rounded border border-slate-300 bg-white px-2 py-1 hover:bg-slate-50" href={exportHref('json')} download="psp-audit.json">JSON</a>
          <a className="rounded border border-slate-300 bg-white px-2 py-1 hover:bg-slate-50" href={exportHref('md')} download="psp-audit.md">Markdown</a>
          <a className="rounded border border-slate-300 bg-white px-2 py-1 hover:bg-slate-50" href={exportHref('csv')} download="psp-audit.csv">CSV</a>
          <PrintButton />
        </div>
      </div>

      <nav className="flex flex-wrap gap-2" aria-label="Findings by severity" data-testid="audit-summary">
        {SEVERITIES.map((s) => (
          <a key={s} href={`#${s}`} className={`rounded px-3 py-1.5 text-sm font-medium ${report.summary[s] ? SEVERITY_STYLE[s].badge : 'bg-slate-100 text-slate-600'}`} data-severity={s}>
            {SEVERITY_STYLE[s].label}: {report.summary[s]}
          </a>
        ))}
      </nav>

      <p className="text-sm text-slate-600 print:hidden">
        Controllers are assumed to {managerMode ? 'act as the single user system:kube-controller-manager' : 'use their own service-account credentials (kubeadm and EKS run them so)'}.{' '}
        <Link className="text-indigo-700 underline" href={`/audit${managerMode ? '' : '?controllers=manager'}`}>
          {managerMode ? 'Audit with per-controller credentials' : 'Audit as if --use-service-account-credentials were off'}
        </Link>
      </p>

      {report.findings.length === 0 && (
        <p className="rounded border border-emerald-300 bg-emerald-50 p-4 text-emerald-900" data-testid="no-findings">No findings: no privileged PSP reaches a broad subject, nothing is shadowed, every workload is admitted.</p>
      )}

      {SEVERITIES.map((s) => {
        const findings = report.findings.filter((f) => f.severity === s);
        if (findings.length === 0) return null;
        const shown = showAll ? findings : findings.slice(0, FINDINGS_PER_SEVERITY);
        return (
          <section key={s} id={s} className="space-y-3" data-testid={`severity-${s}`}>
            <h2 className="text-lg font-semibold">{SEVERITY_STYLE[s].label} <span className="text-slate-600">({findings.length})</span></h2>
            {shown.map((f) => <FindingCard key={f.id} finding={f} changes={changes} />)}
            {shown.length < findings.length && (
              <p className="rounded border border-slate-200 bg-white p-3 text-sm" data-testid="more-findings">
                {findings.length - shown.length} more {SEVERITY_STYLE[s].label.toLowerCase()} findings are not shown.{' '}
                <Link className="text-indigo-700 underline" href={`/audit${query({ show: 'all' })}#${s}`}>Show all</Link> (a long page), or export them.
              </p>
            )}
          </section>
        );
      })}
    </div>
  );
}
