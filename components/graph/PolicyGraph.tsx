'use client';
import '@xyflow/react/dist/base.css';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { Background, Controls, MarkerType, Panel, ReactFlow, type Edge } from '@xyflow/react';
import { api, ApiError, type ClusterView, type GraphQuery, type GraphView } from '@/lib/client/api';
import { nodeTypes } from './flow-types';
import { describeNode, type PolicyFlowNode } from './PolicyNode';
import { KIND_STYLE } from './kind-style';
import type { GraphNode } from '@/lib/graph/types';
import { useLayout } from './useLayout';
import { GraphToolbar } from './GraphToolbar';
import { DetailsPanel } from './DetailsPanel';
import { ErrorNotice } from '../ui/ErrorNotice';
import { WarningList } from '../ui/WarningList';

const FILTER_KEYS = ['q', 'psp', 'namespace', 'subject', 'focus'] as const;

function queryFromParams(params: URLSearchParams): GraphQuery {
  const q: GraphQuery = {};
  for (const k of FILTER_KEYS) {
    const v = params.get(k);
    if (v) q[k] = v;
  }
  if (params.get('wildcard') === 'false') q.wildcard = false;
  return q;
}

/** The PSP ↔ RBAC graph: filters and selection live in the URL, so a view can be shared by link. */
export function PolicyGraph({ cluster }: { cluster: ClusterView }) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const query = useMemo(() => queryFromParams(new URLSearchParams(params.toString())), [params]);
  const selected = params.get('node') ?? undefined;
  const [graph, setGraph] = useState<GraphView>();
  const [error, setError] = useState<ApiError>();
  const revision = useClusterRevision(cluster);
  const [localRevision, setLocalRevision] = useState(0);

  const setParams = useCallback(
    (changes: Record<string, string | undefined>) => {
      const next = new URLSearchParams(params.toString());
      for (const [k, v] of Object.entries(changes)) {
        if (v === undefined || v === '') next.delete(k);
        else next.set(k, v);
      }
      const s = next.toString();
      router.replace(s ? `${pathname}?${s}` : pathname, { scroll: false });
    },
    [params, router, pathname],
  );

  useEffect(() => {
    const ctrl = new AbortController();
    api
      .graph(query, ctrl.signal)
      .then((g) => {
        setGraph(g);
        setError(undefined);
      })
      .catch((e) => {
        if (!ctrl.signal.aborted) setError(e instanceof ApiError ? e : new ApiError('internal', String(e), 0));
      });
    return () => ctrl.abort();
  }, [query, revision, localRevision]);

  const layout = useLayout(graph?.nodes, graph?.edges);

  const nodes: PolicyFlowNode[] = useMemo(() => {
    if (!graph || !layout.positions) return [];
    return graph.nodes
      .filter((n) => layout.positions![n.id])
      .map((n) => ({
        id: n.id,
        type: 'policy',
        position: layout.positions![n.id],
        data: { node: n, selected: n.id === selected, dimmed: false },
        draggable: false,
        connectable: false,
        ariaLabel: describeNode(n),
        className: 'rounded-md focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600',
      }));
  }, [graph, layout.positions, selected]);

  const edges: Edge[] = useMemo(() => {
    if (!graph) return [];
    return graph.edges.map((e) => ({
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
    }));
  }, [graph]);

  const selectNode = useCallback(
    (node: GraphNode) => {
      if (node.kind === 'Collapsed') {
        // A "+N" group opens by focusing on its parent, where the limit applies to fewer nodes.
        setParams({ focus: node.parent, node: node.parent });
        return;
      }
      setParams({ node: node.id });
    },
    [setParams],
  );

  const onNodeClick = useCallback(
    (_: unknown, node: { id: string; data: PolicyFlowNode['data'] }) => selectNode(node.data.node),
    [selectNode],
  );

  // The keyboard: Enter or Space on a focused node does what a click does, then focus moves to the
  // side panel, so its actions are the next Tab stops (not every other node of the graph first).
  const panelRef = useRef<HTMLDivElement>(null);
  const focusPanel = useRef(false);
  const onCanvasKeyDown = useCallback(
    (e: KeyboardEvent<HTMLDivElement>) => {
      if (e.key !== 'Enter' && e.key !== ' ') return;
      const target = e.target as HTMLElement;
      if (!target.classList?.contains('react-flow__node')) return;
      const node = graph?.nodes.find((n) => n.id === target.getAttribute('data-id'));
      if (!node) return;
      e.preventDefault();
      focusPanel.current = true;
      if (node.kind !== 'Collapsed' && node.id === selected) panelRef.current?.focus();
      selectNode(node);
    },
    [graph, selected, selectNode],
  );
  useEffect(() => {
    if (!selected || !focusPanel.current) return;
    focusPanel.current = false;
    panelRef.current?.focus();
  }, [selected]);

  // Escape in the side panel closes it and takes focus back to its node.
  const onPanelKeyDown = useCallback(
    (e: KeyboardEvent<HTMLDivElement>) => {
      if (e.key !== 'Escape' || e.defaultPrevented || !selected) return;
      e.preventDefault();
      const id = selected;
      setParams({ node: undefined });
      const node = [...document.querySelectorAll<HTMLElement>('.react-flow__node')].find((el) => el.getAttribute('data-id') === id);
      node?.focus();
    },
    [selected, setParams],
  );

  // A new layout re-mounts the canvas so that fitView frames the new picture.
  const flowKey = `layout-${layout.version}`;

  return (
    <div className="flex h-[calc(100vh-3.5rem)] flex-col">
      <GraphToolbar cluster={cluster} query={query} onChange={setParams} />
      {!cluster.source.pspApiServed && (
        <div role="status" className="border-b border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900">
          This cluster has no PodSecurityPolicy API; it was removed in v1.25. The RBAC side is still shown.
        </div>
      )}
      <div className="flex min-h-0 flex-1">
        <div className="relative min-w-0 flex-1" data-testid="graph-canvas" onKeyDown={onCanvasKeyDown}>
          {error ? (
            <div className="p-6">
              <ErrorNotice error={error} />
            </div>
          ) : graph && graph.nodes.length === 0 ? (
            <div className="p-6 text-slate-600" data-testid="graph-empty">
              {Object.keys(query).length ? 'Nothing matches these filters.' : 'No PodSecurityPolicy and no role granting one was found.'}
            </div>
          ) : (
            <ReactFlow
              key={flowKey}
              nodes={nodes}
              edges={edges}
              nodeTypes={nodeTypes}
              onNodeClick={onNodeClick}
              nodesDraggable={false}
              nodesConnectable={false}
              elementsSelectable={false}
              edgesFocusable={false}
              deleteKeyCode={null}
              fitView
              minZoom={0.05}
              onlyRenderVisibleElements={(graph?.nodes.length ?? 0) > 300}
              proOptions={{ hideAttribution: true }}
            >
              <Background gap={24} color="#e2e8f0" />
              <Controls showInteractive={false} />
              <Panel position="top-right">
                <GraphLegend />
              </Panel>
            </ReactFlow>
          )}
          {(layout.pending || !graph) && !error && (
            <div className="absolute left-3 top-3 rounded bg-white/90 px-2 py-1 text-xs text-slate-600 shadow">Laying out the graph…</div>
          )}
          {graph && (
            <div className="absolute bottom-2 left-14 rounded bg-white/90 px-2 py-1 text-xs text-slate-600 shadow" data-testid="graph-stats">
              {graph.nodes.filter((n) => n.kind !== 'Collapsed').length} of {graph.total} nodes shown
              {graph.hidden > 0 && ` · ${graph.hidden} in collapsed groups (click a “+N” node to open it)`}
            </div>
          )}
        </div>
        {selected && (
          <div ref={panelRef} tabIndex={-1} className="flex shrink-0 focus:outline-none" onKeyDown={onPanelKeyDown} data-testid="details-panel-region">
            <DetailsPanel
              id={selected}
              onClose={() => setParams({ node: undefined })}
              onFocus={(id) => setParams({ focus: id })}
              onSelect={(id) => setParams({ node: id })}
              changes={cluster.actor.changes}
              namespaces={cluster.namespaces}
              revision={localRevision}
              onChanged={() => setLocalRevision((r) => r + 1)}
            />
          </div>
        )}
      </div>
      {graph && graph.warnings.length > 0 && <WarningList warnings={graph.warnings} />}
    </div>
  );
}

