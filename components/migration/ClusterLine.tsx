import type { BoardSummaryRow, PssVersionInfo } from '@/lib/pss/board';

/** The API server version, what `latest` means there now, and what it will mean after the next upgrade. */
export function ClusterLine({ serverVersion, pspApiServed, info, rows }: { serverVersion: string | null; pspApiServed: boolean; info: PssVersionInfo; rows: BoardSummaryRow[] }) {
  const RANK = { privileged: 0, baseline: 1, restricted: 2 } as const;
  const looser = rows.filter((r) => r.strictest.nextUpgrade && RANK[r.strictest.nextUpgrade] < RANK[r.strictest.latest]).length;
  const following = rows.filter((r) => Object.values(r.labels).some((l) => l?.endsWith(':latest'))).length;
  return (
    <p className="text-sm text-slate-700" data-testid="cluster-line">
      API server <span className="font-medium">{serverVersion ?? `version unknown (evaluated as v1.${info.serverMinor})`}</span>
      {pspApiServed ? ', PodSecurityPolicy served' : ', no PodSecurityPolicy API'}. <code className="rounded bg-slate-100 px-1">latest</code> means{' '}
      <span className="font-medium">{info.latest.now}</span> now
      {info.latest.nextUpgrade ? (
        <>
          {' '}and <span className="font-medium">{info.latest.nextUpgrade}</span> after the next upgrade:{' '}
          {looser === 0 ? 'no namespace\'s workloads meet a looser level then' : <span className="font-medium text-red-800">{looser} namespace{looser === 1 ? '\'s workloads meet' : 's\' workloads meet'} a looser level then</span>}
          {following > 0 && <>; {following} namespace{following === 1 ? ' follows' : 's follow'} latest in a label</>}.
        </>
      ) : '; this is the newest policy version known here.'}
    </p>
  );
}
