'use client';
import { useEffect, useRef, useState } from 'react';
import ELK from 'elkjs/lib/elk-api.js';
import type { GraphEdge, GraphNode } from '@/lib/graph/types';
import { ELK_OPTIONS, NODE_HEIGHT, NODE_WIDTH } from './layout';

type Positions = Record<string, { x: number; y: number }>;

/**
 * Positions for a graph, computed by ELK in a Web Worker. A result that arrives after the graph
 * changed again is dropped, so a slow layout never paints a stale picture.
 */
export function useLayout(nodes: GraphNode[] | undefined, edges: GraphEdge[] | undefined) {
  const elkRef = useRef<InstanceType<typeof ELK> | null>(null);
  const [state, setState] = useState<{ positions?: Positions; error?: string; pending: boolean; version: number }>({ pending: false, version: 0 });

  useEffect(() => {
    const elk = new ELK({ workerFactory: () => new Worker(new URL('./elk.worker.ts', import.meta.url)) });
    elkRef.current = elk;
    return () => {
      elk.terminateWorker();
      elkRef.current = null;
    };
  }, []);

  useEffect(() => {
    const elk = elkRef.current;
    if (!elk || !nodes || !edges) return;
    let current = true;
    setState((s) => ({ ...s, pending: true }));
    elk
      .layout({
        id: 'root',
        layoutOptions: ELK_OPTIONS,
        children: nodes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
        edges: edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
      })
      .then((result) => {
        if (!current) return;
        const positions: Positions = {};
        for (const c of result.children ?? []) positions[c.id] = { x: c.x ?? 0, y: c.y ?? 0 };
        setState((s) => ({ positions, pending: false, version: s.version + 1 }));
      })
      .catch((err: Error) => current && setState((s) => ({ ...s, error: err.message, pending: false })));
    return () => {
      current = false;
    };
  }, [nodes, edges]);

  return state;
}
