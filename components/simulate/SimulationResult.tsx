'use client';
import type { SimulationView } from '@/lib/client/api';
import type { PolicyEvaluation } from '@/lib/admission/select-policy';
import { serviceAccountUser } from '@/lib/model/keys';

const VERDICT: Record<PolicyEvaluation['verdict'], { label: string; style: string }> = {
  chosen: { label: 'chosen', style: 'bg-emerald-600 text-white' },
  'invalid-policy': { label: 'invalid policy', style: 'bg-slate-500 text-white' },
  rejects: { label: 'rejects the pod', style: 'bg-red-100 text-red-800' },
  'mutation-not-allowed': { label: 'would change the pod', style: 'bg-slate-200 text-slate-700' },
  'not-authorized': { label: 'not authorized', style: 'bg-amber-100 text-amber-900' },
  'earlier-non-mutating-won': { label: 'admits, not first', style: 'bg-slate-200 text-slate-700' },
  'preferred-other': { label: 'admits after defaulting, not chosen', style: 'bg-slate-200 text-slate-700' },
};

function show(v: unknown): string {
  return v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
}

/** The mutations as a diff: what the chosen PSP's defaults change in the pod. */
function MutationDiff({ mutations }: { mutations: SimulationView['mutations'] }) {
  if (mutations.length === 0) return <p className="text-sm text-slate-600" data-testid="simulate-no-mutations">None: the pod is admitted exactly as submitted (apart from the kubernetes.io/psp annotation).</p>;
  return (
    <pre className="overflow-x-auto rounded bg-slate-900 p-3 font-mono text-xs leading-5 text-slate-100" data-testid="simulate-mutations">
      {mutations.map((m, i) => (
        <div key={i}>
          {m.before !== undefined && <div className="text-red-300">- {m.path}: {show(m.before)}</div>}
          {m.after !== undefined && <div className="text-emerald-300">+ {m.path}: {show(m.after)}</div>}
        </div>
      ))}
    </pre>
  );
}

export function SimulationResult({ result, privileged }: { result: SimulationView; privileged: string[] }) {
  const sa = result.serviceAccount ? serviceAccountUser(result.namespace, result.serviceAccount) : undefined;
  const isPrivileged = !!result.psp && privileged.includes(result.psp);
  return (
    <div className="space-y-4" data-testid="simulate-result">
      {result.allowed ? (
        <div className={`rounded border p-3 ${isPrivileged ? 'border-red-300 bg-red-50' : 'border-emerald-300 bg-emerald-50'}`}>
          <p className="text-sm text-slate-600">Admitted. The API server writes</p>
          <p className="font-mono text-lg">kubernetes.io/psp: <span className="font-semibold" data-testid="simulate-psp">{result.psp}</span></p>
          {isPrivileged && <p className="mt-1 text-sm font-medium text-red-800" data-testid="simulate-privileged">⚠ {result.psp} is a privileged PSP: pods it admits may take over their node.</p>}
        </div>
      ) : (
        <div className="rounded border border-red-300 bg-red-50 p-3 text-red-900" data-testid="simulate-refused">
          <p className="font-semibold">Refused</p>
          <p className="mt-1 break-words font-mono text-xs">{result.message}</p>
          {result.errors.length === 0 && result.evaluations.length > 0 && <p className="mt-1 text-sm">The empty list means no PSP is usable by the identities below: the API server lists only the errors of PSPs they may use.</p>}
        </div>
      )}
      {!result.pspApiServed && <p className="rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900">This cluster does not serve the PodSecurityPolicy API: no PSP applies to its pods. The prediction shows what a v1.21–v1.24 cluster would do with these objects.</p>}

      <section>
        <h3 className="text-sm font-semibold">Identities asked, in this order</h3>
        <ul className="mt-1 list-disc pl-5 text-sm">
          <li>Pod service account: {sa ? <code className="font-mono text-xs">{sa}</code> : <em>none (no serviceAccountName)</em>} <span className="text-slate-500">(groups system:serviceaccounts, system:serviceaccounts:{result.namespace}; not system:authenticated)</span></li>
          <li>Requester: {result.requester ? <><code className="font-mono text-xs">{result.requester.user}</code> <span className="text-slate-500">(groups {result.requester.groups.join(', ')})</span></> : <em>none</em>}</li>
        </ul>
      </section>

      <section>
        <h3 className="mb-1 text-sm font-semibold">Mutations by {result.psp ?? 'the chosen PSP'}</h3>
        {result.allowed ? <MutationDiff mutations={result.mutations} /> : <p className="text-sm text-slate-600">None: the pod is refused.</p>}
      </section>

      <section>
        <h3 className="mb-1 text-sm font-semibold">Every PSP, in the order the plugin tries them</h3>
        <div className="overflow-x-auto rounded border border-slate-200 bg-white">
          <table className="min-w-full text-sm" data-testid="simulate-evaluations">
            <thead className="bg-slate-100 text-left text-xs text-slate-600">
              <tr><th className="px-3 py-2">PSP</th><th className="px-3 py-2">Verdict</th><th className="px-3 py-2">Usable</th><th className="px-3 py-2">Why</th></tr>
            </thead>
            <tbody>
              {result.evaluations.map((e) => (
                <tr key={e.psp} className="border-t border-slate-100 align-top" data-testid="simulate-evaluation" data-psp={e.psp} data-verdict={e.verdict}>
                  <td className={`px-3 py-2 font-mono ${privileged.includes(e.psp) ? 'text-red-700' : ''}`}>{e.psp}</td>
                  <td className="px-3 py-2"><span className={`whitespace-nowrap rounded px-1.5 py-0.5 text-xs ${VERDICT[e.verdict].style}`}>{VERDICT[e.verdict].label}</span></td>
                  <td className="px-3 py-2">{e.authorized === undefined ? '–' : e.authorized ? 'yes' : 'no'}</td>
                  <td className="px-3 py-2">
                    {e.reason}
                    {e.errors.length > 0 && <ul className="mt-1 list-disc pl-5 font-mono text-xs text-red-800">{e.errors.map((x, i) => <li key={i}>{x}</li>)}</ul>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
