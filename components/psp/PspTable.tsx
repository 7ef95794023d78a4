import type { PspRow } from '@/lib/psp/privileged-settings';

const COLUMNS = ['NAME', 'PRIV', 'CAPS', 'SELINUX', 'RUNASUSER', 'FSGROUP', 'SUPGROUP', 'READONLYROOTFS', 'VOLUMES'] as const;

/** `kubectl get psp`, with the settings that make a policy privileged in red. */
export function PspTable({ rows }: { rows: PspRow[] }) {
  if (rows.length === 0) return <p className="text-slate-600">This cluster has no PodSecurityPolicy. With the admission plugin on, every pod is then rejected.</p>;
  const risky = (row: PspRow, field: string) => row.privileged.some((p) => p.field === field && p.severity === 'critical');
  const red = 'font-semibold text-red-700';
  return (
    <div className="overflow-x-auto rounded border border-slate-200 bg-white">
      <table className="min-w-full font-mono text-sm" data-testid="psp-table">
        <thead className="bg-slate-100 text-left text-xs text-slate-600">
          <tr>{COLUMNS.map((c) => <th key={c} className="px-3 py-2">{c}</th>)}<th className="px-3 py-2 font-sans">privileged settings</th></tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.name} className="border-t border-slate-100 align-top" data-testid="psp-row" data-name={r.name}>
              <td className={`px-3 py-2 ${r.isPrivileged ? red : ''}`}>{r.name}</td>
              <td className={`px-3 py-2 ${r.priv ? red : ''}`}>{String(r.priv)}</td>
              <td className={`px-3 py-2 ${risky(r, 'allowedCapabilities') ? red : ''}`}>{r.caps}</td>
              <td className="px-3 py-2">{r.selinux}</td>
              <td className={`px-3 py-2 ${risky(r, 'runAsUser') ? red : ''}`}>{r.runAsUser}</td>
              <td className="px-3 py-2">{r.fsGroup}</td>
              <td className="px-3 py-2">{r.supGroup}</td>
              <td className="px-3 py-2">{String(r.readOnlyRootFs)}</td>
              <td className={`px-3 py-2 ${risky(r, 'volumes') ? red : ''}`}>{r.volumes}</td>
              <td className="px-3 py-2 font-sans text-xs">
                {r.privileged.length === 0 ? <span className="text-emerald-700">none</span> : (
                  <ul>{r.privileged.map((p) => <li key={p.field} className={p.severity === 'critical' ? 'text-red-700' : 'text-amber-700'}>{p.field}: {p.value}</li>)}</ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
