import type { PspRelations } from '../rbac/relations';
import { collapseGraph, filteredGraph } from './build-graph';
import { layoutGraph } from './layout';
import type { LayoutCache } from './layout-cache';
import { buildOverview } from './overview';
import type { GraphOptions, GraphScene, GraphViewMode } from './types';

/**
 * The most chain-graph nodes drawn as the first view: about what a 1024 px screen shows at a zoom
 * where names can be read, scrolled a little. A larger graph opens as the overview.
 */
export const READABLE_CHAIN_NODES = 60;
/** A drill-down (one PSP, one node's neighbourhood) collapses its groups to about this many nodes. */
export const DRILL_DOWN_NODES = 40;

/**
 * What the graph page draws for a query. `auto` gives the chain graph when it is small enough to
 * read, or when the query drills into one PSP or one node (collapsed to fit), and the overview of
 * PSP cards otherwise. Layouts come from the cache when the same chains were laid out before.
 */
export async function buildScene(rel: PspRelations, opts: GraphOptions, mode: GraphViewMode, layouts: LayoutCache): Promise<GraphScene> {
  const filtered = filteredGraph(rel, opts);
  const drillDown = !!(opts.psp || opts.focus);
  if (mode !== 'overview') {
    const maxNodes = opts.maxNodes ?? (mode === 'auto' && drillDown ? DRILL_DOWN_NODES : undefined);
    const graph = collapseGraph(filtered, { ...opts, maxNodes }, rel);
    if (mode === 'chains' || drillDown || graph.nodes.length <= READABLE_CHAIN_NODES) {
      const layout = await layouts.get(graph.nodes, graph.edges, () => layoutGraph(graph.nodes, graph.edges));
      return { view: 'chains', ...graph, layout };
    }
    return overview(graph.nodes.length);
  }
  return overview(collapseGraph(filtered, opts, rel).nodes.length);

  function overview(chainNodes: number): GraphScene {
    return { view: 'overview', cards: buildOverview(filtered), total: filtered.keep.size, chainNodes, warnings: rel.warnings };
  }
}
