import Link from 'next/link';
import { Fragment } from 'react';
import { objectKey } from '@/lib/model/keys';
import type { PspRow } from '@/lib/psp/privileged-settings';

/** The graph focused on this PSP, with its details open. */
function graphHref(psp: string): string {
  const key = objectKey('PodSecurityPolicy', undefined, psp);
  return `/?${new URLSearchParams({ focus: key, node: key })}`;
}

/**
 * kubectl's comma-joined VOLUMES, breakable after each comma: a long list (or `*` plus twenty kinds)
 * wraps inside its column instead of pushing the privileged settings off-screen.
 */
function Volumes({ text }: { text: string }) {
  const parts = text.split(',');
  return (
    <span title={text} className="block min-w-[7rem] max-w-[10rem] [overflow-wrap:anywhere] xl:max-w-[18rem]" data-testid="psp-volumes">
      {parts.map((p, i) => <Fragment key={i}>{p}{i < parts.length - 1 && <>,<wbr /></>}</Fragment>)}
    </span>
  );
}

const COLUMNS = ['NAME', 'PRIV', 'CAPS', 'SELINUX', 'RUNASUSER', 'FSGROUP', 'SUPGROUP', 'READONLYROOTFS', 'VOLUMES'] as const;

/** `kubectl get psp`, with the settings that make a policy privileged in red. */
export function PspTable({ rows }: { rows: PspRow[] }) {
  if (rows.length === 0) return <p className="text-slate-600">This cluster has no PodSecurityPolicy. With the admission plugin on, every pod is then rejected.</p>;
  const risky = (row: PspRow, field: string) => row.privileged.some((p) => p.field === field && p.severity === 'critical');
  const red = 'font-semibold text-red-700';
  return (
    <div className="overflow-x-auto rounded border border-slate-200 bg-white">
      <table className="min-w-full font-mono text-xs xl:text-sm" data-testid="psp-table">
        <thead className="bg-slate-100 text-left text-xs text-slate-600">
          <tr>{COLUMNS.map((c) => <th key={c} className="px-2 py-2 xl:px-3">{c === 'READONLYROOTFS' ? <>READONLY<wbr />ROOTFS</> : c}</th>)}<th className="min-w-[11rem] px-2 py-2 xl:px-3 font-sans">privileged settings</th></tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.name} className="border-t border-slate-100 align-top" data-testid="psp-row" data-name={r.name}>
              {/* On one line: at 1024 px "psp-00" broke after its hyphen. */}
              <td className={`whitespace-nowrap px-2 py-2 xl:px-3 ${r.isPrivileged ? red : ''}`}>
                <Link prefetch={false} href={graphHref(r.name)} className="underline decoration-dotted underline-offset-2 hover:decoration-solid" aria-label={`${r.name}: show in the graph`} data-testid="psp-graph-link">{r.name}</Link>
              </td>
              <td className={`px-2 py-2 xl:px-3 ${r.priv ? red : ''}`}>{String(r.priv)}</td>
              <td className={`px-2 py-2 xl:px-3 ${risky(r, 'allowedCapabilities') ? red : ''}`}>{r.caps}</td>
              <td className="px-2 py-2 xl:px-3">{r.selinux}</td>
              <td className={`px-2 py-2 xl:px-3 ${risky(r, 'runAsUser') ? red : ''}`}>{r.runAsUser}</td>
              <td className="px-2 py-2 xl:px-3">{r.fsGroup}</td>
              <td className="px-2 py-2 xl:px-3">{r.supGroup}</td>
              <td className="px-2 py-2 xl:px-3">{String(r.readOnlyRootFs)}</td>
              <td className={`px-2 py-2 xl:px-3 ${risky(r, 'volumes') ? red : ''}`}><Volumes text={r.volumes} /></td>
              <td className="px-2 py-2 xl:px-3 font-sans text-xs">
                {r.privileged.length === 0 ? <span className="text-emerald-700">none</span> : (
                  <ul>{r.privileged.map((p) => <li key={p.field} className={`break-words ${p.severity === 'critical' ? 'text-red-700' : 'text-amber-700'}`}>{p.field}: {p.value}</li>)}</ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
