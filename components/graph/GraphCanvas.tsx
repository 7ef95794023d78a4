'use client';
import '@xyflow/react/dist/base.css';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { Background, Controls, MarkerType, MiniMap, Panel, ReactFlow, ReactFlowProvider, useReactFlow, type Edge } from '@xyflow/react';
import type { GraphView } from '@/lib/client/api';
import type { GraphEdge, GraphNode, PspCard } from '@/lib/graph/types';
import { clampView, PAD, PAD_TOP, READABLE_ZOOM, readableViewport } from '@/lib/graph/viewport';
import { NODE_HEIGHT, NODE_WIDTH } from '@/lib/graph/node-size';
import { CARD_HEIGHT, CARD_WIDTH, overviewGrid } from '@/lib/graph/overview-layout';
import { cornerBox, nextInDirection, type Box, type Direction } from '@/lib/graph/spatial-nav';
import { nodeTypes } from './flow-types';
import { describeNode } from './PolicyNode';
import { describeCard } from './PspCardNode';
import { KIND_COLORS, PRIVILEGED_COLORS } from './kind-style';
import { GraphExport, type CanvasNode } from './GraphExport';

export type Activation = { node: GraphNode; card?: undefined } | { card: PspCard; node?: undefined };

interface Props {
  scene: GraphView;
  /** Changes with the filters and the view: a new value frames the new picture; the same value keeps zoom and pan. */
  frameKey: string;
  /** The node a drill-down is about (the PSP or the focus): framed in view when the picture is larger than the screen. */
  frameOn?: string;
  selected?: string;
  exportName: string;
  /** A click, Enter or Space on a node or card. */
  onActivate: (target: Activation, how: 'pointer' | 'keyboard') => void;
  onRetry: () => void;
  overlay?: ReactNode;
  /** Shown beside the export buttons (the legend). */
  children?: ReactNode;
}

/** The canvas stays mounted across refreshes: React Flow keeps its viewport while the scene updates. */
export function GraphCanvas(props: Props) {
  return (
    <ReactFlowProvider>
      <Canvas {...props} />
    </ReactFlowProvider>
  );
}

const ARROWS: Record<string, Direction> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };

