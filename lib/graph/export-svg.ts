/**
 * The graph on screen as a standalone SVG document, drawn from the positions and edges the page
 * already has (no DOM capture, no library): boxes with their text lines, left-to-right links with
 * arrowheads and labels. The PNG export rasterises this same document.
 */

export interface DrawingLine {
  text: string;
  size: number;
  color: string;
  bold?: boolean;
}

export interface DrawingBox {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
  fill: string;
  stroke: string;
  dashed?: boolean;
  lines: DrawingLine[];
}

export interface DrawingLink {
  from: string;
  to: string;
  color: string;
  width: number;
  dash?: string;
  label?: string;
}

/** Text fonts by name, as the page's (the emoji fonts would draw digits as emoji). */
const FONT = "'DejaVu Sans', 'Liberation Sans', Arial, Helvetica, sans-serif";
const MARGIN = 24;

export function renderSvg(boxes: DrawingBox[], links: DrawingLink[], title: string): { svg: string; width: number; height: number } {
  const minX = Math.min(0, ...boxes.map((b) => b.x));
  const minY = Math.min(0, ...boxes.map((b) => b.y));
  const width = Math.max(0, ...boxes.map((b) => b.x + b.width)) - minX + 2 * MARGIN;
  const height = Math.max(0, ...boxes.map((b) => b.y + b.height)) - minY + 2 * MARGIN;
  const byId = new Map(boxes.map((b) => [b.id, b]));
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" viewBox="${num(minX - MARGIN)} ${num(minY - MARGIN)} ${num(width)} ${num(height)}" font-family="${FONT}">`,
    `<title>${esc(title)}</title>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#64748b"/></marker></defs>',
    `<rect x="${num(minX - MARGIN)}" y="${num(minY - MARGIN)}" width="${num(width)}" height="${num(height)}" fill="#ffffff"/>`,
  ];
  for (const l of links) {
    const a = byId.get(l.from);
    const b = byId.get(l.to);
    if (!a || !b) continue;
    const sx = a.x + a.width, sy = a.y + a.height / 2, tx = b.x, ty = b.y + b.height / 2;
    const mx = (sx + tx) / 2;
    out.push(`<path d="M${num(sx)} ${num(sy)}C${num(mx)} ${num(sy)} ${num(mx)} ${num(ty)} ${num(tx)} ${num(ty)}" fill="none" stroke="${l.color}" stroke-width="${l.width}"${l.dash ? ` stroke-dasharray="${l.dash}"` : ''} marker-end="url(#arrow)"/>`);
    if (l.label) out.push(`<text x="${num(mx)}" y="${num((sy + ty) / 2 - 3)}" font-size="10" text-anchor="middle" fill="${l.color}" stroke="#ffffff" stroke-width="3" paint-order="stroke">${esc(l.label)}</text>`);
  }
  for (const b of boxes) {
    out.push(`<g data-id="${esc(b.id)}"><rect x="${num(b.x)}" y="${num(b.y)}" width="${num(b.width)}" height="${num(b.height)}" rx="6" fill="${b.fill}" stroke="${b.stroke}" stroke-width="2"${b.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
    const total = b.lines.reduce((h, l) => h + l.size * 1.3, 0);
    let y = b.y + (b.height - total) / 2;
    for (const line of b.lines) {
      y += line.size * 1.3;
      out.push(`<text x="${num(b.x + 8)}" y="${num(y - line.size * 0.3)}" font-size="${line.size}"${line.bold ? ' font-weight="600"' : ''} fill="${line.color}">${esc(fit(line.text, b.width - 16, line.size))}</text>`);
    }
    out.push('</g>');
  }
  out.push('</svg>');
  return { svg: out.join('\n'), width, height };
}

/** Cuts a line that would overflow its box (about 0.6 em a character), as the page truncates with an ellipsis. */
function fit(text: string, width: number, size: number): string {
  const max = Math.max(1, Math.floor(width / (size * 0.6)));
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function num(n: number): string {
  return String(Math.round(n * 10) / 10);
}
