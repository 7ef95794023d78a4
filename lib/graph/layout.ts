import ELK from 'elkjs/lib/elk.bundled.js';
import { NODE_HEIGHT, NODE_WIDTH } from './node-size';
import type { GraphEdge, GraphLayout, GraphNode } from './types';

/** ELK's layered algorithm, left to right: PSP → role → binding → subject. */
export const ELK_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.layered.spacing.nodeNodeBetweenLayers': '90',
  'elk.spacing.nodeNode': '18',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP',
  'elk.separateConnectedComponents': 'true',
  'elk.spacing.componentComponent': '40',
};

let elk: InstanceType<typeof ELK> | undefined;

/**
 * Positions for the chain graph. ELK's failures (an edge to a node that is not there, a bug of its
 * own) come back as `{ error }`, so the page can say the layout failed instead of drawing nothing.
 */
export async function layoutGraph(nodes: GraphNode[], edges: GraphEdge[]): Promise<GraphLayout> {
  elk ??= new ELK();
  try {
    const result = await elk.layout({
      id: 'root',
      layoutOptions: ELK_OPTIONS,
      children: nodes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
      edges: edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
    });
    const positions: Record<string, { x: number; y: number }> = {};
    for (const c of result.children ?? []) positions[c.id] = { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) };
    const missing = nodes.find((n) => !positions[n.id]);
    if (missing) return { error: `the layout placed no ${missing.id}` };
    const all = Object.values(positions);
    return { positions, width: Math.max(0, ...all.map((p) => p.x + NODE_WIDTH)), height: Math.max(0, ...all.map((p) => p.y + NODE_HEIGHT)) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}
