import type { Metadata } from 'next';
import Link from 'next/link';
import { CopyButton } from '@/components/ui/CopyButton';
import { ServerError } from '@/components/ui/ServerError';
import { API_PATHS } from '@/lib/api-paths';
import { treeView } from '@/lib/server/views';
import { pageSource } from '@/lib/server/sources/page-source';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Tree · PSP Dashboard' };

export default async function TreePage({ searchParams }: { searchParams: Promise<{ all?: string }> }) {
  const all = (await searchParams).all === 'true';
  let tree;
  try {
    tree = await treeView(await pageSource(), all);
  } catch (e) {
    return <ServerError error={e} />;
  }
  return (
    <main className="p-6">
      <div className="mb-3 flex items-center gap-4">
        <h1 className="text-xl font-semibold">kubectl psp-util tree</h1>
        <Link className="text-sm text-indigo-700 underline" href={all ? '/tree' : '/tree?all=true'} data-testid="tree-toggle-all">
          {all ? 'Show only what psp-util shows' : 'Also show wildcard grants'}
        </Link>
        <a className="text-sm text-indigo-700 underline" href={API_PATHS.tree(all)}>plain text</a>
        {tree && <CopyButton text={tree} label="Copy the tree" testId="copy-tree" />}
      </div>
      <pre className="overflow-auto rounded bg-slate-900 p-4 font-mono text-sm leading-6 text-slate-100" data-testid="tree-text">{tree || '(no PodSecurityPolicy)'}</pre>
    </main>
  );
}