const LEGEND_KINDS = ['PodSecurityPolicy', 'ClusterRole', 'Role', 'ClusterRoleBinding', 'RoleBinding', 'Group', 'ServiceAccount'] as const;

/** What the nodes' colours, borders and badges mean (the toolbar explains the lines): a kind's colour says what it is, not a danger. */
function GraphLegend() {
  return (
    <details className="rounded border border-slate-200 bg-white/95 text-xs text-slate-700 shadow" data-testid="graph-legend">
      <summary className="cursor-pointer px-2 py-1 font-medium">Legend</summary>
      <ul className="space-y-1 px-2 pb-2">
        {LEGEND_KINDS.map((k) => (
          <li key={k} className="flex items-center gap-2">
            <span className={`inline-block h-3 w-5 rounded-sm border-2 ${KIND_STYLE[k].className}`} aria-hidden />
            {k === 'Group' ? 'Group, User' : KIND_STYLE[k].label}
          </li>
        ))}
        <li className="flex items-center gap-2"><span className="inline-block h-3 w-5 rounded-sm border-2 border-red-600 bg-red-50" aria-hidden />PSP with critical privileged settings</li>
        <li className="flex items-center gap-2"><span className="inline-block h-3 w-5 rounded-sm border-2 border-dashed border-orange-500 bg-orange-50" aria-hidden />missing: referred to, not in the cluster</li>
        <li className="flex items-center gap-2"><span className="rounded bg-orange-500 px-1 text-[9px] font-semibold uppercase text-white" aria-hidden>wildcard</span>role grants use of PSPs through * or empty resourceNames</li>
      </ul>
    </details>
  );
}

/**
 * The live cluster's policy revision, polled: when a watch changed a PSP, an RBAC object, a
 * ServiceAccount or a Namespace, the graph is fetched again. Pod and workload events do not move it,
 * so they neither refetch nor re-lay out the graph (which would lose the user's zoom and pan).
 * A failed poll (the cluster went away) shows as a revision change too, so the error appears.
 */
function useClusterRevision(cluster: ClusterView): string {
  const [revision, setRevision] = useState(String(cluster.revisions.policy));
  useEffect(() => {
    if (cluster.source.kind !== 'live') return;
    const t = setInterval(() => {
      api
        .cluster()
        .then((c) => setRevision(String(c.revisions.policy)))
        .catch((e) => setRevision(`error:${e instanceof ApiError ? e.code : 'network'}`));
    }, 3000);
    return () => clearInterval(t);
  }, [cluster.source.kind]);
  return revision;
}