function Canvas({ scene, frameKey, frameOn, selected, exportName, onActivate, onRetry, overlay, children }: Props) {
  const rf = useReactFlow();
  const containerRef = useRef<HTMLDivElement>(null);
  const screen = useSize(containerRef);
  const [ready, setReady] = useState(false);
  const [activeId, setActiveId] = useState<string>();
  const layoutError = scene.view === 'chains' && 'error' in scene.layout ? scene.layout.error : undefined;

  // The overview's grid depends on the screen: as many columns as fit it at the largest zoom.
  const grid = useMemo(() => (scene.view === 'overview' && screen ? overviewGrid(scene.cards.length, { width: screen.width - 2 * PAD, height: screen.height - PAD_TOP - PAD }, READABLE_ZOOM) : undefined), [scene, screen]);

  const boxes: Box[] = useMemo(() => {
    if (scene.view === 'overview') return grid ? scene.cards.map((c, i) => ({ id: c.id, ...grid.positions[i], width: CARD_WIDTH, height: CARD_HEIGHT })) : [];
    if ('error' in scene.layout) return [];
    const positions = scene.layout.positions;
    return scene.nodes.filter((n) => positions[n.id]).map((n) => ({ id: n.id, ...positions[n.id], width: NODE_WIDTH, height: NODE_HEIGHT }));
  }, [scene, grid]);
  const boxById = useMemo(() => new Map(boxes.map((b) => [b.id, b])), [boxes]);

  // Roving focus: one node is a tab stop (the selected one, else the top-left one); arrows move it.
  const focusId = activeId && boxById.has(activeId) ? activeId : selected && boxById.has(selected) ? selected : cornerBox(boxes, 'first');
  // The node focus leaves stays focusable until the next one has it, so focus never drops to the page.
  const [leaving, setLeaving] = useState<string>();
  const isTabStop = (id: string) => id === focusId || id === leaving;

  const nodes: CanvasNode[] = useMemo(() => {
    if (scene.view === 'overview') {
      return scene.cards.flatMap((card) => {
        const box = boxById.get(card.id);
        return box ? [{ id: card.id, type: 'pspCard' as const, position: { x: box.x, y: box.y }, width: CARD_WIDTH, height: CARD_HEIGHT, data: { card }, draggable: false, connectable: false, focusable: isTabStop(card.id), ariaLabel: describeCard(card), className: FOCUS_RING }] : [];
      });
    }
    return scene.nodes.flatMap((n) => {
      const box = boxById.get(n.id);
      return box ? [{ id: n.id, type: 'policy' as const, position: { x: box.x, y: box.y }, width: NODE_WIDTH, height: NODE_HEIGHT, data: { node: n, selected: n.id === selected, dimmed: false }, draggable: false, connectable: false, focusable: isTabStop(n.id), ariaLabel: describeNode(n), className: FOCUS_RING }] : [];
    });
  }, [scene, boxById, selected, focusId, leaving]); // eslint-disable-line react-hooks/exhaustive-deps

  const edges: Edge[] = useMemo(() => (scene.view === 'chains' && !layoutError ? scene.edges.map(flowEdge) : []), [scene, layoutError]);

  // Framing: a new query or view opens at a readable zoom (whole picture when it fits, else its
  // top-left part or the node drilled into); a refresh of the same query keeps the person's zoom
  // and pan. React Flow mounts once the screen's size is known, already at the first framing (no
  // frame drawn at zoom 1 first), and later framings move its viewport.
  const framed = useRef<string>(undefined);
  const initialView = useRef<ReturnType<typeof readableViewport>>(undefined);
  const frameFor = `${frameKey}|${scene.view}|${grid?.columns ?? ''}`;
  const frameView = () => readableViewport(boxes, screen!, frameOn ? boxById.get(frameOn) : undefined);
  if (!initialView.current && screen && boxes.length > 0) {
    initialView.current = frameView();
    framed.current = frameFor;
  }
  useLayoutEffect(() => {
    if (!ready || !screen || boxes.length === 0 || framed.current === frameFor) return;
    framed.current = frameFor;
    void rf.setViewport(frameView());
  }, [ready, screen, boxes, boxById, frameFor, frameOn, rf]); // eslint-disable-line react-hooks/exhaustive-deps

  // Opening a "+N" group keeps its parent where it was on screen, so the new nodes appear around it.
  const anchor = useRef<{ id: string; x: number; y: number }>(undefined);
  useLayoutEffect(() => {
    const a = anchor.current;
    const now = a && boxById.get(a.id);
    if (!a || !now) return;
    anchor.current = undefined;
    const v = rf.getViewport();
    const kept = { x: v.x + (a.x - now.x) * v.zoom, y: v.y + (a.y - now.y) * v.zoom, zoom: v.zoom };
    void rf.setViewport(screen ? clampView(kept, boxes, screen) : kept);
  }, [boxById, boxes, screen, rf]);

  /** A node to focus once React Flow has drawn it as the tab stop. */
  const pendingFocus = useRef<string>(undefined);
  const activate = useCallback(
    (id: string, how: 'pointer' | 'keyboard') => {
      setActiveId(id);
      if (scene.view === 'overview') {
        const card = scene.cards.find((c) => c.id === id);
        if (card) onActivate({ card }, how);
        return;
      }
      const node = scene.nodes.find((n) => n.id === id);
      if (!node) return;
      if (node.kind === 'Collapsed' && node.parent) {
        const parent = boxById.get(node.parent);
        if (parent) anchor.current = { id: node.parent, x: parent.x, y: parent.y };
        // The group's node goes away as it opens: focus moves to its parent (else to the page's body,
        // and the keyboard user starts again from the top).
        if (how === 'keyboard') pendingFocus.current = node.parent;
        setActiveId(node.parent);
      }
      onActivate({ node }, how);
    },
    [scene, boxById, onActivate],
  );

  // Moving focus with the arrows: pan the next node into view first (off-screen nodes may not be
  // rendered), then focus it once React Flow has drawn it.
  const moveTo = useCallback(
    (id: string | undefined) => {
      const box = id && boxById.get(id);
      if (!box || !screen) return;
      const v = rf.getViewport();
      const left = box.x * v.zoom + v.x, top = box.y * v.zoom + v.y;
      if (left < 0 || top < 0 || left + box.width * v.zoom > screen.width || top + box.height * v.zoom > screen.height) {
        void rf.setCenter(box.x + box.width / 2, box.y + box.height / 2, { zoom: v.zoom });
      }
      pendingFocus.current = id;
      setLeaving(focusId);
      setActiveId(id);
    },
    [boxById, screen, rf, focusId],
  );
  useEffect(() => {
    const id = pendingFocus.current;
    if (!id) return;
    let frames = 0;
    let handle = 0;
    const tryFocus = () => {
      const el = containerRef.current?.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(id)}"]`);
      if (el && el.tabIndex >= 0) {
        pendingFocus.current = undefined;
        el.focus({ preventScroll: true });
        setLeaving(undefined);
      } else if (frames++ < 30) handle = requestAnimationFrame(tryFocus);
      else setLeaving(undefined);
    };
    tryFocus();
    return () => cancelAnimationFrame(handle);
  }, [focusId, nodes]);

  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLDivElement>) => {
      const el = (e.target as HTMLElement).closest?.('.react-flow__node');
      const id = el?.getAttribute('data-id');
      if (!id) return;
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        activate(id, 'keyboard');
      } else if (ARROWS[e.key]) {
        e.preventDefault();
        moveTo(nextInDirection(boxes, id, ARROWS[e.key]));
      } else if (e.key === 'Home' || e.key === 'End') {
        e.preventDefault();
        moveTo(cornerBox(boxes, e.key === 'Home' ? 'first' : 'last'));
      }
    },
    [activate, moveTo, boxes],
  );

  // A pan or zoom by the pointer that leaves the tab stop off screen moves it to the first node in view.
  const onMoveEnd = useCallback(() => {
    if (!screen || containerRef.current?.contains(document.activeElement)) return;
    const v = rf.getViewport();
    const inView = boxes.filter((b) => b.x * v.zoom + v.x >= 0 && b.y * v.zoom + v.y >= 0 && (b.x + b.width) * v.zoom + v.x <= screen.width && (b.y + b.height) * v.zoom + v.y <= screen.height);
    if (focusId && inView.some((b) => b.id === focusId)) return;
    const first = cornerBox(inView, 'first');
    if (first) setActiveId(first);
  }, [screen, rf, boxes, focusId]);

  return (
    <div ref={containerRef} className="absolute inset-0" onKeyDown={onKeyDown} data-testid="graph-viewport">
      {screen && (
        <ReactFlow
          defaultViewport={initialView.current}
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          onInit={() => setReady(true)}
          onNodeClick={(_, node) => activate(node.id, 'pointer')}
          onMoveEnd={onMoveEnd}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          edgesFocusable={false}
          deleteKeyCode={null}
          minZoom={0.05}
          maxZoom={2}
          onlyRenderVisibleElements={nodes.length > 300}
          proOptions={{ hideAttribution: true }}
          aria-label={scene.view === 'overview' ? 'Overview: one card per PodSecurityPolicy' : 'Graph of PodSecurityPolicies, the roles that grant them, their bindings and subjects'}
        >
          <Background gap={24} color="#e2e8f0" />
          <Controls showInteractive={false} />
          <MiniMap pannable zoomable ariaLabel="Minimap of the whole graph" nodeColor={minimapColor} nodeStrokeWidth={3} maskColor="rgba(241, 245, 249, 0.7)" data-testid="graph-minimap" />
          <Panel position="top-right">
            <div className="flex items-start gap-2">
              <div className="rounded border border-slate-200 bg-white/95 px-2 py-1 shadow">
                <GraphExport nodes={nodes} edges={edges} name={exportName} />
              </div>
              {children}
            </div>
          </Panel>
        </ReactFlow>
      )}
      {layoutError && (
        <div role="alert" data-testid="layout-error" className="absolute left-1/2 top-16 max-w-lg -translate-x-1/2 rounded-md border border-red-300 bg-red-50 p-4 text-sm text-red-900 shadow">
          <h2 className="mb-1 text-base font-semibold">The graph could not be laid out</h2>
          <p className="whitespace-pre-wrap break-words">{layoutError}</p>
          <button type="button" className="mt-2 rounded border border-red-300 bg-white px-2 py-1 text-sm text-red-900" onClick={onRetry}>
            Try again
          </button>
        </div>
      )}
      {overlay}
    </div>
  );
}

