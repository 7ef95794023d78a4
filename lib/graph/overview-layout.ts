import type { XY } from './types';

export const CARD_WIDTH = 232;
export const CARD_HEIGHT = 88;
export const CARD_GAP = 16;

/**
 * A grid for the overview's cards, with as many columns as makes the whole grid fit the screen at
 * the largest zoom (at most 1), and never so many that its width overflows the screen at `minZoom`
 * (a grid too tall for the screen scrolls down, not sideways).
 */
export function overviewGrid(count: number, screen: { width: number; height: number }, minZoom = 0): { positions: XY[]; columns: number; zoom: number } {
  // The largest zoom wins; among equals (all at zoom 1), the shape closest to the screen's.
  let best = { columns: 1, zoom: 0, misfit: Infinity };
  for (let columns = 1; columns <= Math.max(1, count); columns++) {
    const rows = Math.ceil(count / columns);
    const w = columns * (CARD_WIDTH + CARD_GAP) + CARD_GAP;
    const h = rows * (CARD_HEIGHT + CARD_GAP) + CARD_GAP;
    if (columns > 1 && w * minZoom > screen.width) break;
    const zoom = Math.min(1, screen.width / w, screen.height / h);
    const misfit = Math.abs(Math.log(w / h / (screen.width / screen.height)));
    if (zoom > best.zoom + 1e-9 || (Math.abs(zoom - best.zoom) <= 1e-9 && misfit < best.misfit)) best = { columns, zoom, misfit };
  }
  const positions = Array.from({ length: count }, (_, i) => ({
    x: (i % best.columns) * (CARD_WIDTH + CARD_GAP),
    y: Math.floor(i / best.columns) * (CARD_HEIGHT + CARD_GAP),
  }));
  return { positions, columns: best.columns, zoom: best.zoom };
}
