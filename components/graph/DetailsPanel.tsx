'use client';
import { useEffect, useState } from 'react';
import { api, ApiError, changeRequests, type ChangeRequest, type ObjectView, type SubjectAccessView } from '@/lib/client/api';
import { ChangeDialog } from '../changes/ChangeDialog';
import { AttachForm } from '../changes/AttachForm';
import { KIND_STYLE } from './kind-style';
import type { GraphNodeKind } from '@/lib/graph/types';
import { ErrorNotice } from '../ui/ErrorNotice';
import { CopyButton } from '../ui/CopyButton';
import { BreakableName } from '../ui/BreakableName';
import { SignInToChange } from '../session/SignInToChange';
import type { ChangesAllowed } from '@/lib/identity/actor-view';
import { objectKey, parseKey } from '@/lib/model/keys';
import { subjectBody } from '@/lib/plan/subject-input';
import { isManagedBindingFor } from '@/lib/plan/types';

interface Props {
  id: string;
  onClose: () => void;
  onFocus: (id: string) => void;
  onSelect: (id: string) => void;
  /** No forms when changes are not allowed (read-only mode, or nobody signed in): the server would refuse them. */
  changes: ChangesAllowed;
  namespaces: string[];
  /** Something was written: the graph and this panel fetch again. */
  onChanged: () => void;
  revision: number;
}

/** "ClusterRoleBinding eks:podsecuritypolicy:authenticated", "Role team-a/psp": an id in words. */
function describeId(id: string): { kind?: string; name: string } {
  const key = parseKey(id);
  return key ? { kind: key.kind, name: key.namespace ? `${key.namespace}/${key.name}` : key.name } : { name: id };
}

interface Loaded {
  id: string;
  view?: ObjectView;
  error?: ApiError;
  /** This id was shown before: a not-found now means it was deleted. */
  shown: boolean;
}

/**
 * The side panel: details of the selected node, fetched by id, and its YAML. While the same id is
 * fetched again (after a change) the previous view stays; when the object is gone it says so.
 */