const FOCUS_RING = 'rounded-md focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600';

function flowEdge(e: GraphEdge): Edge {
  return {
    id: e.id,
    source: e.source,
    target: e.target,
    type: 'default',
    label: e.namespace ? `only in ${e.namespace}` : e.wildcard ? 'wildcard' : undefined,
    labelStyle: { fontSize: 10, fill: e.wildcard ? '#c2410c' : '#0369a1' },
    labelBgStyle: { fill: '#fff' },
    markerEnd: { type: MarkerType.ArrowClosed, width: 14, height: 14 },
    style: e.wildcard
      ? { stroke: '#f97316', strokeWidth: 2, strokeDasharray: '6 4' }
      : e.namespace
        ? { stroke: '#0ea5e9', strokeWidth: 1.5, strokeDasharray: '2 3' }
        : { stroke: '#64748b', strokeWidth: 1.5 },
    data: { wildcard: !!e.wildcard, namespace: e.namespace },
  };
}

function minimapColor(n: { type?: string; data: Record<string, unknown> }): string {
  if (n.type === 'pspCard') return (n.data.card as PspCard).privileged ? PRIVILEGED_COLORS.stroke : KIND_COLORS.PodSecurityPolicy.stroke;
  const node = n.data.node as GraphNode;
  return node.privileged ? PRIVILEGED_COLORS.stroke : KIND_COLORS[node.kind].stroke;
}

function useSize(ref: React.RefObject<HTMLElement | null>) {
  const [size, setSize] = useState<{ width: number; height: number }>();
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = () => {
      const r = el.getBoundingClientRect();
      setSize((s) => (s && s.width === r.width && s.height === r.height ? s : { width: r.width, height: r.height }));
    };
    update();
    const ro = new ResizeObserver(update);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return size;
}
