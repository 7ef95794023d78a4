import type { XY } from './types';

export type Direction = 'left' | 'right' | 'up' | 'down';

export interface Box extends XY {
  id: string;
  width: number;
  height: number;
}

/**
 * The node an arrow key moves to: the nearest box whose centre lies in that direction, distance
 * along the arrow counted once and sideways drift three times (so Down stays in the column and
 * Right goes to the neighbour at about the same height). Undefined at the edge.
 */
export function nextInDirection(boxes: Box[], fromId: string, direction: Direction): string | undefined {
  const from = boxes.find((b) => b.id === fromId);
  if (!from) return boxes[0]?.id;
  const c = centre(from);
  let best: { id: string; score: number } | undefined;
  for (const b of boxes) {
    if (b.id === fromId) continue;
    const p = centre(b);
    const dx = p.x - c.x;
    const dy = p.y - c.y;
    const [along, across] = direction === 'left' ? [-dx, dy] : direction === 'right' ? [dx, dy] : direction === 'up' ? [-dy, dx] : [dy, dx];
    if (along <= 1) continue;
    const score = along + 3 * Math.abs(across);
    if (!best || score < best.score) best = { id: b.id, score };
  }
  return best?.id;
}

/** Home: the box nearest the top-left corner (End: the farthest), where a reader starts. */
export function cornerBox(boxes: Box[], end: 'first' | 'last'): string | undefined {
  const sign = end === 'first' ? 1 : -1;
  let best: Box | undefined;
  for (const b of boxes) if (!best || sign * (b.x + b.y - best.x - best.y) < 0) best = b;
  return best?.id;
}

function centre(b: Box): XY {
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}
