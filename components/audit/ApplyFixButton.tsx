'use client';
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import type { FixRequest } from '@/lib/audit/types';
import { ChangeDialog } from '../changes/ChangeDialog';

/** Opens the change dialog on a finding's fix: previewed as a diff, confirmed, then applied. */
export function ApplyFixButton({ title, request }: { title: string; request: FixRequest }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [applied, setApplied] = useState(false);
  // The report is re-read only when the dialog closes: re-reading at once removes the fixed finding, and this dialog with it, before its result is seen.
  const close = () => {
    setOpen(false);
    if (applied) router.refresh();
  };
  return (
    <>
      <button className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 print:hidden" data-testid="apply-fix" onClick={() => setOpen(true)}>
        Apply fix…
      </button>
      {open && <ChangeDialog title={title} request={request} onClose={close} onApplied={() => setApplied(true)} />}
    </>
  );
}

export function PrintButton() {
  return (
    <button className="rounded border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50 print:hidden" onClick={() => window.print()} data-testid="print-audit">
      Print
    </button>
  );
}
