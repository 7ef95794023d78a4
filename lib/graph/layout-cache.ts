import { createHash } from 'node:crypto';
import type { GraphEdge, GraphLayout, GraphNode } from './types';

/**
 * Layouts by graph content: the same nodes and edges get the same positions without running ELK
 * again, whatever revision or query produced them (a refresh after a pod event, another filter
 * that ends in the same chains). Least recently used entries go first; failures are not kept.
 */
export class LayoutCache {
  private readonly entries = new Map<string, Promise<GraphLayout>>();

  constructor(private readonly capacity = 64) {}

  get(nodes: GraphNode[], edges: GraphEdge[], compute: () => Promise<GraphLayout>): Promise<GraphLayout> {
    const key = contentKey(nodes, edges);
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const pending = compute().then((layout) => {
      if ('error' in layout) this.entries.delete(key);
      return layout;
    });
    this.entries.set(key, pending);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return pending;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** What the layout depends on: node ids in order (ELK's result depends on it) and edges. */
export function contentKey(nodes: GraphNode[], edges: GraphEdge[]): string {
  const hash = createHash('sha256');
  for (const n of nodes) hash.update(`${n.id}\n`);
  hash.update('\u0000');
  for (const e of edges) hash.update(`${e.source}>${e.target}\n`);
  return hash.digest('base64url');
}
