import type { BoardSummaryRow } from '@/lib/pss/board';
import type { ChangesAllowed } from '@/lib/identity/actor-view';
import { NamespacePlanActions } from './plans/NamespacePlanActions';

/**
 * A namespace row's actions (guide step 3): "Label…" (audit and warn, then enforce, at the board's
 * recommendation by default), the PSP bypass and its undo — planned and previewed by the plans.
 */
export function RowActions({ row, changes }: { row: BoardSummaryRow; changes: ChangesAllowed }) {
  return <NamespacePlanActions namespace={row.namespace} recommended={row.recommended} changes={changes} />;
}
