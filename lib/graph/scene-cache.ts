import type { PspRelations } from '../rbac/relations';
import type { GraphOptions, GraphScene, GraphViewMode } from './types';

/**
 * Scenes by relations and query: the relations object stands for one policy revision (the views
 * resolve it once per revision), so a refresh, a second browser or the page's own render after its
 * first request get the same scene without building it again. A new revision brings new relations,
 * and the old scenes go with the old relations object.
 */
export class SceneCache {
  private readonly byRelations = new WeakMap<PspRelations, Map<string, Promise<GraphScene>>>();

  constructor(private readonly perRevision = 32) {}

  get(rel: PspRelations, opts: GraphOptions, mode: GraphViewMode, compute: () => Promise<GraphScene>): Promise<GraphScene> {
    let scenes = this.byRelations.get(rel);
    if (!scenes) this.byRelations.set(rel, (scenes = new Map()));
    const key = JSON.stringify([mode, opts.psp, opts.namespace, opts.subject, opts.q, opts.focus, opts.includeWildcard ?? true, opts.maxNodes, opts.groupLimit, opts.expand ?? []]);
    const hit = scenes.get(key);
    if (hit) return hit;
    const pending = compute();
    pending.catch(() => scenes.delete(key));
    scenes.set(key, pending);
    while (scenes.size > this.perRevision) scenes.delete(scenes.keys().next().value!);
    return pending;
  }
}
