'use client';
import { useEffect, useId, useRef, useState } from 'react';
import { api, type ApiError, type PodSecurityCheckView } from '@/lib/client/api';
import type { PodSecurityCheckBody } from '@/lib/schemas/pod-security';
import { ErrorNotice } from '../ui/ErrorNotice';

const SAMPLE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
`;

/** The namespace's own enforce label, rather than a level picked here. */
const NAMESPACE_LEVEL = 'namespace';

interface Props {
  namespaces: string[];
  /** The API server's minor version: the newest policy version it knows. */
  serverMinor: number;
}

/**
 * "Would this manifest be admitted at that level?" before it is applied: one pod or pod template,
 * judged as this server's PodSecurity plugin would, with its check IDs and wording. Changes nothing.
 */
export function ManifestCheck({ namespaces, serverMinor }: Props) {
  const id = useId();
  const [manifest, setManifest] = useState(SAMPLE);
  const [namespace, setNamespace] = useState('');
  const [level, setLevel] = useState('restricted');
  const [version, setVersion] = useState('latest');
  const [result, setResult] = useState<PodSecurityCheckView>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const answer = useRef<HTMLDivElement>(null);
  // The answer appears under the form, often below the fold: bring it into view.
  useEffect(() => {
    if (result || error) answer.current?.scrollIntoView?.({ block: 'nearest' });
  }, [result, error]);

  const fromNamespace = level === NAMESPACE_LEVEL;
  const body = (): PodSecurityCheckBody => ({
    manifest,
    ...(namespace ? { namespace } : {}),
    ...(fromNamespace ? {} : { level: level as 'privileged' | 'baseline' | 'restricted', version }),
  });

  async function check() {
    setBusy(true);
    setError(undefined);
    try {
      setResult(await api.podSecurityCheck(body()));
    } catch (e) {
      setResult(undefined);
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  }

  const versions = ['latest', ...Array.from({ length: serverMinor + 1 }, (_, i) => `v1.${serverMinor - i}`)];
  const input = 'rounded border border-slate-300 bg-white px-2 py-1 text-sm';
  return (
    <details className="rounded border border-slate-200 bg-white" data-testid="manifest-check">
      <summary className="cursor-pointer px-4 py-2 font-semibold">Check a manifest against a level</summary>
      <form className="space-y-3 border-t border-slate-100 px-4 py-3" onSubmit={(e) => { e.preventDefault(); void check(); }}>
        <label htmlFor={`${id}-manifest`} className="block text-sm font-medium">Pod or workload manifest (YAML or JSON)</label>
        <textarea id={`${id}-manifest`} className="h-48 w-full rounded border border-slate-300 bg-white p-2 font-mono text-xs" spellCheck={false}
          value={manifest} onChange={(e) => setManifest(e.target.value)} data-testid="manifest-check-text" />
        <div className="flex flex-wrap items-end gap-3 text-sm">
          <label className="flex flex-col gap-1">Namespace
            <select className={input} value={namespace} data-testid="manifest-check-namespace"
              onChange={(e) => { setNamespace(e.target.value); if (!e.target.value && fromNamespace) setLevel('restricted'); }}>
              <option value="">none (the manifest&apos;s own, if any)</option>
              {namespaces.map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
          </label>
          <label className="flex flex-col gap-1">Level
            <select className={input} value={level} onChange={(e) => setLevel(e.target.value)} data-testid="manifest-check-level">
              {namespace && <option value={NAMESPACE_LEVEL}>the namespace&apos;s enforce label</option>}
              <option value="restricted">restricted</option>
              <option value="baseline">baseline</option>
              <option value="privileged">privileged</option>
            </select>
          </label>
          {!fromNamespace && (
            <label className="flex flex-col gap-1">Version
              <select className={input} value={version} onChange={(e) => setVersion(e.target.value)} data-testid="manifest-check-version">
                {versions.map((v) => <option key={v} value={v}>{v}</option>)}
              </select>
            </label>
          )}
          <button type="submit" disabled={busy} className="rounded bg-indigo-700 px-3 py-1.5 font-medium text-white hover:bg-indigo-800 disabled:opacity-60" data-testid="manifest-check-run">
            {busy ? 'Checking…' : 'Check'}
          </button>
        </div>
        <p className="text-xs text-slate-600">Nothing is written: the manifest is judged here, as the API server&apos;s PodSecurity admission would judge its pods.</p>
      </form>
      <div ref={answer} aria-live="polite" className="px-4 pb-3">
        {error && <ErrorNotice error={error} />}
        {result && <CheckResult result={result} />}
      </div>
    </details>
  );
}

function CheckResult({ result }: { result: PodSecurityCheckView }) {
  const at = `${result.level}:${result.version}`;
  const verdict = result.exempt
    ? `Allowed: exempt by the API server's configuration (${result.exempt === 'namespace' ? 'the namespace' : 'the runtime class'}).`
    : result.allowed ? `Allowed at ${at}.` : `Refused at ${at}: ${result.checks.length} ${result.checks.length === 1 ? 'check fails' : 'checks fail'}.`;
  return (
    <div data-testid="manifest-check-result" data-allowed={String(result.allowed)} className={`rounded border p-3 text-sm ${result.allowed ? 'border-emerald-300 bg-emerald-50 text-emerald-900' : 'border-red-300 bg-red-50 text-red-900'}`}>
      <p className="font-medium">{verdict}</p>
      {result.checks.length > 0 && (
        <ul className="mt-2 space-y-1">
          {result.checks.map((c) => (
            <li key={c.id} data-testid="manifest-check-failure" data-id={c.id}>
              <code className="font-mono text-xs">{c.id}</code> {c.message}
            </li>
          ))}
        </ul>
      )}
      {result.message && <p className="mt-2 break-words font-mono text-xs">{result.message}</p>}
    </div>
  );
}
