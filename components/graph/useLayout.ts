'use client';
import { useEffect, useRef, useState } from 'react';
import type { GraphEdge, GraphNode } from '@/lib/graph/types';
import type { LayoutResponse } from './layout';

/**
 * Positions for a graph, computed by ELK in a Web Worker. A result that arrives after the graph
 * changed again is dropped (ids), so a slow layout never paints a stale picture.
 */
export function useLayout(nodes: GraphNode[] | undefined, edges: GraphEdge[] | undefined) {
  const workerRef = useRef<Worker | null>(null);
  const seq = useRef(0);
  const [state, setState] = useState<{ positions?: LayoutResponse['positions']; error?: string; pending: boolean; version: number }>({ pending: false, version: 0 });

  useEffect(() => {
    const worker = new Worker(new URL('./layout.worker.ts', import.meta.url));
    workerRef.current = worker;
    return () => {
      worker.terminate();
      workerRef.current = null;
    };
  }, []);

  useEffect(() => {
    const worker = workerRef.current;
    if (!worker || !nodes || !edges) return;
    const id = ++seq.current;
    setState((s) => ({ ...s, pending: true }));
    const onMessage = (e: MessageEvent<LayoutResponse>) => {
      if (e.data.id !== seq.current) return;
      setState((s) => ({ positions: e.data.positions, error: e.data.error, pending: false, version: s.version + 1 }));
    };
    worker.addEventListener('message', onMessage);
    worker.postMessage({ id, nodes: nodes.map((n) => ({ id: n.id })), edges: edges.map((e) => ({ id: e.id, source: e.source, target: e.target })) });
    return () => worker.removeEventListener('message', onMessage);
  }, [nodes, edges]);

  return state;
}
