/** One page of a long list (a big cluster has hundreds of namespaces and thousands of rows). */
export interface Page<T> {
  items: T[];
  /** 1-based, clamped to the pages there are. */
  page: number;
  pages: number;
  total: number;
  /** 1-based positions of the first and last item shown (0 and 0 when there are none). */
  from: number;
  to: number;
}

/** `page` as a person or a URL gives it (anything not a positive whole number is page 1). */
export function pageOf<T>(items: readonly T[], page: unknown, size: number): Page<T> {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const asked = typeof page === 'number' ? page : Number.parseInt(String(page ?? ''), 10);
  const current = Number.isInteger(asked) && asked >= 1 ? Math.min(asked, pages) : 1;
  const start = (current - 1) * size;
  const shown = items.slice(start, start + size);
  return { items: shown, page: current, pages, total: items.length, from: shown.length ? start + 1 : 0, to: start + shown.length };
}
