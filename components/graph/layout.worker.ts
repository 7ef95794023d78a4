/// <reference lib="webworker" />
import ELK from 'elkjs/lib/elk.bundled.js';
import { ELK_OPTIONS, NODE_HEIGHT, NODE_WIDTH, type LayoutRequest, type LayoutResponse } from './layout';

// Layout runs here so that a thousand-node graph never blocks the page.
const elk = new ELK();

self.onmessage = async (e: MessageEvent<LayoutRequest>) => {
  const { id, nodes, edges } = e.data;
  try {
    const result = await elk.layout({
      id: 'root',
      layoutOptions: ELK_OPTIONS,
      children: nodes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
      edges: edges.map((ed) => ({ id: ed.id, sources: [ed.source], targets: [ed.target] })),
    });
    const positions: LayoutResponse['positions'] = {};
    for (const c of result.children ?? []) positions[c.id] = { x: c.x ?? 0, y: c.y ?? 0 };
    (self as unknown as Worker).postMessage({ id, positions } satisfies LayoutResponse);
  } catch (err) {
    (self as unknown as Worker).postMessage({ id, positions: {}, error: (err as Error).message } satisfies LayoutResponse);
  }
};