export function DetailsPanel({ id, onClose, onFocus, onSelect, changes, namespaces, onChanged, revision }: Props) {
  const [loaded, setLoaded] = useState<Loaded>();
  const [tabOf, setTabOf] = useState<{ id: string; tab: 'details' | 'yaml' }>();
  const tab = tabOf?.id === id ? tabOf.tab : 'details';
  const setTab = (t: 'details' | 'yaml') => setTabOf({ id, tab: t });
  const [dialog, setDialog] = useState<{ title: string; request: ChangeRequest }>();
  const open = (title: string, request: ChangeRequest) => setDialog({ title, request });

  useEffect(() => {
    let live = true;
    api.object(id).then(
      (v) => live && setLoaded({ id, view: v, shown: true }),
      (e: ApiError) => live && setLoaded((prev) => {
        const same = prev?.id === id;
        // A failed refetch keeps what was shown, unless the object is gone.
        return { id, view: same && e.code !== 'not_found' ? prev.view : undefined, error: e, shown: same && prev.shown };
      }),
    );
    return () => {
      live = false;
    };
  }, [id, revision]);

  const current = loaded?.id === id ? loaded : undefined;
  const view = current?.view;
  const error = current?.error;
  const gone = error?.code === 'not_found' && !view;
  const named = describeId(id);
  const style = KIND_STYLE[(view?.kind ?? named.kind ?? 'User') as GraphNodeKind];
  const kindLine = view ? `${style?.icon ?? ''} ${view.kind}` : gone ? `${style?.icon ?? ''} ${named.kind ?? ''}` : 'Loading…';
  return (
    <aside className="flex w-[420px] min-w-0 shrink-0 flex-col border-l border-slate-200 bg-white" data-testid="details-panel" aria-label="Details" aria-busy={!current}>
      <div className="flex items-start gap-2 border-b border-slate-200 p-3">
        <div className="min-w-0 flex-1">
          <div className="text-xs uppercase tracking-wide text-slate-500">{kindLine}</div>
          <h2 className="text-lg font-semibold text-slate-900" data-testid="details-title">
            <BreakableName name={view ? (view.namespace ? `${view.namespace}/${view.name}` : view.name) : named.name} />
          </h2>
          {view?.missing && <p className="text-sm text-orange-700">Referred to, but it does not exist in the cluster.</p>}
        </div>
        <button className="rounded px-2 text-xl text-slate-500 hover:bg-slate-100" aria-label="Close details" onClick={onClose}>×</button>
      </div>
      {!gone && (
        <div className="flex gap-2 border-b border-slate-200 px-3 py-2 text-sm">
          <button className={tab === 'details' ? 'font-semibold text-indigo-700' : 'text-slate-600'} onClick={() => setTab('details')}>Details</button>
          <button className={tab === 'yaml' ? 'font-semibold text-indigo-700' : 'text-slate-600'} onClick={() => setTab('yaml')} disabled={!view?.yaml}>YAML</button>
          <button className="ml-auto text-indigo-700 underline" onClick={() => onFocus(id)} data-testid="focus-button">Focus on this</button>
        </div>
      )}
      <div className="min-h-0 flex-1 overflow-auto p-3 text-sm">
        {gone ? (
          <div role="status" className="rounded border border-slate-300 bg-slate-50 p-3 text-slate-800 [overflow-wrap:anywhere]" data-testid="details-gone">
            <p className="font-medium">{named.kind ? `${named.kind} ${named.name}` : named.name} {current?.shown ? 'no longer exists.' : 'does not exist in this cluster.'}</p>
            <p className="mt-1 text-slate-600">{current?.shown ? 'It was deleted; the graph no longer shows it.' : 'It may have been deleted, or the link is out of date.'}</p>
            <button className={`${button} mt-2`} onClick={onClose} data-testid="details-gone-close">Close this panel</button>
          </div>
        ) : error && <div className="[overflow-wrap:anywhere]"><ErrorNotice error={error} /></div>}
        {view && tab === 'details' && <Details view={view} onSelect={onSelect} subjectsBelow={changes.allowed && !view.missing} />}
        {view && tab === 'details' && (changes.allowed
          ? <Actions key={revision} view={view} namespaces={namespaces} open={open} />
          : changes.reason === 'sign-in' && <SignInToChange what="attach, detach or delete" />)}
        {dialog && (
          <ChangeDialog title={dialog.title} request={dialog.request} onClose={() => setDialog(undefined)} onApplied={() => onChanged()} />
        )}
        {view?.yaml && tab === 'yaml' && (
          <>
            <div className="mb-2 flex justify-end">
              <CopyButton text={view.yaml} label="Copy YAML" testId="copy-yaml" />
            </div>
            <pre className="whitespace-pre-wrap break-all rounded bg-slate-900 p-3 font-mono text-xs text-slate-100" data-testid="details-yaml">{view.yaml}</pre>
          </>
        )}
      </div>
    </aside>
  );
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="mb-4">
      <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">{title}</h3>
      {children}
    </section>
  );
}

