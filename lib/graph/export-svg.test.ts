import { describe, expect, it } from 'vitest';
import { renderSvg } from './export-svg';

describe('renderSvg', () => {
  const boxes = [
    { id: 'PodSecurityPolicy//a&b', x: 0, y: 0, width: 240, height: 58, fill: '#fff', stroke: '#f59e0b', lines: [{ text: 'PSP', size: 10, color: '#475569' }, { text: 'a&b <x>', size: 14, color: '#0f172a', bold: true }] },
    { id: 'Group//ops', x: 330, y: 100, width: 240, height: 58, fill: '#fff', stroke: '#10b981', dashed: true, lines: [{ text: 'x'.repeat(80), size: 14, color: '#0f172a' }] },
  ];

  it('draws every box with its text escaped, and a link with its label', () => {
    const { svg, width, height } = renderSvg(boxes, [{ from: 'PodSecurityPolicy//a&b', to: 'Group//ops', color: '#0369a1', width: 1.5, dash: '2 3', label: 'only in team-a' }], 'psp-graph');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('a&amp;b &lt;x&gt;');
    expect(svg).not.toContain('<x>');
    expect(svg).toContain('data-id="PodSecurityPolicy//a&amp;b"');
    expect(svg.match(/<path d="M240 29C/g)).toHaveLength(1);
    expect(svg).toContain('only in team-a');
    expect(svg).toContain('stroke-dasharray="5 3"');
    // 570 wide and 158 tall, plus the margin on each side.
    expect([width, height]).toEqual([570 + 48, 158 + 48]);
  });

  it('cuts a name longer than its box with an ellipsis', () => {
    const { svg } = renderSvg(boxes, [], 't');
    expect(svg).toMatch(/x+…<\/text>/);
    expect(svg).not.toContain('x'.repeat(80));
  });

  it('skips links to nodes it does not draw', () => {
    const { svg } = renderSvg(boxes, [{ from: 'Group//ops', to: 'gone', color: '#000', width: 1 }], 't');
    expect(svg).not.toContain('fill="none"');
  });
});
