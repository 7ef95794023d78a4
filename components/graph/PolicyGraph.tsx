'use client';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { api, ApiError, type ClusterView, type GraphView } from '@/lib/client/api';
import { graphQueryFromParams, sceneKey } from '@/lib/graph/url-query';
import { objectKey } from '@/lib/model/keys';
import { KIND_STYLE } from './kind-style';
import { GraphToolbar } from './GraphToolbar';
import { DetailsPanel } from './DetailsPanel';
import { GraphCanvas, type Activation } from './GraphCanvas';
import { ErrorNotice } from '../ui/ErrorNotice';
import { WarningList } from '../ui/WarningList';

/** The server's first scene, for the URL it rendered (`key`: what was asked, see `sceneKey`). */
export interface InitialScene {
  key: string;
  scene: GraphView;
}

/**
 * The PSP ↔ RBAC graph: filters and selection live in the URL, so a view can be shared by link.
 * The first scene comes with the page (laid out on the server), so the graph paints without a
 * second round trip; later ones are fetched, and the canvas stays mounted while they arrive.
 */
export function PolicyGraph({ cluster, initial }: { cluster: ClusterView; initial?: InitialScene }) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const query = useMemo(() => graphQueryFromParams(new URLSearchParams(params.toString())), [params]);
  const queryKey = JSON.stringify(query);
  const selected = params.get('node') ?? undefined;
  // Opened groups belong to one query: other filters start closed again.
  const [expanded, setExpanded] = useState<{ queryKey: string; ids: string[] }>({ queryKey, ids: [] });
  const expand = useMemo(() => (expanded.queryKey === queryKey ? expanded.ids : []), [expanded, queryKey]);
  const requestKey = sceneKey(query, expand);
  const [loaded, setLoaded] = useState<{ key: string; frameKey: string; scene: GraphView } | undefined>(
    initial ? { key: initial.key, frameKey: queryKey, scene: initial.scene } : undefined,
  );
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

  // The server's scene stands for the first request; anything after (a new query, a revision) fetches.
  const useInitial = useRef(!!initial && initial.key === requestKey);
  useEffect(() => {
    if (useInitial.current) {
      useInitial.current = false;
      return;
    }
    const ctrl = new AbortController();
    api
      .graph({ ...query, expand }, ctrl.signal)
      .then((scene) => {
        setLoaded({ key: requestKey, frameKey: queryKey, scene });
        setError(undefined);
      })
      .catch((e) => {
        if (!ctrl.signal.aborted) setError(e instanceof ApiError ? e : new ApiError('internal', String(e), 0));
      });
    return () => ctrl.abort();
  }, [requestKey, revision, localRevision]); // eslint-disable-line react-hooks/exhaustive-deps

  // The keyboard: Enter or Space on a focused node does what a click does, then focus moves to the
  // side panel, so its actions are the next Tab stops (not every other node of the graph first).
  const panelRef = useRef<HTMLDivElement>(null);
  const focusPanel = useRef(false);
  const onActivate = useCallback(
    (target: Activation, how: 'pointer' | 'keyboard') => {
      if (target.card) {
        // A PSP card drills down into its chains.
        setParams({ psp: target.card.name, view: undefined, focus: undefined, node: undefined });
        return;
      }
      const node = target.node;
      if (node.kind === 'Collapsed') {
        // A "+N" group opens in place: its parent shows all its children.
        if (node.parent) setExpanded({ queryKey, ids: [...expand.filter((id) => id !== node.parent), node.parent] });
        return;
      }
      if (how === 'keyboard') {
        focusPanel.current = true;
        if (node.id === selected) panelRef.current?.focus();
      }
      setParams({ node: node.id });
    },
    [setParams, queryKey, expand, selected],
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

  const scene = loaded?.scene;
  const pending = !error && loaded?.key !== requestKey;
  const empty = scene && (scene.view === 'overview' ? scene.cards.length === 0 : scene.nodes.length === 0);
  const exportName = ['psp-graph', query.psp, query.namespace, query.focus && 'focus'].filter(Boolean).join('-').replace(/[^\w.-]+/g, '_');

  return (
    <div className="flex h-[calc(100vh-3.5rem)] flex-col">
      <GraphToolbar cluster={cluster} query={query} view={scene?.view} onChange={setParams} />
      {!cluster.source.pspApiServed && (
        <div role="status" className="border-b border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900">
          This cluster has no PodSecurityPolicy API; it was removed in v1.25. The RBAC side is still shown.
        </div>
      )}
      <div className="flex min-h-0 flex-1">
        <div className="relative min-w-0 flex-1" data-testid="graph-canvas" data-view={scene?.view}>
          {error ? (
            <div className="p-6">
              <ErrorNotice error={error} />
            </div>
          ) : empty ? (
            <div className="p-6 text-slate-600" data-testid="graph-empty">
              {Object.keys(query).length ? 'Nothing matches these filters.' : 'No PodSecurityPolicy and no role granting one was found.'}
            </div>
          ) : scene ? (
            <GraphCanvas
              scene={scene}
              frameKey={loaded.frameKey}
              frameOn={query.psp ? objectKey('PodSecurityPolicy', undefined, query.psp) : query.focus}
              selected={selected}
              exportName={exportName}
              onActivate={onActivate}
              onRetry={() => setLocalRevision((r) => r + 1)}
            >
              <GraphLegend />
            </GraphCanvas>
          ) : null}
          {(pending || !scene) && !error && (
            <div className="absolute left-1/2 top-3 -translate-x-1/2 rounded bg-white/90 px-2 py-1 text-xs text-slate-700 shadow" role="status">Loading the graph…</div>
          )}
          {scene && !empty && !error && <SceneStats scene={scene} />}
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
      {scene && scene.warnings.length > 0 && <WarningList warnings={scene.warnings} />}
    </div>
  );
}

/** What the picture stands for: how much is shown, and how to see the rest. */
function SceneStats({ scene }: { scene: GraphView }) {
  const n = (x: number) => x.toLocaleString('en');
  return (
    <div className="absolute bottom-2 left-14 max-w-[60%] rounded bg-white/90 px-2 py-1 text-xs text-slate-700 shadow" data-testid="graph-stats">
      {scene.view === 'overview' ? (
        <>
          {n(scene.cards.length)} PSPs; their chains hold {n(scene.total)} objects ({n(scene.chainNodes)} nodes as a chain graph) · open a PSP to see its chains
        </>
      ) : (
        <>
          {n(scene.nodes.filter((x) => x.kind !== 'Collapsed').length)} of {n(scene.total)} nodes shown
          {scene.hidden > 0 && ` · ${n(scene.hidden)} in collapsed groups (open a “+N” node to show them)`}
        </>
      )}
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
