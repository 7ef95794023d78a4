import type { ClusterModel } from '../model/types';
import { objectKey } from '../model/keys';
import { isPrivilegedPsp } from '../psp/privileged-settings';
import { compareNames } from '../rbac/grants';
import { resolvePspRelations, type PspRelations } from '../rbac/relations';
import { LAYER, type GraphEdge, type GraphNode, type GraphNodeKind, type GraphOptions, type PolicyGraph } from './types';

/**
 * PSP → Role/ClusterRole → binding → subject, as plain nodes and edges keyed by object key.
 * Filters narrow it to chains through the nodes asked for; large groups collapse into "+N" nodes so
 * that no more than about `maxNodes` nodes are ever sent to the browser.
 */
export function buildGraph(model: ClusterModel, opts: GraphOptions = {}, rel: PspRelations = resolvePspRelations(model)): PolicyGraph {
  return collapseGraph(filteredGraph(rel, opts), opts, rel);
}

/** The whole graph and the nodes the filters keep, before anything collapses (the overview counts these). */
export function filteredGraph(rel: PspRelations, opts: GraphOptions = {}): { full: FullGraph; keep: Set<string> } {
  const full = buildFullGraph(rel, opts);
  return { full, keep: applyFilters(full, opts) };
}

/** The filtered graph trimmed to what is rendered: groups beyond the limits stand behind "+N" nodes. */
export function collapseGraph({ full, keep }: { full: FullGraph; keep: Set<string> }, opts: GraphOptions, rel: PspRelations): PolicyGraph {
  const expand = new Set(opts.expand ?? []);
  const { nodes, edges, hidden } = collapse(full, keep, opts.maxNodes ?? 1000, opts.groupLimit ?? 25, expand);
  return { nodes, edges, total: keep.size, hidden, warnings: rel.warnings };
}

export interface FullGraph {
  nodes: Map<string, GraphNode>;
  children: Map<string, string[]>;
  parents: Map<string, string[]>;
  edges: Map<string, GraphEdge>;
}

function buildFullGraph(rel: PspRelations, opts: GraphOptions): FullGraph {
  const includeWildcard = opts.includeWildcard ?? true;
  const g: FullGraph = { nodes: new Map(), children: new Map(), parents: new Map(), edges: new Map() };
  const addNode = (n: GraphNode) => {
    const prev = g.nodes.get(n.id);
    if (!prev) g.nodes.set(n.id, n);
    else if (n.missing) prev.missing = true;
  };
  const addEdge = (source: string, target: string, extra: Partial<GraphEdge> = {}) => {
    const id = `${source}>${target}`;
    if (g.edges.has(id)) return;
    g.edges.set(id, { id, source, target, ...extra });
    push(g.children, source, target);
    push(g.parents, target, source);
  };

  for (const psp of rel.psps) {
    addNode({ id: objectKey('PodSecurityPolicy', undefined, psp.metadata.name), kind: 'PodSecurityPolicy', name: psp.metadata.name, privileged: isPrivilegedPsp(psp.spec ?? {}) });
  }
  for (const role of rel.roles) {
    const grants = role.grants.filter((gr) => includeWildcard || !gr.wildcard);
    if (grants.length === 0) continue;
    const { name, namespace } = role.role.metadata;
    addNode({ id: role.key, kind: role.role.kind, name, namespace, wildcard: role.grants.some((gr) => gr.wildcard) || undefined });
    for (const grant of grants) {
      const pspId = objectKey('PodSecurityPolicy', undefined, grant.psp);
      if (!g.nodes.has(pspId)) addNode({ id: pspId, kind: 'PodSecurityPolicy', name: grant.psp, missing: true });
      addEdge(pspId, role.key, grant.wildcard ? { wildcard: true } : {});
    }
    for (const b of rel.bindingsByRole.get(role.key) ?? []) {
      if (opts.namespace && b.scopeNamespace && b.scopeNamespace !== opts.namespace) continue;
      addNode({ id: b.key, kind: b.binding.kind, name: b.binding.metadata.name, namespace: b.binding.metadata.namespace });
      addEdge(role.key, b.key, b.scopeNamespace ? { namespace: b.scopeNamespace } : {});
      for (const s of b.subjects) {
        const ns = s.subject.kind === 'ServiceAccount' ? s.key.split('/')[1] || undefined : undefined;
        addNode({ id: s.key, kind: subjectKind(s.subject.kind), name: s.subject.name, namespace: ns, missing: s.missing || undefined });
        addEdge(b.key, s.key);
      }
    }
  }
  return g;
}

function subjectKind(kind: string): GraphNodeKind {
  return kind === 'Group' || kind === 'ServiceAccount' ? kind : 'User';
}

function push(map: Map<string, string[]>, key: string, value: string) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function closure(start: Iterable<string>, next: Map<string, string[]>): Set<string> {
  const seen = new Set<string>();
  const stack = [...start];
  while (stack.length) {
    const id = stack.pop()!;
    for (const n of next.get(id) ?? []) {
      if (!seen.has(n)) {
        seen.add(n);
        stack.push(n);
      }
    }
  }
  return seen;
}

