import type { ClusterModel } from '../../model/types';
import { pspVerdict } from '../../pss/psp-verdict';
import type { PssVersion } from '../../pss/version';
import { bypassCandidates } from './bypass';
import { planPspCleanup } from './cleanup';
import { copyNameOf, COPY_PREFIX } from './copy';
import { pinnedVersion } from './label';

/** What the migration plans can do on this cluster, for the page that offers them. */
export interface PlansOverview {
  pspApiServed: boolean;
  /** The version labels are pinned to by default (the API server's own minor). */
  pinnedVersion: PssVersion;
  /** Step 2: PSPs that mutate pods, what mutates, and whether their `0-` copy exists. */
  mutating: { psp: string; fields: string[]; copy: string; copyExists: boolean }[];
  /** Step 3: PSPs fit for the bypass (privileged), most permissive first. */
  bypassPsps: string[];
  /** v1.25+: how many objects the cleanup plan would change (0: nothing left). */
  cleanup: number;
}

export function plansOverview(model: ClusterModel): PlansOverview {
  const names = new Set(model.psps.map((p) => p.metadata.name));
  const mutating = model.psps
    .filter((p) => !p.metadata.name.startsWith(COPY_PREFIX))
    .map((p) => ({ psp: p.metadata.name, fields: pspVerdict(p).mutating.map((m) => m.field), copy: copyNameOf(p.metadata.name) }))
    .filter((m) => m.fields.length > 0)
    .map((m) => ({ ...m, copyExists: names.has(m.copy) }));
  return {
    pspApiServed: model.source.pspApiServed,
    pinnedVersion: pinnedVersion(model),
    mutating,
    bypassPsps: bypassCandidates(model).map((p) => p.metadata.name),
    cleanup: model.source.pspApiServed ? 0 : planPspCleanup(model).operations.length,
  };
}
