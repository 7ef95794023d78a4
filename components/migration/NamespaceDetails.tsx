'use client';
import { useEffect, useState } from 'react';
import { api, ApiError } from '@/lib/client/api';
import type { BoardRow } from '@/lib/pss/board';
import { ErrorNotice } from '../ui/ErrorNotice';
import { LevelBadge } from './LevelBadge';

const show = (v: unknown) => (v === undefined ? 'unset' : JSON.stringify(v));

/** One namespace's board row in full: labels, refused workloads and PSA's reasons, PSP mutations, who may relabel. */
export function NamespaceDetails({ namespace, revision }: { namespace: string; revision: number }) {
  const [row, setRow] = useState<BoardRow | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  useEffect(() => {
    let live = true;
    api.podSecurity(namespace).then(
      (b) => live && setRow(b.namespaces[0]),
      (e: ApiError) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [namespace, revision]);
  if (error) return <ErrorNotice error={error} />;
  if (!row) return <p className="text-sm text-slate-600" role="status">Loading {namespace}…</p>;
  const version = row.recommended.version;
  return (
    <div className="space-y-3 text-sm" data-testid="namespace-details" data-namespace={namespace}>
      {row.labels.errors.length > 0 && (
        <ul className="rounded border border-red-300 bg-red-50 p-2 text-red-900" data-testid="label-errors">
          {row.labels.errors.map((e) => <li key={e.label} className="font-mono text-xs">{e.message}</li>)}
        </ul>
      )}
      {row.exempt && <p className="text-slate-700">Exempt by the API server&apos;s PodSecurity configuration: no level applies here.</p>}
      {(['restricted', 'baseline'] as const).map((level) => {
        const v = row.levels[level].violations;
        return (
          <section key={level} data-testid={`refused-${level}`}>
            <h3 className="font-medium">
              At <LevelBadge level={level} version={version} />: {v.length === 0 ? 'every workload is admitted' : `${v.length} workload${v.length === 1 ? '' : 's'} refused`}
            </h3>
            {v.length > 0 && (
              <ul className="mt-1 space-y-1">
                {v.map((w) => (
                  <li key={w.workload} data-testid="refused-workload" data-workload={w.workload}>
                    <span className="text-xs text-slate-600">{w.kind}</span> <span className="font-medium">{w.name}</span>
                    <ul className="ml-4 list-disc pl-4 text-xs text-slate-800">
                      {w.checks.map((c) => <li key={c.id}><span className="break-words font-mono">{c.message}</span> <span className="text-slate-600">[{c.id}]</span></li>)}
                    </ul>
                  </li>
                ))}
              </ul>
            )}
          </section>
        );
      })}
      <section data-testid="enforce-warnings">
        <h3 className="font-medium">Labelling it to enforce (server dry run of its existing pods)</h3>
        <ul className="mt-1 space-y-1">
          {(['baseline', 'restricted'] as const).map((level) => {
            const w = row.enforceWarnings[level];
            return (
              <li key={level} data-level={level}>
                <LevelBadge level={level} version={version} />{' '}
                {w.length === 0 ? <span className="text-slate-700">no warnings</span> : (
                  <ul className="ml-4 list-disc pl-4 font-mono text-xs text-red-900">{w.map((line) => <li key={line} className="break-words">{line}</li>)}</ul>
                )}
              </li>
            );
          })}
        </ul>
      </section>
      <section data-testid="mutations">
        <h3 className="font-medium">What PSP sets in its pods today</h3>
        {row.mutations.length === 0 && row.podMutations.length === 0 ? (
          <p className="text-slate-700">{row.psps.length ? 'Nothing: its PSPs admit its pods unchanged.' : 'Nothing (no PSP admits its pods).'}</p>
        ) : (
          <ul className="mt-1 space-y-1">
            {row.mutations.map((m) => (
              <li key={m.workload}>
                <span className="font-medium">{m.workload}</span> <span className="text-slate-600">by {m.psp}; keep it by setting in the template:</span>
                <ul className="ml-4 list-disc pl-4 font-mono text-xs">
                  {m.changes.map((c) => <li key={c.path}>{c.templatePath}: {show(c.after)} <span className="font-sans text-slate-600">(now {show(c.before)})</span></li>)}
                </ul>
              </li>
            ))}
          </ul>
        )}
        {row.podMutations.length > 0 && (
          <>
            <p className="mt-1 text-slate-700">Running pods whose PSP set what their owner&apos;s template does not:</p>
            <ul className="mt-1 space-y-1" data-testid="pod-mutations">
              {row.podMutations.map((m) => (
                <li key={m.pod}>
                  <span className="font-medium">{m.pod}</span>{m.otherPods ? <span className="text-slate-600"> (and {m.otherPods} other {m.otherPods === 1 ? 'pod' : 'pods'} the same)</span> : null} <span className="text-slate-600">of {m.owner}{m.psp ? `, by ${m.psp}` : ''}; set in {m.owner}:</span>
                  <ul className="ml-4 list-disc pl-4 font-mono text-xs">
                    {m.changes.map((c) => <li key={c.path}>{c.templatePath}: {show(c.value)} <span className="font-sans text-slate-600">(template: {show(c.template)})</span></li>)}
                  </ul>
                </li>
              ))}
            </ul>
          </>
        )}
        {row.mutatingPsps.length > 0 && (
          <p className="mt-1 text-slate-700">Mutating fields of its PSPs: {row.mutatingPsps.map((p) => `${p.psp} (${p.fields.map((f) => f.field).join(', ')})`).join('; ')}.</p>
        )}
      </section>
      {row.pspGaps.length > 0 && (
        <section data-testid="psp-gaps">
          <h3 className="font-medium">What its PSPs refuse that Pod Security will allow</h3>
          <ul className="mt-1 list-disc pl-5 text-xs">
            {row.pspGaps.flatMap((p) => p.gaps.map((g) => (
              <li key={`${p.psp}/${g.field}`}><span className="font-mono">{p.psp}</span> <span className="font-mono text-slate-700">{g.field}: {g.value}</span>: {g.allowedAfter}</li>
            )))}
          </ul>
        </section>
      )}
      <section data-testid="relabelers">
        <h3 className="font-medium">May relabel it (update or patch on the namespace)</h3>
        <p className="text-xs text-slate-600">They can lift its level (guide step 1); members of system:masters can too, without a binding.</p>
        <ul className="mt-1 flex flex-wrap gap-x-4 gap-y-0.5 text-xs">
          {row.relabelers.map((s) => (
            <li key={`${s.kind}/${s.namespace ?? ''}/${s.name}`}>
              <span className="text-slate-600">{s.kind}</span> <span className="font-mono">{s.namespace ? `${s.namespace}/` : ''}{s.name}</span> <span className="text-slate-600">via {s.via}</span>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
