'use client';
import { useCallback, useEffect, useState } from 'react';
import { api, type ApiError, type SimulationView } from '@/lib/client/api';
import type { SimulateBody } from '@/lib/schemas/analysis';
import { ErrorNotice } from '../ui/ErrorNotice';
import { SimulationResult } from './SimulationResult';

const SAMPLE = `apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  containers:
  - name: shell
    image: busybox
    securityContext:
      privileged: true
`;

export interface WorkloadChoice {
  kind: string;
  namespace?: string;
  name: string;
  serviceAccount: string;
}

interface Props {
  namespaces: string[];
  workloads: WorkloadChoice[];
  privileged: string[];
  initialWorkload?: string;
}

type RequesterMode = 'controller' | 'user' | 'none';

const workloadKey = (w: WorkloadChoice) => `${w.kind}/${w.namespace ?? ''}/${w.name}`;

/** Which PSP would a pod get: a manifest or an existing workload, a namespace, and who creates it. */
export function SimulateForm({ namespaces, workloads, privileged, initialWorkload }: Props) {
  const [mode, setMode] = useState<'manifest' | 'workload'>(initialWorkload ? 'workload' : 'manifest');
  const [manifest, setManifest] = useState(SAMPLE);
  const [namespace, setNamespace] = useState(namespaces.includes('default') ? 'default' : namespaces[0] ?? 'default');
  const [workload, setWorkload] = useState(initialWorkload ?? (workloads[0] ? workloadKey(workloads[0]) : ''));
  const [requesterMode, setRequesterMode] = useState<RequesterMode>(initialWorkload ? 'controller' : 'user');
  const [user, setUser] = useState('jane@example.com');
  const [groups, setGroups] = useState('');
  const [serviceAccountCredentials, setServiceAccountCredentials] = useState(true);
  const [result, setResult] = useState<SimulationView>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  const run = useCallback(async (body: SimulateBody) => {
    setBusy(true);
    setError(undefined);
    try {
      setResult(await api.simulate(body));
    } catch (e) {
      setResult(undefined);
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  }, []);

  const body = (): SimulateBody => ({
    ...(mode === 'workload' ? { workload } : { manifest, namespace }),
    ...(requesterMode === 'user' ? { requester: { user: user.trim(), groups: groups.split(',').map((g) => g.trim()).filter(Boolean) } } : {}),
    ...(serviceAccountCredentials ? {} : { useServiceAccountCredentials: false }),
  });

  // A workload linked from the namespaces view is simulated at once.
  useEffect(() => {
    if (initialWorkload) void run({ workload: initialWorkload });
  }, [initialWorkload, run]);

  const input = 'rounded border border-slate-300 bg-white px-2 py-1 text-sm';
  const radio = (value: RequesterMode, label: string, hint: string) => (
    <label className="flex items-start gap-2">
      <input type="radio" name="requester" className="mt-1" checked={requesterMode === value} onChange={() => setRequesterMode(value)} data-testid={`requester-${value}`} />
      <span>{label} <span className="block text-xs text-slate-500">{hint}</span></span>
    </label>
  );
  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,520px)_minmax(0,1fr)]">
      <form className="space-y-4" onSubmit={(e) => { e.preventDefault(); void run(body()); }} data-testid="simulate-form">
        <fieldset className="space-y-2">
          <legend className="text-sm font-semibold">Pod</legend>
          <div className="flex gap-4 text-sm">
            <label className="flex items-center gap-1"><input type="radio" name="mode" checked={mode === 'manifest'} onChange={() => setMode('manifest')} data-testid="mode-manifest" /> Pod or pod-template YAML</label>
            <label className="flex items-center gap-1"><input type="radio" name="mode" checked={mode === 'workload'} onChange={() => { setMode('workload'); setRequesterMode('controller'); }} data-testid="mode-workload" /> An existing workload</label>
          </div>
          {mode === 'manifest' ? (
            <>
              <textarea className="h-64 w-full rounded border border-slate-300 bg-white p-2 font-mono text-xs" spellCheck={false} value={manifest} onChange={(e) => setManifest(e.target.value)} data-testid="simulate-manifest" aria-label="Manifest YAML" />
              <p className="text-xs text-slate-500">A Pod, a Deployment, DaemonSet, StatefulSet, Job, CronJob, ReplicaSet or ReplicationController (its pod template), a PodTemplate, or a bare template with spec.containers.</p>
              <label className="flex items-center gap-2 text-sm">Namespace
                <select className={input} value={namespace} onChange={(e) => setNamespace(e.target.value)} data-testid="simulate-namespace">
                  {namespaces.map((n) => <option key={n} value={n}>{n}</option>)}
                </select>
              </label>
            </>
          ) : (
            <select className={`${input} w-full`} value={workload} onChange={(e) => setWorkload(e.target.value)} data-testid="simulate-workload">
              {workloads.map((w) => <option key={workloadKey(w)} value={workloadKey(w)}>{w.namespace}/{w.name} ({w.kind}, service account {w.serviceAccount})</option>)}
            </select>
          )}
        </fieldset>

        <fieldset className="space-y-2 text-sm">
          <legend className="text-sm font-semibold">Who creates the pod (the requester)</legend>
          {radio('controller', 'The workload\'s controller', 'Deployment → replicaset-controller, DaemonSet → daemon-set-controller, Job and CronJob → job-controller, ReplicationController → replication-controller… A bare Pod has none.')}
          {radio('user', 'A user', 'Someone running kubectl create; system:authenticated is added, as the authenticator does.')}
          {requesterMode === 'user' && (
            <div className="ml-6 flex flex-wrap gap-2">
              <input className={input} value={user} onChange={(e) => setUser(e.target.value)} placeholder="user name" aria-label="User" data-testid="requester-user" />
              <input className={`${input} flex-1`} value={groups} onChange={(e) => setGroups(e.target.value)} placeholder="groups, comma-separated" aria-label="Groups" data-testid="requester-groups" />
            </div>
          )}
          {radio('none', 'Nobody else', 'Only the pod\'s service account is asked.')}
          <label className="flex items-start gap-2">
            <input type="checkbox" className="mt-1" checked={serviceAccountCredentials} onChange={(e) => setServiceAccountCredentials(e.target.checked)} data-testid="sa-credentials" />
            <span>
              Controllers use their own service-account credentials
              <span className="block text-xs text-slate-500">kube-controller-manager --use-service-account-credentials, as kubeadm and EKS run it; off, every controller is system:kube-controller-manager.</span>
            </span>
          </label>
        </fieldset>

        <button type="submit" className="rounded bg-indigo-600 px-4 py-2 text-sm font-medium text-white disabled:opacity-50" disabled={busy || (mode === 'workload' && !workload)} data-testid="simulate-submit">
          {busy ? 'Simulating…' : 'Simulate admission'}
        </button>
      </form>

      <div>
        {error && <ErrorNotice error={error} />}
        {!result && !error && <p className="text-sm text-slate-500">The result appears here: the PSP the API server would choose, what it changes in the pod, and why every other PSP was or was not chosen. Nothing is created.</p>}
        {result && <SimulationResult result={result} privileged={privileged} />}
      </div>
    </div>
  );
}
