'use client';
import { memo } from 'react';
import type { Node, NodeProps } from '@xyflow/react';
import type { PspCard } from '@/lib/graph/types';
import { CARD_HEIGHT, CARD_WIDTH } from '@/lib/graph/overview-layout';

export type PspCardFlowNode = Node<{ card: PspCard }, 'pspCard'>;

/** "12 roles · 80 bindings" and "340 subjects · in 37 namespaces": a card's chains, counted. */
export function cardCounts(card: PspCard): [string, string] {
  const subjects = card.subjects.groups + card.subjects.users + card.subjects.serviceAccounts;
  const where = card.clusterWide ? 'in every namespace' : `in ${plural(card.namespaces, 'namespace')}`;
  return [`${plural(card.roles, 'role')} · ${plural(card.bindings, 'binding')}`, `${plural(subjects, 'subject')} · ${where}`];
}

export function describeCard(card: PspCard): string {
  const flags = [card.privileged && 'privileged', card.missing && 'missing', card.broadSubjects.length && `granted to ${card.broadSubjects.join(', ')}`].filter(Boolean);
  return [`PSP ${card.name}`, ...cardCounts(card), ...flags].join('; ');
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;
}

/** One PSP of the overview: its name, what grants it, counted, and who it reaches when that is everyone. */
function PspCardView({ data }: NodeProps<PspCardFlowNode>) {
  const { card } = data;
  const border = card.privileged ? 'border-red-600 bg-red-50' : card.missing ? 'border-dashed border-orange-500 bg-orange-50' : 'border-amber-500 bg-amber-50';
  return (
    <div
      data-testid="psp-card"
      data-name={card.name}
      className={`flex cursor-pointer flex-col justify-center gap-0.5 rounded-md border-2 px-2 text-left shadow-sm ${border}`}
      style={{ width: CARD_WIDTH, height: CARD_HEIGHT }}
      title={`${describeCard(card)}\nClick or press Enter to see its chains`}
    >
      <div className="flex items-center gap-1 text-[10px] uppercase tracking-wide text-slate-600">
        <span aria-hidden>📙</span>
        <span>PSP</span>
        <span className="ml-auto flex gap-1">
          {card.privileged && <span className="rounded bg-red-700 px-1 text-[10px] font-semibold leading-4 text-white">privileged</span>}
          {card.broadSubjects.length > 0 && (
            <span className="rounded bg-red-700 px-1 text-[10px] font-semibold leading-4 text-white" title={card.broadSubjects.join(', ')}>
              everyone
            </span>
          )}
          {card.missing && <span className="rounded bg-orange-700 px-1 text-[10px] font-semibold leading-4 text-white">missing</span>}
        </span>
      </div>
      <div className="truncate text-[15px] font-semibold text-slate-900" data-testid="psp-card-name">{card.name}</div>
      <div className="text-xs leading-4 text-slate-700" data-testid="psp-card-counts">
        {cardCounts(card).map((line) => (
          <div key={line} className="truncate">{line}</div>
        ))}
      </div>
    </div>
  );
}

export const PspCardNode = memo(PspCardView);
