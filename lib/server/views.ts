import 'server-only';
import { stringify } from 'yaml';
import { AppError } from '../errors';
import { objectDetails } from '../details/object-details';
import { buildScene } from '../graph/scene';
import { LayoutCache } from '../graph/layout-cache';
import { SceneCache } from '../graph/scene-cache';
import type { GraphOptions, GraphViewMode } from '../graph/types';
import type { ClusterModel } from '../model/types';
import { pspRow } from '../psp/privileged-settings';
import { compareNames } from '../rbac/grants';
import { resolvePspRelations, type PspRelations } from '../rbac/relations';
import { renderTree } from '../tree/render-tree';
import { serviceAccountOfWorkload } from '../plan/requests';
import type { ClusterSource } from './sources/source';

/**
 * The read views, computed from the source's current model. Relations read only the policy kinds
 * (PSPs, RBAC, ServiceAccounts, Namespaces), so they are resolved once per policy revision: a pod
 * event gives a new model but the same relations. Models are immutable and cached by the sources.
 */
const relCache = new WeakMap<ClusterSource, { revision: number; rel: PspRelations }>();

async function current(source: ClusterSource): Promise<{ model: ClusterModel; rel: PspRelations }> {
  // The revision before and after the read: when they differ (a file source counts a rebuild only
  // as it makes it; a change may land meanwhile), the model cannot be tied to either, so the
  // relations are computed and not kept.
  const before = source.revision('policy');
  const model = await source.readModel();
  const revision = source.revision('policy');
  const cached = relCache.get(source);
  if (before === revision && cached?.revision === revision) return { model, rel: cached.rel };
  const rel = resolvePspRelations(model);
  if (before === revision) relCache.set(source, { revision, rel });
  return { model, rel };
}

export async function clusterView(source: ClusterSource) {
  const { model, rel } = await current(source);
  return {
    // Fresh, not the model's copy: whether the API server answers changes without a new model.
    source: source.info(),
    /** Any change; `revisions` says which part: a view follows the part it reads. */
    revision: source.revision(),
    revisions: { policy: source.revision('policy'), workloads: source.revision('workloads') },
    counts: {
      podSecurityPolicies: model.psps.length,
      clusterRoles: model.clusterRoles.length,
      roles: model.roles.length,
      clusterRoleBindings: model.clusterRoleBindings.length,
      roleBindings: model.roleBindings.length,
      serviceAccounts: model.serviceAccounts.length,
      namespaces: model.namespaces.length,
      workloads: model.workloads.length,
      pspGrantingRoles: rel.roles.length,
    },
    namespaces: model.namespaces.map((n) => n.metadata.name).sort(compareNames),
    warnings: [...model.warnings, ...rel.warnings],
  };
}

export async function pspTableView(source: ClusterSource) {
  const { model } = await current(source);
  const psps = [...model.psps].sort((a, b) => compareNames(a.metadata.name, b.metadata.name)).map(pspRow);
  return { pspApiServed: model.source.pspApiServed, psps };
}

/**
 * Scenes per policy revision and query, and chain layouts by graph content (shared across
 * revisions: a change elsewhere in the cluster leaves the same chains laid out), so a refresh or a
 * repeated query paints at once. Both are per source: scenes hang off a source's relations object,
 * and a layout is keyed by everything it draws, so two contexts can share one only when they would
 * draw the same picture.
 */
const layouts = new LayoutCache();
const scenes = new SceneCache();

export async function graphView(source: ClusterSource, opts: GraphOptions, mode: GraphViewMode = 'auto') {
  const { model, rel } = await current(source);
  const scene = await scenes.get(rel, opts, mode, () => buildScene(rel, opts, mode, layouts));
  return { pspApiServed: model.source.pspApiServed, ...scene };
}

export async function treeView(source: ClusterSource, all: boolean) {
  const { model, rel } = await current(source);
  return renderTree(model, { all }, rel);
}

export async function objectView(source: ClusterSource, id: string) {
  const { model, rel } = await current(source);
  const details = objectDetails(model, rel, id);
  if (!details) throw new AppError('not_found', `Nothing named ${id} is known in this cluster`);
  return { ...details, yaml: details.object ? stringify(details.object, { lineWidth: 0 }) : undefined };
}

export async function workloadsView(source: ClusterSource, namespace?: string) {
  const { model } = await current(source);
  return model.workloads
    .filter((w) => !namespace || w.metadata.namespace === namespace)
    .filter((w) => !(w.metadata.ownerReferences ?? []).some((o) => o.controller))
    .map((w) => ({ kind: w.kind, name: w.metadata.name, namespace: w.metadata.namespace, serviceAccount: serviceAccountOfWorkload(w) }))
    .sort((a, b) => compareNames(`${a.kind}/${a.name}`, `${b.kind}/${b.name}`));
}
