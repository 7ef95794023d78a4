import type { PssConfiguration } from '../../pss/config';
import type { Change } from '../change';
import { planPspBypass, type BypassRequest } from './bypass';
import { planPspCleanup } from './cleanup';
import { planNonMutatingCopy } from './copy';
import { planLabelNamespace, type LabelRequest } from './label';

/** Request bodies (already validated) → changes: each is planned again on a fresher model after a conflict. */

export function nonMutatingCopyChange(psp: string): Change {
  return { plan: (model) => planNonMutatingCopy(model, psp) };
}

export function labelNamespaceChange(req: LabelRequest, config?: PssConfiguration): Change {
  return { plan: (model) => planLabelNamespace(model, req, config) };
}

export function pspBypassChange(req: BypassRequest, config?: PssConfiguration): Change {
  return { plan: (model) => planPspBypass(model, req, config) };
}

export function pspCleanupChange(): Change {
  return { plan: (model) => planPspCleanup(model) };
}
