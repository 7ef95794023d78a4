'use client';
import { useEffect, useRef, useState } from 'react';
import { api, changeRequests, type ChangeRequest } from '@/lib/client/api';
import { describeSubjects, serviceAccountsGroup, subjectsFromInput, SUPERUSER_GROUP, type SubjectInputKind } from '@/lib/plan/subject-input';

type Target = SubjectInputKind | 'Workloads' | 'NamespaceServiceAccounts';
const WORKLOAD_KINDS = ['DaemonSet', 'Deployment', 'StatefulSet', 'Job', 'CronJob', 'ReplicationController'];

interface Props {
  psp: string;
  namespaces: string[];
  onSubmit: (title: string, req: ChangeRequest) => void;
}

const PLACEHOLDER: Record<SubjectInputKind, string> = {
  Group: 'e.g. system:authenticated',
  User: 'e.g. alice@example.com',
  ServiceAccount: 'service account name',
};

/**
 * attach PSP → subjects: cluster-wide by default (as psp-util), or only for pods of one namespace;
 * several subjects at once (one a line); or the service accounts of chosen workloads (the article's
 * kube-system loop). It scrolls itself into view and takes focus when it opens.
 */
export function AttachForm({ psp, namespaces, onSubmit }: Props) {
  const [target, setTarget] = useState<Target>('Group');
  const [names, setNames] = useState('');
  const [saNamespace, setSaNamespace] = useState(namespaces.includes('kube-system') ? 'kube-system' : namespaces[0] ?? 'default');
  const [scope, setScope] = useState('');
  const [workloads, setWorkloads] = useState<{ kind: string; name: string; serviceAccount: string }[]>([]);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const formRef = useRef<HTMLFormElement>(null);

  // Opened below the panel's other sections, it would otherwise appear below the fold.
  useEffect(() => {
    formRef.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    formRef.current?.querySelector<HTMLElement>('select, input, textarea')?.focus({ preventScroll: true });
  }, []);

  useEffect(() => {
    if (target !== 'Workloads') return;
    api.workloads(saNamespace).then((w) => {
      const list = w.filter((x) => WORKLOAD_KINDS.includes(x.kind));
      setWorkloads(list);
      setPicked(new Set(list.map((x) => `${x.kind}/${x.name}`)));
    }).catch(() => setWorkloads([]));
  }, [target, saNamespace]);

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const namespace = scope || undefined;
    const where = namespace ? { namespace } : {};
    if (target === 'Workloads') {
      const items = workloads.filter((w) => picked.has(`${w.kind}/${w.name}`)).map((w) => ({ kind: w.kind as 'Deployment', name: w.name }));
      onSubmit(`Attach ${psp} to the service accounts of ${items.length} workload(s) in ${saNamespace}`, changeRequests.attach({ psp, workloads: { namespace: saNamespace, items }, ...where }));
      return;
    }
    if (target === 'NamespaceServiceAccounts') {
      // Group system:serviceaccounts:<ns>, granted by a RoleBinding in that namespace unless a scope says otherwise.
      onSubmit(`Attach ${psp} to all service accounts of ${saNamespace}`, changeRequests.attach({ psp, subject: { kind: 'Group', name: serviceAccountsGroup(saNamespace) }, namespace: namespace ?? saNamespace }));
      return;
    }
    const subjects = subjectsFromInput(target, names, saNamespace);
    if (subjects.length === 0) return;
    const body = subjects.length === 1 ? { psp, subject: subjects[0], ...where } : { psp, subjects, ...where };
    onSubmit(`Attach ${psp} to ${describeSubjects(subjects)}`, changeRequests.attach(body));
  };

  const input = 'min-w-0 rounded border border-slate-300 bg-white px-2 py-1 text-sm';
  const row = 'grid grid-cols-[4.5rem_minmax(0,1fr)] items-center gap-2';
  const mentionsMasters = target === 'Group' && names.split('\n').some((n) => n.trim() === SUPERUSER_GROUP);
  return (
    <form ref={formRef} className="space-y-2 rounded border border-slate-200 bg-slate-50 p-3" onSubmit={submit} data-testid="attach-form" aria-label={`Attach ${psp}`}>
      <div className={row}>
        <label className="text-slate-700" htmlFor="attach-target">To</label>
        <select id="attach-target" data-testid="attach-kind" className={input} value={target} onChange={(e) => setTarget(e.target.value as Target)}>
          <option value="Group">Groups</option>
          <option value="User">Users</option>
          <option value="ServiceAccount">ServiceAccounts</option>
          <option value="Workloads">service accounts of workloads…</option>
          <option value="NamespaceServiceAccounts">all service accounts of a namespace</option>
        </select>
      </div>
      {(target === 'ServiceAccount' || target === 'Workloads' || target === 'NamespaceServiceAccounts') && (
        <div className={row}>
          <label className="text-slate-700" htmlFor="attach-sa-ns">Namespace</label>
          <select id="attach-sa-ns" data-testid="attach-sa-namespace" className={input} value={saNamespace} onChange={(e) => setSaNamespace(e.target.value)}>
            {namespaces.map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        </div>
      )}
      {target === 'NamespaceServiceAccounts' ? (
        <p className="text-slate-700">Group <code className="font-mono">{serviceAccountsGroup(saNamespace)}</code>, only for pods in {scope || saNamespace}.</p>
      ) : target !== 'Workloads' ? (
        <div className={`${row} items-start`}>
          <label className="pt-1 text-slate-700" htmlFor="attach-name">Names</label>
          <div className="min-w-0">
            <textarea id="attach-name" data-testid="attach-name" rows={2} className={`${input} w-full resize-y font-mono`} placeholder={PLACEHOLDER[target]} value={names}
              onChange={(e) => setNames(e.target.value)} aria-describedby="attach-name-help" required
              onKeyDown={(e) => {
                // Enter previews, as in a one-line field; Shift+Enter starts the next name.
                if (e.key === 'Enter' && !e.shiftKey) {
                  e.preventDefault();
                  e.currentTarget.form?.requestSubmit();
                }
              }} />
            <p id="attach-name-help" className="text-xs text-slate-700">One a line (Shift+Enter for the next): all are attached in one change.</p>
          </div>
        </div>
      ) : (
        <ul className="max-h-40 overflow-auto rounded border border-slate-200 bg-white p-2" data-testid="attach-workloads">
          {workloads.length === 0 && <li className="text-slate-700">No DaemonSet, Deployment, StatefulSet, Job, CronJob or ReplicationController in {saNamespace}.</li>}
          {workloads.map((w) => {
            const key = `${w.kind}/${w.name}`;
            return (
              <li key={key}>
                <label className="flex items-center gap-2">
                  <input type="checkbox" checked={picked.has(key)} onChange={(e) => {
                    const next = new Set(picked);
                    if (e.target.checked) next.add(key); else next.delete(key);
                    setPicked(next);
                  }} />
                  {w.kind} {w.name} <span className="text-slate-700">→ ServiceAccount {w.serviceAccount}</span>
                </label>
              </li>
            );
          })}
        </ul>
      )}
      <div className={row}>
        <label className="text-slate-700" htmlFor="attach-scope">Where</label>
        <select id="attach-scope" data-testid="attach-scope" className={`${input} w-full`} value={scope} onChange={(e) => setScope(e.target.value)}>
          <option value="">every namespace (ClusterRoleBinding)</option>
          {namespaces.map((n) => <option key={n} value={n}>only in {n} (RoleBinding)</option>)}
        </select>
      </div>
      <p className={`text-xs ${mentionsMasters ? 'rounded border border-amber-300 bg-amber-50 p-1.5 text-amber-900' : 'text-slate-700'}`} data-testid="attach-masters-note">
        Members of group <code className="font-mono">{SUPERUSER_GROUP}</code> may already use every PSP: the API server allows them everything, whatever the bindings.
      </p>
      <button type="submit" className="rounded bg-indigo-600 px-3 py-1 text-sm font-medium text-white" data-testid="attach-submit">Preview attach</button>
    </form>
  );
}
