import Link from 'next/link';
import type { Page } from '@/lib/paging';

/**
 * Previous/next for a paged list, as plain links (no prefetch: a page of a big cluster is a server
 * render, and only the one the person asks for should be made).
 */
export function Pager({ page, noun, hrefFor, testId = 'pager' }: { page: Page<unknown>; noun: string; hrefFor: (page: number) => string; testId?: string }) {
  if (page.pages <= 1) return null;
  const link = 'rounded border border-slate-300 bg-white px-2 py-0.5 text-slate-800 hover:bg-slate-50';
  return (
    <nav className="flex items-center gap-2 text-sm" aria-label={`Pages of ${noun}`} data-testid={testId}>
      {page.page > 1 ? <Link prefetch={false} className={link} href={hrefFor(page.page - 1)} rel="prev">← Previous</Link> : <span className={`${link} opacity-40`} aria-disabled="true">← Previous</span>}
      <span className="text-slate-700">
        {noun} {page.from}–{page.to} of {page.total} (page {page.page} of {page.pages})
      </span>
      {page.page < page.pages ? <Link prefetch={false} className={link} href={hrefFor(page.page + 1)} rel="next">Next →</Link> : <span className={`${link} opacity-40`} aria-disabled="true">Next →</span>}
    </nav>
  );
}