/** Matched nodes, plus everything upstream (towards PSPs) and downstream (towards subjects). */
function chainsThrough(g: FullGraph, matched: string[]): Set<string> {
  const set = new Set(matched);
  for (const id of closure(matched, g.parents)) set.add(id);
  for (const id of closure(matched, g.children)) set.add(id);
  return set;
}

function intersect(a: Set<string> | null, b: Set<string>): Set<string> {
  if (!a) return b;
  return new Set([...a].filter((x) => b.has(x)));
}

function applyFilters(g: FullGraph, opts: GraphOptions): Set<string> {
  let keep: Set<string> | null = null;
  const ids = [...g.nodes.keys()];
  if (opts.psp) {
    const id = objectKey('PodSecurityPolicy', undefined, opts.psp);
    keep = intersect(keep, g.nodes.has(id) ? new Set([id, ...closure([id], g.children)]) : new Set());
  }
  if (opts.subject) {
    const s = opts.subject.toLowerCase();
    const matched = ids.filter((id) => LAYER[g.nodes.get(id)!.kind] === 3 && (id === opts.subject || g.nodes.get(id)!.name.toLowerCase().includes(s)));
    keep = intersect(keep, new Set([...matched, ...closure(matched, g.parents)]));
  }
  if (opts.q) {
    const q = opts.q.toLowerCase();
    const matched = ids.filter((id) => id.toLowerCase().includes(q));
    keep = intersect(keep, chainsThrough(g, matched));
  }
  if (opts.focus) keep = intersect(keep, g.nodes.has(opts.focus) ? chainsThrough(g, [opts.focus]) : new Set());
  if (opts.namespace) {
    // Namespaced roles of other namespaces grant nothing there; subjects left without bindings go too.
    const ns = opts.namespace;
    const inScope = new Set(ids.filter((id) => {
      const n = g.nodes.get(id)!;
      if (n.kind === 'Role') return n.namespace === ns;
      if (LAYER[n.kind] === 3) return (g.parents.get(id) ?? []).length > 0;
      return true;
    }));
    keep = intersect(keep, inScope);
  }
  return keep ?? new Set(ids);
}

function isImportant(n: GraphNode): boolean {
  return !!(n.privileged || n.wildcard || n.missing);
}

/**
 * Picks what to render: PSPs first, then per parent at most `limit` children (flagged ones always),
 * the rest stand behind one "+N" node. The limit shrinks until the graph fits in `maxNodes`; the
 * children of an opened ("expanded") group always all show.
 */
function collapse(g: FullGraph, keep: Set<string>, maxNodes: number, groupLimit: number, expand: Set<string>) {
  const sortedChildren = new Map<string, string[]>();
  for (const [id, kids] of g.children) {
    if (!keep.has(id)) continue;
    const k = kids.filter((c) => keep.has(c));
    k.sort((a, b) => {
      const ia = isImportant(g.nodes.get(a)!), ib = isImportant(g.nodes.get(b)!);
      return ia !== ib ? (ia ? -1 : 1) : compareNames(a, b);
    });
    sortedChildren.set(id, k);
  }
  const roots = [...keep].filter((id) => g.nodes.get(id)!.kind === 'PodSecurityPolicy').sort(compareNames);

  const attempt = (limit: number, open: Set<string>) => {
    const visible = new Set<string>(roots);
    const edges: GraphEdge[] = [];
    const collapsed: GraphNode[] = [];
    let frontier = roots;
    for (let layer = 0; layer < 3; layer++) {
      const next: string[] = [];
      for (const parent of frontier) {
        const kids = sortedChildren.get(parent) ?? [];
        let shown = 0;
        let hiddenKids = 0;
        for (const kid of kids) {
          if (shown < limit || open.has(parent) || isImportant(g.nodes.get(kid)!)) {
            shown++;
            edges.push(g.edges.get(`${parent}>${kid}`)!);
            if (!visible.has(kid)) {
              visible.add(kid);
              next.push(kid);
            }
          } else hiddenKids++;
        }
        if (hiddenKids > 0) {
          const childKind = layer === 0 ? 'roles' : layer === 1 ? 'bindings' : 'subjects';
          const id = `Collapsed/${parent}`;
          collapsed.push({ id, kind: 'Collapsed', name: `+${hiddenKids} ${childKind}`, count: hiddenKids, childKind, parent });
          edges.push({ id: `${parent}>${id}`, source: parent, target: id });
        }
      }
      frontier = next;
    }
    return { visible, edges, collapsed };
  };

  // The limit is chosen as if no group were open, so opening one never closes or grows the others.
  const size = (r: ReturnType<typeof attempt>) => r.visible.size + r.collapsed.length;
  const closed = new Set<string>();
  let chosen = groupLimit;
  for (const limit of [10, 5, 3, 2, 1].filter((l) => l < groupLimit)) {
    if (size(attempt(chosen, closed)) <= maxNodes) break;
    chosen = limit;
  }
  const result = attempt(chosen, expand);
  const nodes = [...result.visible].map((id) => g.nodes.get(id)!);
  nodes.sort((a, b) => LAYER[a.kind] - LAYER[b.kind] || compareNames(a.id, b.id));
  return { nodes: [...nodes, ...result.collapsed], edges: result.edges, hidden: keep.size - result.visible.size };
}
