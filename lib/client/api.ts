import type { ErrorCode } from '../errors';
import type { GraphScene } from '../graph/types';
import type { GraphUrlQuery } from '../graph/url-query';
import type { ObjectDetails } from '../details/object-details';
import type { ModelWarning, SourceInfo } from '../model/types';
import type { WorkloadSimulation } from '../access/simulate-workload';
import type { SimulateBody } from '../schemas/analysis';
import type { ActorView } from '../identity/actor-view';
import type { Advice } from '../advisor/advise';
import type { AdviseBody } from '../schemas/advise';
import type { BoardRow, PssVersionInfo } from '../pss/board';
import type { ChecklistItem } from '../pss/checklist';
import type { PodSecurityCheckBody } from '../schemas/pod-security';
import type { PlansOverview } from '../plan/migration/overview';
import type { ChangeView, pendingView } from '../server/mutations';
import type { pspTableView } from '../server/views';
import type { z } from 'zod';
import type { attachBodySchema, cleanBodySchema, createPspBodySchema, detachBodySchema, removeSubjectBodySchema, updatePspBodySchema } from '../schemas/mutations';
import type { AdviseApplyBody } from '../schemas/advise';
import type { bypassPlanBodySchema, copyPlanBodySchema, labelPlanBodySchema } from '../schemas/migration';
import { API_PATHS } from '../api-paths';
import { CONTEXT_HEADER } from '../contexts/selection';
import { pageContext } from './page-context';
import type { contextsView } from '../server/sources/registry';

/** The browser's one way to the server: typed fetches of /api/v1, errors rebuilt from their JSON. */

export class ApiError extends Error {
  constructor(public readonly code: ErrorCode | 'network', message: string, public readonly status: number, public readonly details?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
  }
}

async function request<T>(path: string, init?: RequestInit, as: 'json' | 'text' = 'json'): Promise<T> {
  let res: Response;
  const context = pageContext();
  try {
    res = await fetch(path, { ...init, headers: { Accept: as === 'json' ? 'application/json' : 'text/plain', ...(context ? { [CONTEXT_HEADER]: encodeURIComponent(context) } : {}), ...init?.headers } });
  } catch (e) {
    throw new ApiError('network', `The dashboard server did not answer: ${(e as Error).message}`, 0);
  }
  if (!res.ok) {
    let body: { error?: { code?: ErrorCode; message?: string; details?: Record<string, unknown> } } = {};
    try {
      body = await res.json();
    } catch {
      /* not JSON: keep the status line */
    }
    throw new ApiError(body.error?.code ?? 'internal', body.error?.message ?? `HTTP ${res.status}`, res.status, body.error?.details);
  }
  return (as === 'json' ? res.json() : res.text()) as Promise<T>;
}

export interface ClusterView {
  source: SourceInfo;
  /** Who acts for this browser, and whether it may change anything. */
  actor: ActorView;
  /** Bumped by any change of the cluster cache. */
  revision: number;
  /** By what changed: `policy` (PSPs, RBAC, ServiceAccounts, Namespaces) and `workloads` (pods and workload kinds). */
  revisions: { policy: number; workloads: number };
  counts: Record<string, number>;
  namespaces: string[];
  warnings: ModelWarning[];
}

export type GraphView = GraphScene & { pspApiServed: boolean };
export type ObjectView = ObjectDetails & { yaml?: string };

/** The graph page's URL query, and the "+N" groups opened on it (sent as a JSON array). */
export interface GraphQuery extends GraphUrlQuery {
  expand?: string[];
}

export function graphQueryString(q: GraphQuery): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === '' || (k === 'wildcard' && v === true) || (Array.isArray(v) && v.length === 0)) continue;
    p.set(k, Array.isArray(v) ? JSON.stringify(v) : String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** Every mutating route's answer (the server's shape, not a copy). */
export type { ChangeView } from '../server/mutations';
export type { PlanImpact, WorkloadImpact } from '../plan/impact';

/** GET /api/v1/pending (the server's view, not a copy). */
export type PendingView = ReturnType<typeof pendingView>;
/** GET /api/v1/contexts (the server's view, not a copy). */
export type ContextsView = ReturnType<typeof contextsView>;
/** GET /api/v1/psps. */
export type PspsView = Awaited<ReturnType<typeof pspTableView>>;

