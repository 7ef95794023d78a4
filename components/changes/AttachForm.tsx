'use client';
import { useEffect, useState } from 'react';
import { api, type ChangeRequest } from '@/lib/client/api';

type Target = 'Group' | 'User' | 'ServiceAccount' | 'Workloads' | 'NamespaceServiceAccounts';
const WORKLOAD_KINDS = ['DaemonSet', 'Deployment', 'StatefulSet', 'Job', 'CronJob'];

interface Props {
  psp: string;
  namespaces: string[];
  onSubmit: (title: string, req: ChangeRequest) => void;
}

/**
 * attach PSP → subject: cluster-wide by default (as psp-util), or only for pods of one namespace;
 * or to the service accounts of chosen workloads (the article's kube-system loop).
 */
export function AttachForm({ psp, namespaces, onSubmit }: Props) {
  const [target, setTarget] = useState<Target>('Group');
  const [name, setName] = useState('');
  const [saNamespace, setSaNamespace] = useState('kube-system');
  const [scope, setScope] = useState('');
  const [workloads, setWorkloads] = useState<{ kind: string; name: string; serviceAccount: string }[]>([]);
  const [picked, setPicked] = useState<Set<string>>(new Set());

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
    if (target === 'Workloads') {
      const items = workloads.filter((w) => picked.has(`${w.kind}/${w.name}`)).map((w) => ({ kind: w.kind, name: w.name }));
      onSubmit(`Attach ${psp} to the service accounts of ${items.length} workload(s) in ${saNamespace}`, { method: 'POST', path: '/api/v1/attach', body: { psp, workloads: { namespace: saNamespace, items }, ...(namespace ? { namespace } : {}) } });
      return;
    }
    if (target === 'NamespaceServiceAccounts') {
      // Group system:serviceaccounts:<ns>, granted by a RoleBinding in that namespace unless a scope says otherwise.
      const where = namespace ?? saNamespace;
      onSubmit(`Attach ${psp} to all service accounts of ${saNamespace}`, { method: 'POST', path: '/api/v1/attach', body: { psp, subject: { kind: 'Group', name: `system:serviceaccounts:${saNamespace}` }, namespace: where } });
      return;
    }
    const subject = target === 'ServiceAccount' ? { kind: target, name: name.trim(), namespace: saNamespace } : { kind: target, name: name.trim() };
    onSubmit(`Attach ${psp} to ${target} ${target === 'ServiceAccount' ? `${saNamespace}/` : ''}${name.trim()}`, { method: 'POST', path: '/api/v1/attach', body: { psp, subject, ...(namespace ? { namespace } : {}) } });
  };

  const input = 'rounded border border-slate-300 px-2 py-1 text-sm';
  return (
    <form className="space-y-2 rounded border border-slate-200 bg-slate-50 p-3" onSubmit={submit} data-testid="attach-form">
      <div className="flex items-center gap-2">
        <label className="text-slate-600" htmlFor="attach-target">To</label>
        <select id="attach-target" data-testid="attach-kind" className={input} value={target} onChange={(e) => setTarget(e.target.value as Target)}>
          <option value="Group">Group</option>
          <option value="User">User</option>
          <option value="ServiceAccount">ServiceAccount</option>
          <option value="Workloads">service accounts of workloads…</option>
          <option value="NamespaceServiceAccounts">all service accounts of a namespace</option>
        </select>
      </div>
      {(target === 'ServiceAccount' || target === 'Workloads' || target === 'NamespaceServiceAccounts') && (
        <div className="flex items-center gap-2">
          <label className="text-slate-600" htmlFor="attach-sa-ns">Namespace</label>
          <select id="attach-sa-ns" data-testid="attach-sa-namespace" className={input} value={saNamespace} onChange={(e) => setSaNamespace(e.target.value)}>
            {namespaces.map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        </div>
      )}
      {target === 'NamespaceServiceAccounts' ? (
        <p className="text-slate-600">Group <code className="font-mono">system:serviceaccounts:{saNamespace}</code>, only for pods in {scope || saNamespace}.</p>
      ) : target !== 'Workloads' ? (
        <input className={`${input} w-full`} data-testid="attach-name" placeholder={target === 'Group' ? 'e.g. system:authenticated' : target === 'User' ? 'e.g. alice@example.com' : 'service account name'} value={name} onChange={(e) => setName(e.target.value)} required />
      ) : (
        <ul className="max-h-40 overflow-auto rounded border border-slate-200 bg-white p-2" data-testid="attach-workloads">
          {workloads.length === 0 && <li className="text-slate-500">No DaemonSet, Deployment, StatefulSet, Job or CronJob in {saNamespace}.</li>}
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
                  {w.kind} {w.name} <span className="text-slate-500">→ ServiceAccount {w.serviceAccount}</span>
                </label>
              </li>
            );
          })}
        </ul>
      )}
      <div className="flex items-center gap-2">
        <label className="text-slate-600" htmlFor="attach-scope">Where</label>
        <select id="attach-scope" data-testid="attach-scope" className={input} value={scope} onChange={(e) => setScope(e.target.value)}>
          <option value="">every namespace (ClusterRoleBinding, as psp-util)</option>
          {namespaces.map((n) => <option key={n} value={n}>only pods in {n} (RoleBinding)</option>)}
        </select>
      </div>
      <button type="submit" className="rounded bg-indigo-600 px-3 py-1 text-sm font-medium text-white" data-testid="attach-submit">Preview attach</button>
    </form>
  );
}
