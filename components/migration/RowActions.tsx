import type { BoardSummaryRow } from '@/lib/pss/board';
import type { ChangesAllowed } from '@/lib/identity/actor-view';

/**
 * The place for a namespace row's actions (guide step 3: "Label…", the PSP bypass and its undo),
 * rendered in the last cell of each board row and at the top of its details. The plans (components/
 * migration/plans/) fill it; the board itself changes nothing.
 */
export function RowActions(_props: { row: BoardSummaryRow; changes: ChangesAllowed }) {
  return null;
}