/** A mutating request: the same call previews (dryRun) and applies. */
export interface ChangeRequest {
  method: 'POST' | 'PUT' | 'DELETE';
  path: string;
  body?: Record<string, unknown>;
}

let csrf: Promise<string> | undefined;
function csrfToken(): Promise<string> {
  csrf ??= request<{ token: string }>(API_PATHS.csrf).then((r) => r.token).catch((e) => {
    csrf = undefined;
    throw e;
  });
  return csrf;
}

async function change(req: ChangeRequest, dryRun: boolean): Promise<ChangeView> {
  const url = new URL(req.path, 'http://x');
  if (dryRun) url.searchParams.set('dryRun', 'true');
  return request<ChangeView>(url.pathname + url.search, {
    method: req.method,
    headers: { 'Content-Type': 'application/json', 'x-csrf-token': await csrfToken() },
    body: req.body ? JSON.stringify(req.body) : undefined,
  });
}

export interface SubjectAccessView {
  covers?: string;
  usable: { psp: string; clusterWide: unknown[]; namespaces: { namespace: string }[] }[];
  asRequester?: { usable: SubjectAccessView['usable'] };
}

/** POST /api/v1/simulate's answer: the chosen PSP, the mutations and every PSP's verdict. */
export type SimulationView = Omit<WorkloadSimulation, 'submittedPod'> & {
  pspApiServed: boolean;
  workload: { kind: string; namespace?: string; name: string };
  submittedPod: Record<string, unknown>;
};

/** POST /api/v1/advise's answer: the proposal, its reasons and proof, and the workloads it covers. */
export type AdviceView = Advice & { pspApiServed: boolean; workloads: { kind: string; namespace: string; name: string; serviceAccount: string }[] };

/** GET /api/v1/pod-security: the migration board (one row per namespace) and the steps 4–5 checklist. */
export interface PodSecurityBoardView extends PssVersionInfo {
  serverVersion: string | null;
  pspApiServed: boolean;
  checklist: ChecklistItem[];
  namespaces: BoardRow[];
}

/** POST /api/v1/pod-security/check: one pod or template, as this server's PodSecurity plugin would judge it. */
export interface PodSecurityCheckView {
  allowed: boolean;
  level: string;
  version: string;
  exempt?: string;
  checks: { id: string; message: string }[];
  message?: string;
}

/** GET /api/v1/pod-security/plans: what the migration plans offer on this cluster. */
export type PlansOverviewView = PlansOverview;

