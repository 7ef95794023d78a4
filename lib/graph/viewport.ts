import type { Box } from './spatial-nav';

/** The smallest zoom a view opens at: node names (14 px) stay at 10.5 px or more on screen. */
export const READABLE_ZOOM = 0.75;
/** Room left around the picture, in screen pixels. */
export const PAD = 24;

/**
 * The whole picture when it fits at a readable zoom (never above 1); else the readable zoom, the
 * picture's top-left corner in view (centred across when it is narrower than the screen).
 */
export function readableViewport(boxes: Box[], screen: { width: number; height: number }) {
  const minX = Math.min(...boxes.map((b) => b.x)), minY = Math.min(...boxes.map((b) => b.y));
  const width = Math.max(...boxes.map((b) => b.x + b.width)) - minX;
  const height = Math.max(...boxes.map((b) => b.y + b.height)) - minY;
  const fit = Math.min(1, (screen.width - 2 * PAD) / width, (screen.height - 2 * PAD) / height);
  const zoom = Math.max(fit, READABLE_ZOOM);
  const x = width * zoom <= screen.width - 2 * PAD ? (screen.width - width * zoom) / 2 - minX * zoom : PAD - minX * zoom;
  const y = height * zoom <= screen.height - 2 * PAD ? (screen.height - height * zoom) / 2 - minY * zoom : PAD - minY * zoom;
  return { x, y, zoom };
}
