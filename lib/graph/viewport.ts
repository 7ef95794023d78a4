import type { Box } from './spatial-nav';

/** The smallest zoom a view opens at: node names (14 px) stay at 10.5 px or more on screen. */
export const READABLE_ZOOM = 0.75;
/** Room left around the picture, in screen pixels. */
export const PAD = 24;
/** Room above it: the export buttons and the legend sit at the canvas's top right. */
export const PAD_TOP = 56;

export interface View {
  x: number;
  y: number;
  zoom: number;
}

interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

function bounds(boxes: Box[]): Bounds {
  return {
    minX: Math.min(...boxes.map((b) => b.x)),
    minY: Math.min(...boxes.map((b) => b.y)),
    maxX: Math.max(...boxes.map((b) => b.x + b.width)),
    maxY: Math.max(...boxes.map((b) => b.y + b.height)),
  };
}

/**
 * The whole picture when it fits at a readable zoom (never above 1); else the readable zoom with
 * the picture's left edge in view and, across, the `focus` box (the PSP drilled into) in the middle
 * of the screen, or the top when there is none. Centred on an axis where the picture is smaller
 * than the screen.
 */
export function readableViewport(boxes: Box[], screen: { width: number; height: number }, focus?: Box): View {
  const b = bounds(boxes);
  const fit = Math.min(1, (screen.width - 2 * PAD) / (b.maxX - b.minX), (screen.height - PAD_TOP - PAD) / (b.maxY - b.minY));
  const zoom = Math.max(fit, READABLE_ZOOM);
  const wanted = {
    x: PAD - b.minX * zoom,
    y: focus ? (screen.height + PAD_TOP - PAD) / 2 - (focus.y + focus.height / 2) * zoom : PAD_TOP - b.minY * zoom,
  };
  return { ...clampToPicture(wanted, zoom, b, screen), zoom };
}

/**
 * Moves a view as little as needed so that the picture leaves no more empty screen than PAD (PAD_TOP above) on a
 * side where it is larger than the screen (centred where it is smaller): a view kept on one node
 * after the picture changed around it must not show mostly nothing.
 */
export function clampToPicture(view: { x: number; y: number }, zoom: number, b: Bounds, screen: { width: number; height: number }): { x: number; y: number } {
  const axis = (pos: number, min: number, max: number, size: number, lead: number) => {
    const length = (max - min) * zoom;
    if (length <= size - lead - PAD) return lead + (size - lead - PAD - length) / 2 - min * zoom;
    return Math.min(lead - min * zoom, Math.max(size - PAD - max * zoom, pos));
  };
  return { x: axis(view.x, b.minX, b.maxX, screen.width, PAD), y: axis(view.y, b.minY, b.maxY, screen.height, PAD_TOP) };
}

/** A view moved so that the picture fills the screen as much as it can (see `clampToPicture`). */
export function clampView(view: View, boxes: Box[], screen: { width: number; height: number }): View {
  return { ...clampToPicture(view, view.zoom, bounds(boxes), screen), zoom: view.zoom };
}
