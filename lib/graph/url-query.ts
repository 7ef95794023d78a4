import type { GraphOptions, GraphViewMode } from './types';

/** The graph page's URL parameters: filters, and which view. Shared by the page's server render and the browser. */
export interface GraphUrlQuery {
  psp?: string;
  namespace?: string;
  subject?: string;
  q?: string;
  focus?: string;
  wildcard?: boolean;
  view?: GraphViewMode;
}

export const GRAPH_FILTER_KEYS = ['q', 'psp', 'namespace', 'subject', 'focus'] as const;
const VIEWS: readonly string[] = ['auto', 'chains', 'overview'];

export function graphQueryFromParams(params: URLSearchParams): GraphUrlQuery {
  const q: GraphUrlQuery = {};
  for (const k of GRAPH_FILTER_KEYS) {
    const v = params.get(k);
    if (v) q[k] = v;
  }
  if (params.get('wildcard') === 'false') q.wildcard = false;
  const view = params.get('view');
  if (view && view !== 'auto' && VIEWS.includes(view)) q.view = view as GraphViewMode;
  return q;
}

/** The same URL parameters from Next's `searchParams` record (a repeated parameter counts once). */
export function graphQueryFromRecord(record: Record<string, string | string[] | undefined>): GraphUrlQuery {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(record)) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) params.set(k, first);
  }
  return graphQueryFromParams(params);
}

export function graphOptions(q: GraphUrlQuery & { expand?: string[] }): GraphOptions {
  return { psp: q.psp, namespace: q.namespace, subject: q.subject, q: q.q, focus: q.focus, includeWildcard: q.wildcard ?? true, expand: q.expand };
}

/** What a scene was asked with: the URL's filters and view, and the opened "+N" groups. */
export function sceneKey(query: GraphUrlQuery, expand: string[]): string {
  return JSON.stringify({ ...query, expand });
}
