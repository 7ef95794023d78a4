import type { Metadata } from 'next';
import Link from 'next/link';
import { Pager } from '@/components/ui/Pager';
import { ServerError } from '@/components/ui/ServerError';
import { sortRows, type AccessTables } from '@/lib/access/access-tables';
import { objectKey } from '@/lib/model/keys';
import { pageOf } from '@/lib/paging';
import { accessTablesView } from '@/lib/server/access-tables-view';
import { pageSource } from '@/lib/server/sources/page-source';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Access · PSP Dashboard' };

const ROWS_PER_PAGE = 50;
type Table = keyof AccessTables;
const TABLES: { id: Table; label: string }[] = [
  { id: 'subjects', label: 'Subjects' },
  { id: 'bindings', label: 'Bindings' },
  { id: 'roles', label: 'Roles' },
];
/** Sortable columns per table: [row field, header]. */
const COLUMNS: Record<Table, [string, string][]> = {
  subjects: [['name', 'Subject'], ['kind', 'Kind'], ['psps', 'PSPs it may use'], ['grants', 'Where, through which binding']],
  bindings: [['name', 'Binding'], ['kind', 'Kind'], ['role', 'Role'], ['psps', 'PSPs'], ['subjects', 'Subjects']],
  roles: [['name', 'Role'], ['kind', 'Kind'], ['psps', 'PSPs'], ['bindings', 'Bindings']],
};

const graphHref = (key: string) => `/?${new URLSearchParams({ view: 'graph', node: key })}`;
const label = (key: string) => key.replace(/^(\w+)\/\//, '$1 ').replace(/^(\w+)\/([^/]+)\//, '$1 $2/');

function ObjectLink({ id, text }: { id: string; text?: string }) {
  return <Link prefetch={false} className="text-indigo-800 underline decoration-dotted underline-offset-2 hover:decoration-solid" href={graphHref(id)}>{text ?? label(id)}</Link>;
}

function PspList({ psps }: { psps: string[] }) {
  return <>{psps.map((p, i) => <span key={p}>{i > 0 && ', '}<ObjectLink id={objectKey('PodSecurityPolicy', undefined, p)} text={p} /></span>)}</>;
}

/** Who may use which PSP where: subjects, bindings and roles, each sortable and paged. */
export default async function AccessPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const q = await searchParams;
  const table: Table = TABLES.some((t) => t.id === q.table) ? (q.table as Table) : 'subjects';
  const columns = COLUMNS[table];
  const sort = columns.some(([c]) => c === q.sort) ? String(q.sort) : 'name';
  const dir = q.dir === 'desc' ? 'desc' : 'asc';
  let tables: AccessTables;
  try {
    tables = await accessTablesView(await pageSource());
  } catch (e) {
    return <ServerError error={e} />;
  }
  const rows = sortRows(tables[table] as { key: string }[], sort as 'key', dir);
  const page = pageOf(rows, q.page, ROWS_PER_PAGE);
  const href = (over: Record<string, string>) => `/access?${new URLSearchParams({ table, sort, dir, ...over })}`;
  return (
    <main className="mx-auto max-w-6xl space-y-4 p-6">
      <div>
        <h1 className="text-xl font-semibold">Who may use which PSP where</h1>
        <p className="text-sm text-slate-700">Every grant of <code className="font-mono">use</code> on a PodSecurityPolicy, read as the API server&apos;s authorizer reads RBAC (wildcards, empty resourceNames, RoleBindings only in their namespace). Names link to the graph.</p>
      </div>
      <nav className="flex gap-2 text-sm" aria-label="Tables">
        {TABLES.map((t) => (
          <Link key={t.id} prefetch={false} href={`/access?table=${t.id}`} aria-current={t.id === table ? 'page' : undefined} data-testid={`access-tab-${t.id}`}
            className={`rounded border px-3 py-1 ${t.id === table ? 'border-indigo-600 bg-indigo-50 font-semibold text-indigo-900' : 'border-slate-300 bg-white text-slate-800'}`}>
            {t.label} ({tables[t.id].length})
          </Link>
        ))}
      </nav>
      <Pager page={page} noun="Rows" hrefFor={(n) => href({ page: String(n) })} />
      <div className="overflow-x-auto rounded border border-slate-200 bg-white">
        <table className="min-w-full text-sm" data-testid="access-table" data-table={table}>
          <thead className="bg-slate-100 text-left text-xs text-slate-700">
            <tr>
              {columns.map(([c, head]) => {
                const active = c === sort;
                const next = active && dir === 'asc' ? 'desc' : 'asc';
                return (
                  <th key={c} className="px-3 py-2" aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : undefined}>
                    <Link prefetch={false} href={href({ sort: c, dir: next, page: '1' })} className="hover:underline" data-testid={`sort-${c}`}>
                      {head}{active ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}
                    </Link>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {table === 'subjects' && (page.items as AccessTables['subjects']).map((r) => (
              <tr key={r.key} className="border-t border-slate-100 align-top" data-testid="access-row" data-key={r.key}>
                <NameCell row={r} />
                <td className="px-3 py-2">{r.kind}</td>
                <td className="px-3 py-2">{r.psps}</td>
                <td className="px-3 py-2">
                  <ul>{r.grants.map((g, i) => <li key={i}><ObjectLink id={objectKey('PodSecurityPolicy', undefined, g.psp)} text={g.psp} /> in {g.where}{g.binding ? <> via <ObjectLink id={g.binding} /></> : ' (the API server allows it everything)'}</li>)}</ul>
                </td>
              </tr>
            ))}
            {table === 'bindings' && (page.items as AccessTables['bindings']).map((r) => (
              <tr key={r.key} className="border-t border-slate-100 align-top" data-testid="access-row" data-key={r.key}>
                <NameCell row={r} />
                <td className="px-3 py-2">{r.kind}</td>
                <td className="px-3 py-2 font-mono text-xs"><ObjectLink id={r.role} /></td>
                <td className="px-3 py-2"><PspList psps={r.psps} /></td>
                <td className="px-3 py-2">{r.subjects}</td>
              </tr>
            ))}
            {table === 'roles' && (page.items as AccessTables['roles']).map((r) => (
              <tr key={r.key} className="border-t border-slate-100 align-top" data-testid="access-row" data-key={r.key}>
                <NameCell row={r} />
                <td className="px-3 py-2">{r.kind}</td>
                <td className="px-3 py-2"><PspList psps={r.psps} /></td>
                <td className="px-3 py-2">{r.bindings}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager page={page} noun="Rows" hrefFor={(n) => href({ page: String(n) })} testId="pager-bottom" />
    </main>
  );
}

/** The first cell of every table: the object, linked to its graph, as namespace/name. */
function NameCell({ row }: { row: { key: string; namespace?: string; name: string } }) {
  return <td className="px-3 py-2 font-mono text-xs"><ObjectLink id={row.key} text={row.namespace ? `${row.namespace}/${row.name}` : row.name} /></td>;
}
