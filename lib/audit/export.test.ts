import { describe, expect, it } from 'vitest';
import { demoModel } from '../testing/demo';
import { auditCluster } from './audit';
import { auditToCsv, auditToMarkdown, csvCell, escapeMarkdown, exportAudit } from './export';
import type { AuditReport } from './types';

const report = auditCluster(demoModel(), { now: new Date('2026-01-02T03:04:05Z') });

/** A minimal RFC 4180 reader, to check that what we write reads back as written. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; }
    else cell += c;
  }
  return rows;
}

describe('audit exports', () => {
  it('JSON is the report itself', () => {
    expect(JSON.parse(exportAudit(report, 'json'))).toEqual(report);
  });

  it('Markdown: summary table, findings by severity, the chain, the fix request and its impact', () => {
    const md = auditToMarkdown(report);
    expect(md).toContain('# PodSecurityPolicy audit: demo (demo)');
    expect(md).toContain('| Critical | 1 |');
    expect(md.indexOf('## Critical (1)')).toBeLessThan(md.indexOf('## Info (1)'));
    expect(md).toContain('### eks.privileged usable by system:authenticated');
    expect(md).toContain('- Group system:authenticated → ClusterRoleBinding eks:podsecuritypolicy:authenticated → ClusterRole eks:podsecuritypolicy:privileged → rule 0');
    expect(md).toContain('DELETE /api/v1/bindings/ClusterRoleBinding/eks%3Apodsecuritypolicy%3Aauthenticated');
    expect(md).toContain('refuses the next pods of 11 workloads');
    expect(md).toContain('```sh\nkubectl delete clusterrolebinding eks:podsecuritypolicy:authenticated\n```');
    // cluster-admin's rule is "* on * in *": printed as stars, not italics.
    expect(md).toContain('\\* on \\* in \\*');
  });

  it('escapes Markdown in names that come from the cluster', () => {
    expect(escapeMarkdown('a|b *c* [x](y)')).toBe('a\\|b \\*c\\* \\[x\\]\\(y\\)');
  });

  it('CSV: one row per finding, quoted where needed, reading back to the same cells', () => {
    const rows = parseCsv(auditToCsv(report));
    expect(rows[0]).toEqual(['severity', 'rule', 'title', 'detail', 'evidence', 'fix', 'fix_method', 'fix_path', 'fix_body', 'fix_kubectl', 'refused_after_fix', 'id']);
    expect(rows).toHaveLength(1 + report.findings.length);
    expect(rows[1].slice(0, 3)).toEqual(['critical', 'privileged-psp-broad-grant', 'eks.privileged usable by system:authenticated']);
    expect(rows[1][3]).toBe(report.findings[0].detail);
    expect(rows[1][7]).toBe('/api/v1/bindings/ClusterRoleBinding/eks%3Apodsecuritypolicy%3Aauthenticated');
    expect(rows[1][9]).toBe('kubectl delete clusterrolebinding eks:podsecuritypolicy:authenticated');
    expect(rows[1][10].split(' ')).toContain('DaemonSet/kube-system/aws-node');
  });

  it('CSV cells that a spreadsheet would evaluate are defused', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('@user')).toBe("'@user");
    expect(csvCell('plain')).toBe('plain');
    const hostile: AuditReport = { ...report, findings: [{ ...report.findings[0], title: '+cmd|calc' }] };
    expect(parseCsv(auditToCsv(hostile))[1][2]).toBe("'+cmd|calc");
  });
});