function Link({ id, onSelect }: { id: string; onSelect: (id: string) => void }) {
  return (
    <button className="text-left text-indigo-700 underline" onClick={() => onSelect(id)}>
      <BreakableName name={id.replace(/\/\//, '/').replace(/^([^/]+)\//, '$1 ')} />
    </button>
  );
}

/** `subjectsBelow`: a binding's subjects are listed once, with their Remove buttons, in its Change section. */
function Details({ view, onSelect, subjectsBelow }: { view: ObjectView; onSelect: (id: string) => void; subjectsBelow: boolean }) {
  return (
    <div data-testid="details-body">
      {view.privileged && (
        <Section title="Privileged settings">
          {view.privileged.length === 0 ? (
            <p className="text-emerald-700">None: this policy allows no privileged settings.</p>
          ) : (
            <ul className="space-y-1" data-testid="privileged-settings">
              {view.privileged.map((s) => (
                <li key={s.field} className={s.severity === 'critical' ? 'text-red-700' : 'text-amber-700'}>
                  <code className="font-mono font-semibold">{s.field}: {s.value}</code> — {s.why}
                </li>
              ))}
            </ul>
          )}
        </Section>
      )}
      {view.grantedBy && (
        <Section title="Granted by">
          {view.grantedBy.length === 0 ? <p className="text-slate-600">No role grants use of it: no pod can use this policy.</p> : (
            <ul>{view.grantedBy.map((g) => <li key={g.role}><Link id={g.role} onSelect={onSelect} />{g.wildcard && <span className="ml-1 text-orange-700">(wildcard)</span>}</li>)}</ul>
          )}
        </Section>
      )}
      {view.rules && (
        <Section title="Rules">
          <table className="w-full text-xs">
            <thead className="text-left text-slate-500"><tr><th>apiGroups</th><th>resources</th><th>verbs</th><th>names</th></tr></thead>
            <tbody>
              {view.rules.map((r, i) => (
                <tr key={i} className={r.grantsPspUse ? 'bg-amber-50 font-medium' : ''}>
                  <td>{(r.apiGroups ?? []).map((g) => g || '""').join(', ')}</td>
                  <td>{(r.resources ?? r.nonResourceURLs ?? []).join(', ')}</td>
                  <td>{r.verbs.join(', ')}</td>
                  <td>{(r.resourceNames ?? []).join(', ') || (r.grantsPspUse ? 'all' : '')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      )}
      {view.boundBy && (
        <Section title="Bound by">
          {view.boundBy.length === 0 ? <p className="text-slate-600">No binding refers to this role.</p> : <ul>{view.boundBy.map((b) => <li key={b}><Link id={b} onSelect={onSelect} /></li>)}</ul>}
        </Section>
      )}
      {view.roleRef && (
        <Section title="Role">
          <p><Link id={objectKey(view.roleRef.kind, view.roleRef.kind === 'Role' ? view.namespace : undefined, view.roleRef.name)} onSelect={onSelect} />{view.kind === 'RoleBinding' && <span className="text-sky-700"> — grants apply only to pods in namespace {view.namespace}</span>}</p>
        </Section>
      )}
      {view.subjects && !subjectsBelow && (
        <Section title="Subjects">
          <ul>{view.subjects.map((s, i) => <li key={i}>{s.kind} {s.namespace ? `${s.namespace}/` : ''}{s.name}</li>)}</ul>
        </Section>
      )}
      {view.uses && (
        <Section title="May use">
          {view.uses.length === 0 ? <p className="text-slate-600">No PodSecurityPolicy is bound to it directly.</p> : (
            <ul className="space-y-1" data-testid="subject-uses">
              {view.uses.map((u, i) => (
                <li key={i}>
                  <span className="font-medium">{u.psp}</span>{u.wildcard && <span className="text-orange-700"> (wildcard)</span>}{' '}
                  <span className="text-slate-600">{u.namespace ? `in namespace ${u.namespace}` : 'in every namespace'} via </span>
                  <Link id={u.binding} onSelect={onSelect} />
                </li>
              ))}
            </ul>
          )}
        </Section>
      )}
      {view.uses && <EffectiveAccess view={view} />}
    </div>
  );
}

const button = 'rounded border border-slate-300 bg-white px-2 py-1 text-sm hover:bg-slate-50';
const danger = 'rounded border border-red-300 bg-white px-2 py-1 text-sm text-red-700 hover:bg-red-50';

/** What can be done from here. Every action previews a plan before anything is written. */
function Actions({ view, namespaces, open }: { view: ObjectView; namespaces: string[]; open: (title: string, req: ChangeRequest) => void }) {
  const [attaching, setAttaching] = useState(false);
  if (view.missing) return null;
  switch (view.kind) {
    case 'PodSecurityPolicy':
      return (
        <Section title="Change">
          <div className="flex flex-wrap gap-2">
            <button className={button} data-testid="action-attach" onClick={() => setAttaching((a) => !a)}>Attach to…</button>
            <button className={button} data-testid="action-clean" onClick={() => open(`Clean ${view.name}`, changeRequests.clean({ psp: view.name }))}>Clean psp-util grants</button>
            <button className={danger} data-testid="action-delete-psp" onClick={() => open(`Delete PodSecurityPolicy ${view.name}`, changeRequests.deletePsp(view.name))}>Delete PSP</button>
          </div>
          {attaching && <div className="mt-2"><AttachForm psp={view.name} namespaces={namespaces} onSubmit={open} /></div>}
        </Section>
      );
    case 'ClusterRoleBinding':
    case 'RoleBinding': {
      const ref = { kind: view.kind, name: view.name, namespace: view.namespace };
      const ns = view.kind === 'RoleBinding' ? view.namespace : undefined;
      return (
        <Section title="Subjects">
          <ul className="mb-2 space-y-1" data-testid="binding-subjects">
            {(view.subjects ?? []).map((s, i) => (
              <li key={i} className="flex items-center gap-2">
                <span className="flex-1">{s.kind} {s.namespace ? `${s.namespace}/` : ''}{s.name}</span>
                <button className={danger} data-testid="action-remove-subject" aria-label={`Remove ${s.kind} ${s.name}`} onClick={() => open(`Remove ${s.kind} ${s.name} from ${view.name}`, changeRequests.removeSubject(ref, { subject: subjectBody(s, ns) }))}>Remove</button>
              </li>
            ))}
          </ul>
          <button className={danger} data-testid="action-delete-binding" onClick={() => open(`Delete ${view.kind} ${view.name}`, changeRequests.deleteBinding(ref))}>Delete binding</button>
        </Section>
      );
    }
    case 'Group':
    case 'User':
    case 'ServiceAccount': {
      const managed = (view.uses ?? []).filter((u) => isManagedBindingFor(u.binding, u.psp) && !u.wildcard);
      if (managed.length === 0) return null;
      const subject = subjectBody(view);
      return (
        <Section title="Change">
          <div className="flex flex-wrap gap-2">
            {managed.map((u) => (
              <button key={u.binding} className={danger} data-testid="action-detach" onClick={() => open(`Detach ${u.psp} from ${view.name}`, changeRequests.detach({ psp: u.psp, subject, ...(u.namespace ? { namespace: u.namespace } : {}) }))}>
                Detach from {u.psp}{u.namespace ? ` (in ${u.namespace})` : ''}
              </button>
            ))}
          </div>
        </Section>
      );
    }
    default:
      return null;
  }
}

/**
 * What the authorizer would allow this subject, groups included (system:authenticated,
 * system:serviceaccounts…): more than its own bindings show.
 */
function EffectiveAccess({ view }: { view: ObjectView }) {
  const [access, setAccess] = useState<SubjectAccessView>();
  const ref = view.kind === 'ServiceAccount' ? `ServiceAccount/${view.namespace}/${view.name}` : `${view.kind}/${view.name}`;
  useEffect(() => {
    let live = true;
    api.subjectAccess(ref).then((a) => live && setAccess(a)).catch(() => live && setAccess(undefined));
    return () => {
      live = false;
    };
  }, [ref]);
  if (!access) return null;
  const where = (u: SubjectAccessView['usable'][number]) =>
    u.clusterWide.length ? 'in every namespace' : `only in ${u.namespaces.map((n) => n.namespace).join(', ')}`;
  return (
    <Section title={view.kind === 'ServiceAccount' ? "Effective access of its pods (with the account's groups)" : 'Effective access (with group membership)'}>
      {access.covers && <p className="mb-1 text-slate-600">This group covers {access.covers}.</p>}
      {access.usable.length === 0 ? <p className="text-slate-600">No PodSecurityPolicy.</p> : (
        <ul className="space-y-0.5" data-testid="effective-access">
          {access.usable.map((u) => <li key={u.psp}><span className="font-medium">{u.psp}</span> <span className="text-slate-600">{where(u)}</span></li>)}
        </ul>
      )}
    </Section>
  );
}
