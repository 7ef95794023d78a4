'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { parse } from 'yaml';
import { api, changeRequests, type ChangeRequest } from '@/lib/client/api';
import { ChangeDialog } from '../changes/ChangeDialog';

const TEMPLATES = [
  ['restricted', 'restricted: the EKS best-practice policy of the article (non-root, no privilege escalation, core volumes)'],
  ['baseline', 'baseline: the Pod Security Standards baseline (no host access, default capabilities)'],
  ['privileged', 'privileged: everything allowed, as eks.privileged'],
] as const;

/** Create, edit and delete PSPs. The YAML editor's text goes to the server, which validates it. */
export function PspActions({ names }: { names: string[] }) {
  const router = useRouter();
  const [mode, setMode] = useState<'none' | 'template' | 'yaml'>('none');
  const [template, setTemplate] = useState<(typeof TEMPLATES)[number][0]>('restricted');
  const [name, setName] = useState('restricted');
  const [yamlText, setYamlText] = useState('');
  const [editing, setEditing] = useState<string>();
  const [parseError, setParseError] = useState<string>();
  const [dialog, setDialog] = useState<{ title: string; request: ChangeRequest }>();
  // Picking a PSP does nothing by itself; Edit… or Delete… acts on it.
  const [pickedName, setPicked] = useState(names[0] ?? '');
  const picked = names.includes(pickedName) ? pickedName : names[0] ?? '';

  const fromYaml = (text: string, make: (manifest: Record<string, unknown>) => { title: string; request: ChangeRequest }) => {
    let manifest: unknown;
    try {
      manifest = parse(text);
    } catch (e) {
      setParseError(`The YAML does not parse: ${(e as Error).message.split('\n')[0]}`);
      return;
    }
    if (!manifest || typeof manifest !== 'object' || Array.isArray(manifest)) {
      setParseError('The YAML must be one PodSecurityPolicy object.');
      return;
    }
    setParseError(undefined);
    setDialog(make(manifest as Record<string, unknown>));
  };

  const edit = async (psp: string) => {
    const view = await api.object(`PodSecurityPolicy//${psp}`);
    setEditing(psp);
    setYamlText(view.yaml ?? '');
    setMode('yaml');
  };

  const input = 'rounded border border-slate-300 px-2 py-1 text-sm';
  return (
    <div className="mb-4 space-y-3" data-testid="psp-actions">
      <div className="flex flex-wrap items-center gap-2">
        <button className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white" data-testid="new-psp-template" onClick={() => { setMode('template'); setEditing(undefined); }}>New from template</button>
        <button className="rounded border border-slate-300 bg-white px-3 py-1.5 text-sm" data-testid="new-psp-yaml" onClick={() => { setMode('yaml'); setEditing(undefined); setYamlText('apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: my-policy\nspec:\n  privileged: false\n  seLinux: {rule: RunAsAny}\n  runAsUser: {rule: MustRunAsNonRoot}\n  supplementalGroups: {rule: RunAsAny}\n  fsGroup: {rule: RunAsAny}\n  volumes: [configMap, secret, emptyDir, projected, downwardAPI, persistentVolumeClaim]\n'); }}>New from YAML</button>
        {names.length > 0 && (
          <form className="flex items-center gap-1 text-sm text-slate-700" data-testid="psp-pick-form" onSubmit={(e) => {
            e.preventDefault();
            const action = ((e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null)?.value;
            if (!picked) return;
            if (action === 'delete') setDialog({ title: `Delete PodSecurityPolicy ${picked}`, request: changeRequests.deletePsp(picked) });
            else void edit(picked);
          }}>
            <label htmlFor="psp-pick">or an existing PSP</label>
            <select id="psp-pick" className={input} data-testid="psp-pick" value={picked} onChange={(e) => setPicked(e.target.value)}>
              {names.map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
            <button type="submit" value="edit" className="rounded border border-slate-300 bg-white px-3 py-1 text-sm" data-testid="psp-edit">Edit…</button>
            <button type="submit" value="delete" className="rounded border border-red-300 bg-white px-3 py-1 text-sm text-red-800" data-testid="psp-delete">Delete…</button>
          </form>
        )}
      </div>
      {mode === 'template' && (
        <form className="flex flex-wrap items-center gap-2 rounded border border-slate-200 bg-white p-3" data-testid="template-form" onSubmit={(e) => { e.preventDefault(); setDialog({ title: `Create PodSecurityPolicy ${name}`, request: changeRequests.createPsp({ template, name }) }); }}>
          <label htmlFor="template-select" className="text-sm text-slate-700">Template</label>
          <select id="template-select" className={input} data-testid="template-select" value={template} onChange={(e) => { const t = TEMPLATES.find(([id]) => id === e.target.value)![0]; setTemplate(t); setName(t); }}>
            {TEMPLATES.map(([t, label]) => <option key={t} value={t}>{label}</option>)}
          </select>
          <label htmlFor="template-name" className="text-sm text-slate-700">Name</label>
          <input id="template-name" className={input} data-testid="template-name" value={name} onChange={(e) => setName(e.target.value)} required />
          <button className="rounded bg-indigo-600 px-3 py-1 text-sm text-white" type="submit" data-testid="template-submit">Preview</button>
        </form>
      )}
      {mode === 'yaml' && (
        <form className="space-y-2 rounded border border-slate-200 bg-white p-3" onSubmit={(e) => {
          e.preventDefault();
          fromYaml(yamlText, (manifest) => editing
            ? { title: `Edit PodSecurityPolicy ${editing}`, request: changeRequests.updatePsp(editing, { manifest }) }
            : { title: 'Create PodSecurityPolicy', request: changeRequests.createPsp({ manifest }) });
        }}>
          <p className="text-sm text-slate-600">{editing ? `Editing ${editing}` : 'A new PodSecurityPolicy'}: the server checks fields and types before anything is written.</p>
          <textarea aria-label="PodSecurityPolicy YAML" className="h-72 w-full rounded border border-slate-300 p-2 font-mono text-xs" data-testid="psp-yaml" value={yamlText} onChange={(e) => setYamlText(e.target.value)} spellCheck={false} />
          {parseError && <p className="text-sm text-red-700" role="alert">{parseError}</p>}
          <button className="rounded bg-indigo-600 px-3 py-1 text-sm text-white" type="submit" data-testid="yaml-submit">Preview</button>
        </form>
      )}
      {dialog && <ChangeDialog title={dialog.title} request={dialog.request} onClose={() => setDialog(undefined)} onApplied={() => { setMode('none'); router.refresh(); }} />}
    </div>
  );
}
