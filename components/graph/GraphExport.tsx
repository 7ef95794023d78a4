'use client';
import { useState } from 'react';
import type { Edge } from '@xyflow/react';
import { renderSvg, type DrawingBox, type DrawingLink } from '@/lib/graph/export-svg';
import { NODE_HEIGHT, NODE_WIDTH } from '@/lib/graph/node-size';
import { CARD_HEIGHT, CARD_WIDTH } from '@/lib/graph/overview-layout';
import { KIND_COLORS, KIND_STYLE, MISSING_COLORS, PRIVILEGED_COLORS } from './kind-style';
import type { PolicyFlowNode } from './PolicyNode';
import { cardCounts, type PspCardFlowNode } from './PspCardNode';

export type CanvasNode = PolicyFlowNode | PspCardFlowNode;

/** The nodes and edges on the canvas as boxes and links, in the colours the page uses. */
export function drawing(nodes: CanvasNode[], edges: Edge[]): { boxes: DrawingBox[]; links: DrawingLink[] } {
  const boxes = nodes.map((n): DrawingBox => {
    if (n.type === 'pspCard') {
      const card = n.data.card;
      const c = card.privileged ? PRIVILEGED_COLORS : card.missing ? MISSING_COLORS : KIND_COLORS.PodSecurityPolicy;
      const flags = [card.privileged && 'PRIVILEGED', card.broadSubjects.length > 0 && 'EVERYONE', card.missing && 'MISSING'].filter(Boolean).join(' ');
      return {
        id: n.id, x: n.position.x, y: n.position.y, width: CARD_WIDTH, height: CARD_HEIGHT, fill: c.fill, stroke: c.stroke, dashed: card.missing,
        lines: [
          { text: `PSP ${flags}`.trim(), size: 10, color: card.privileged ? '#b91c1c' : '#475569' },
          { text: card.name, size: 15, bold: true, color: '#0f172a' },
          ...cardCounts(card).map((text) => ({ text, size: 12, color: '#334155' })),
        ],
      };
    }
    const node = n.data.node;
    const c = node.privileged ? PRIVILEGED_COLORS : node.missing ? MISSING_COLORS : KIND_COLORS[node.kind];
    const flags = [node.privileged && 'PRIVILEGED', node.wildcard && 'WILDCARD', node.missing && 'MISSING'].filter(Boolean).join(' ');
    const head = `${KIND_STYLE[node.kind].label.toUpperCase()}${node.namespace ? ` · ${node.namespace}` : ''}${flags ? `  ${flags}` : ''}`;
    return {
      id: n.id, x: n.position.x, y: n.position.y, width: NODE_WIDTH, height: NODE_HEIGHT, fill: c.fill, stroke: c.stroke, dashed: node.missing || node.kind === 'Collapsed',
      lines: [
        { text: head, size: 10, color: '#475569' },
        { text: node.name, size: 14, bold: true, color: '#0f172a' },
      ],
    };
  });
  const links = edges.map((e): DrawingLink => {
    const d = e.data as { wildcard?: boolean; namespace?: string } | undefined;
    return d?.wildcard
      ? { from: e.source, to: e.target, color: '#c2410c', width: 2, dash: '6 4', label: 'wildcard' }
      : d?.namespace
        ? { from: e.source, to: e.target, color: '#0369a1', width: 1.5, dash: '2 3', label: `only in ${d.namespace}` }
        : { from: e.source, to: e.target, color: '#64748b', width: 1.5 };
  });
  return { boxes, links };
}

/** The largest side of the PNG: browsers refuse canvases much beyond this. */
const MAX_PNG_SIDE = 16_000;

async function svgToPng(svg: string, width: number, height: number): Promise<Blob> {
  const scale = Math.min(2, MAX_PNG_SIDE / Math.max(width, height));
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('this browser gave no canvas to draw on');
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the canvas gave no PNG'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

function download(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Two buttons: the whole current graph (not just what is on screen) as SVG or PNG. */
export function GraphExport({ nodes, edges, name }: { nodes: CanvasNode[]; edges: Edge[]; name: string }) {
  const [error, setError] = useState<string>();
  const svgOf = () => {
    const { boxes, links } = drawing(nodes, edges);
    return renderSvg(boxes, links, name);
  };
  const run = (f: () => Promise<void> | void) => async () => {
    setError(undefined);
    try {
      await f();
    } catch (e) {
      setError(`Export failed: ${(e as Error).message}`);
    }
  };
  const button = 'rounded border border-slate-300 bg-white px-2 py-0.5 text-xs text-slate-800 shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-600 disabled:text-slate-400';
  return (
    <div className="flex items-center gap-1" data-testid="graph-export">
      <span className="text-xs text-slate-700">Export</span>
      <button type="button" className={button} disabled={nodes.length === 0} data-testid="export-svg" onClick={run(() => download(new Blob([svgOf().svg], { type: 'image/svg+xml' }), `${name}.svg`))}>
        SVG
      </button>
      <button
        type="button"
        className={button}
        disabled={nodes.length === 0}
        data-testid="export-png"
        onClick={run(async () => {
          const { svg, width, height } = svgOf();
          download(await svgToPng(svg, width, height), `${name}.png`);
        })}
      >
        PNG
      </button>
      {error && <span role="alert" className="text-xs text-red-800">{error}</span>}
    </div>
  );
}