export const api = {
  podSecurity: (namespace?: string) => request<PodSecurityBoardView>(API_PATHS.podSecurity(namespace)),
  podSecurityCheck: (body: PodSecurityCheckBody) => request<PodSecurityCheckView>(API_PATHS.podSecurityCheck, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  migrationPlans: () => request<PlansOverviewView>(API_PATHS.podSecurityPlans),
  advise: (body: AdviseBody) => request<AdviceView>(API_PATHS.advise, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  subjectAccess: (ref: string) => request<SubjectAccessView>(API_PATHS.access(ref)),
  preview: (req: ChangeRequest) => change(req, true),
  apply: (req: ChangeRequest) => change(req, false),
  pending: () => request<PendingView>(API_PATHS.pending()),
  workloads: (namespace: string) => request<{ kind: string; name: string; serviceAccount: string }[]>(API_PATHS.workloads(namespace)),
  /** Takes back the n-th pending change (1-based); the later ones are planned again. */
  undoPending: async (n: number) => request<PendingView>(API_PATHS.pendingChange(n), { method: 'DELETE', headers: { 'x-csrf-token': await csrfToken() } }),
  discardPending: async () => request<PendingView>(API_PATHS.pending(), { method: 'DELETE', headers: { 'x-csrf-token': await csrfToken() } }),
  cluster: () => request<ClusterView>(API_PATHS.cluster),
  contexts: () => request<ContextsView>(API_PATHS.contexts),
  /** Selects the kubeconfig context this browser shows (the page is then loaded again). */
  selectContext: async (context: string) =>
    request<ContextsView>(API_PATHS.contexts, { method: 'POST', headers: { 'Content-Type': 'application/json', 'x-csrf-token': await csrfToken() }, body: JSON.stringify({ context }) }),
  session: () => request<ActorView>(API_PATHS.session),
  signIn: async (token: string) =>
    request<ActorView>(API_PATHS.session, { method: 'POST', headers: { 'Content-Type': 'application/json', 'x-csrf-token': await csrfToken() }, body: JSON.stringify({ token }) }),
  signOut: async () => request<ActorView & { ended: boolean }>(API_PATHS.session, { method: 'DELETE', headers: { 'x-csrf-token': await csrfToken() } }),
  psps: () => request<PspsView>(API_PATHS.psps),
  graph: (q: GraphQuery, signal?: AbortSignal) => request<GraphView>(`${API_PATHS.graph}${graphQueryString(q)}`, { signal }),
  object: (id: string) => request<ObjectView>(API_PATHS.object(id)),
  simulate: (body: SimulateBody) => request<SimulationView>(API_PATHS.simulate, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  tree: (all: boolean) => request<string>(API_PATHS.tree(all), undefined, 'text'),
};

/** Request bodies of the change routes, as their zod schemas accept them (the server's own types). */
export type AttachBody = z.input<typeof attachBodySchema>;
export type DetachBody = z.input<typeof detachBodySchema>;
export type CleanBody = z.input<typeof cleanBodySchema>;
export type CreatePspBody = z.input<typeof createPspBodySchema>;
export type UpdatePspBody = z.input<typeof updatePspBodySchema>;
export type RemoveSubjectBody = z.input<typeof removeSubjectBodySchema>;
export type CopyPlanBody = z.input<typeof copyPlanBodySchema>;
export type LabelPlanBody = z.input<typeof labelPlanBodySchema>;
export type BypassPlanBody = z.input<typeof bypassPlanBodySchema>;

/**
 * Every change route as a typed request, for the change dialog to preview (dry run) and apply:
 * components name the change, never its path or body shape.
 */
export const changeRequests = {
  attach: (body: AttachBody): ChangeRequest => ({ method: 'POST', path: API_PATHS.attach, body }),
  detach: (body: DetachBody): ChangeRequest => ({ method: 'POST', path: API_PATHS.detach, body }),
  clean: (body: CleanBody): ChangeRequest => ({ method: 'POST', path: API_PATHS.clean, body }),
  createPsp: (body: CreatePspBody): ChangeRequest => ({ method: 'POST', path: API_PATHS.psps, body }),
  updatePsp: (name: string, body: UpdatePspBody): ChangeRequest => ({ method: 'PUT', path: API_PATHS.psp(name), body }),
  deletePsp: (name: string): ChangeRequest => ({ method: 'DELETE', path: API_PATHS.psp(name) }),
  deleteBinding: (ref: { kind: string; name: string; namespace?: string }): ChangeRequest => ({ method: 'DELETE', path: API_PATHS.binding(ref.kind, ref.name, ref.namespace) }),
  removeSubject: (ref: { kind: string; name: string; namespace?: string }, body: RemoveSubjectBody): ChangeRequest => ({ method: 'DELETE', path: API_PATHS.bindingSubjects(ref.kind, ref.name, ref.namespace), body }),
  adviseApply: (body: AdviseApplyBody): ChangeRequest => ({ method: 'POST', path: API_PATHS.adviseApply, body }),
  planCopy: (body: CopyPlanBody): ChangeRequest => ({ method: 'POST', path: API_PATHS.podSecurityPlan('copy'), body }),
  planLabel: (body: LabelPlanBody): ChangeRequest => ({ method: 'POST', path: API_PATHS.podSecurityPlan('label'), body }),
  planBypass: (body: BypassPlanBody): ChangeRequest => ({ method: 'POST', path: API_PATHS.podSecurityPlan('bypass'), body }),
  planCleanup: (): ChangeRequest => ({ method: 'POST', path: API_PATHS.podSecurityPlan('cleanup'), body: {} }),
};
