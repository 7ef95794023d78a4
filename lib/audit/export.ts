import { SEVERITIES, type AuditReport, type Finding } from './types';

/** The audit as files: JSON (the report itself), Markdown (for a ticket or a review), CSV (for a spreadsheet). */

export type AuditFormat = 'json' | 'md' | 'csv';

export const AUDIT_CONTENT_TYPES: Record<AuditFormat, string> = {
  json: 'application/json; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

export function auditToJson(report: AuditReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}

/** Markdown metacharacters in cluster-supplied text (names may hold `*`, `_`, `|`), escaped so they print as written. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]<>()#+!|~]/g, '\\$&').replace(/\n/g, ' ');
}

const TITLE: Record<string, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' };

function findingToMarkdown(f: Finding): string[] {
  const lines = [`### ${escapeMarkdown(f.title)}`, '', escapeMarkdown(f.detail), '', '**Evidence**', ''];
  for (const e of f.evidence) lines.push(`- ${escapeMarkdown(e.text)}`);
  if (f.fix) {
    lines.push('', `**Fix**: ${escapeMarkdown(f.fix.description)}`, '', '```http', `${f.fix.request.method} ${f.fix.request.path}`);
    if (f.fix.request.body) lines.push('Content-Type: application/json', '', JSON.stringify(f.fix.request.body));
    lines.push('```');
    if (f.fix.kubectl) lines.push('', 'With kubectl:', '', '```sh', f.fix.kubectl, '```');
    const refused = f.fix.impact?.refusedAfter ?? [];
    if (refused.length) lines.push('', `⚠ Applied as it is, this fix refuses the next pods of ${refused.length} workload${refused.length === 1 ? '' : 's'}: ${refused.map(escapeMarkdown).join(', ')}. Grant them a PSP first.`);
  }
  lines.push('', `<sub>${escapeMarkdown(f.id)}</sub>`, '');
  return lines;
}

export function auditToMarkdown(report: AuditReport): string {
  const lines = [
    `# PodSecurityPolicy audit: ${escapeMarkdown(report.source.name)} (${report.source.kind})`,
    '',
    [
      report.generatedAt ? `Generated ${report.generatedAt}.` : '',
      report.source.serverVersion ? `Server ${escapeMarkdown(report.source.serverVersion)}.` : '',
      `${report.workloads.simulated} workloads simulated, ${report.workloads.refused} refused.`,
      `Controllers ${report.useServiceAccountCredentials ? 'use their service-account credentials' : 'act as system:kube-controller-manager'}.`,
    ].filter(Boolean).join(' '),
    '',
    '| Severity | Findings |',
    '|---|---|',
    ...SEVERITIES.map((s) => `| ${TITLE[s]} | ${report.summary[s]} |`),
    '',
  ];
  if (report.findings.length === 0) lines.push('No findings.', '');
  for (const s of SEVERITIES) {
    const findings = report.findings.filter((f) => f.severity === s);
    if (findings.length === 0) continue;
    lines.push(`## ${TITLE[s]} (${findings.length})`, '');
    for (const f of findings) lines.push(...findingToMarkdown(f));
  }
  return lines.join('\n');
}

/**
 * One CSV cell (RFC 4180). Cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR at
 * the start) get a leading apostrophe: subject names come from the cluster, not from us.
 */
export function csvCell(value: string | number | undefined): string {
  let s = value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_COLUMNS = ['severity', 'rule', 'title', 'detail', 'evidence', 'fix', 'fix_method', 'fix_path', 'fix_body', 'fix_kubectl', 'refused_after_fix', 'id'] as const;

export function auditToCsv(report: AuditReport): string {
  const rows = report.findings.map((f) => [
    f.severity, f.rule, f.title, f.detail,
    f.evidence.map((e) => e.text).join('\n'),
    f.fix?.description, f.fix?.request.method, f.fix?.request.path,
    f.fix?.request.body ? JSON.stringify(f.fix.request.body) : undefined,
    f.fix?.kubectl,
    f.fix?.impact ? f.fix.impact.refusedAfter.join(' ') : undefined,
    f.id,
  ]);
  return [CSV_COLUMNS as readonly string[], ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export function exportAudit(report: AuditReport, format: AuditFormat): string {
  return format === 'md' ? auditToMarkdown(report) : format === 'csv' ? auditToCsv(report) : auditToJson(report);
}
