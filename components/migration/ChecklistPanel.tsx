import type { ChecklistItem } from '@/lib/pss/checklist';

const SHOWN = 12;

/** The guide's closing steps, computed from the cluster: what is done and what is left. */
export function ChecklistPanel({ items, pspApiServed }: { items: ChecklistItem[]; pspApiServed: boolean }) {
  const left = items.filter((i) => !i.done).length;
  return (
    <section className="rounded border border-slate-200 bg-white" aria-labelledby="checklist-title" data-testid="checklist">
      <h2 id="checklist-title" className="border-b border-slate-100 px-4 py-2 font-semibold">
        {pspApiServed ? 'Before turning PSP off' : 'After PSP'} <span className="text-sm font-normal text-slate-600">({left === 0 ? 'all done' : `${left} of ${items.length} left`})</span>
      </h2>
      <ul className="divide-y divide-slate-100">
        {items.map((item) => (
          <li key={item.id} className="px-4 py-2 text-sm" data-testid="checklist-item" data-id={item.id} data-done={String(item.done)}>
            <div className="flex items-baseline gap-2">
              <span aria-hidden className={item.done ? 'text-emerald-700' : 'text-red-700'}>{item.done ? '✓' : '✗'}</span>
              <span className="font-medium">{item.title}</span>
              <span className="text-xs text-slate-600">step {item.step}</span>
              <span className="sr-only">{item.done ? 'done' : 'not done'}</span>
            </div>
            <p className="ml-5 text-slate-700">{item.detail}</p>
            {item.items.length > 0 && (
              <details className="ml-5">
                <summary className="cursor-pointer text-indigo-700">{item.items.length} to do</summary>
                <ul className="mt-1 flex flex-wrap gap-x-3 gap-y-0.5 font-mono text-xs text-slate-800">
                  {item.items.slice(0, SHOWN).map((x) => <li key={x}>{x}</li>)}
                  {item.items.length > SHOWN && <li className="font-sans text-slate-600">and {item.items.length - SHOWN} more</li>}
                </ul>
              </details>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
