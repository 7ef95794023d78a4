import { describe, expect, it } from 'vitest';
import { clampView, PAD, PAD_TOP, READABLE_ZOOM, readableViewport } from './viewport';
import { CARD_HEIGHT, CARD_WIDTH, overviewGrid } from './overview-layout';
import { cornerBox, nextInDirection, type Box } from './spatial-nav';

const box = (id: string, x: number, y: number): Box => ({ id, x, y, width: 100, height: 50 });

describe('readableViewport', () => {
  it('shows a small picture whole, centred, never above zoom 1', () => {
    const v = readableViewport([box('a', 0, 0), box('b', 200, 0)], { width: 1000, height: 600 });
    expect(v.zoom).toBe(1);
    expect(v.x).toBe((1000 - 300) / 2);
    expect(v.y).toBe(PAD_TOP + (600 - PAD_TOP - PAD - 50) / 2);
  });

  it('opens a tall picture at the readable zoom, its top in view, instead of shrinking it to a sliver', () => {
    const column = Array.from({ length: 200 }, (_, i) => box(`n${i}`, 0, i * 70));
    const v = readableViewport(column, { width: 1024, height: 700 });
    expect(v.zoom).toBe(READABLE_ZOOM);
    expect(v.y).toBe(PAD_TOP);
    // Narrower than the screen: centred across.
    expect(v.x).toBeCloseTo((1024 - 100 * READABLE_ZOOM) / 2);
  });
});

describe('framing a drill-down and keeping a view', () => {
  const column = Array.from({ length: 41 }, (_, i) => box(`n${i}`, 0, i * 70));
  const screen = { width: 1024, height: 700 };

  it('puts the node drilled into in the middle of the screen', () => {
    const v = readableViewport(column, screen, column[20]);
    expect(v.zoom).toBe(READABLE_ZOOM);
    expect(v.y + (20 * 70 + 25) * v.zoom).toBeCloseTo((700 + PAD_TOP - PAD) / 2);
  });

  it('but never scrolls past the picture’s top or bottom', () => {
    expect(readableViewport(column, screen, column[0]).y).toBe(PAD_TOP);
    const last = readableViewport(column, screen, column[40]);
    expect(last.y + (40 * 70 + 50) * last.zoom).toBeCloseTo(700 - PAD);
  });

  it('a kept view that would show mostly empty screen moves just enough', () => {
    const v = clampView({ x: 0, y: 600, zoom: 1 }, column, screen);
    expect(v).toEqual({ x: (1024 - 100) / 2, y: PAD_TOP, zoom: 1 });
    expect(clampView({ x: 0, y: -500, zoom: 1 }, column, screen).y).toBe(-500);
  });
});

describe('overviewGrid', () => {
  it('fits 50 cards on a 1920×900 screen at zoom 1, in a grid shaped like the screen', () => {
    const g = overviewGrid(50, { width: 1920 - 2 * PAD, height: 900 - 2 * PAD });
    expect(g.zoom).toBe(1);
    const rows = Math.ceil(50 / g.columns);
    expect((g.columns * (CARD_WIDTH + 16)) / (rows * (CARD_HEIGHT + 16))).toBeGreaterThan(1.8);
    expect(g.positions).toHaveLength(50);
    expect(g.positions[1]).toEqual({ x: CARD_WIDTH + 16, y: 0 });
    expect(g.positions[g.columns]).toEqual({ x: 0, y: CARD_HEIGHT + 16 });
  });

  it('takes fewer columns on a narrow screen', () => {
    expect(overviewGrid(50, { width: 976, height: 700 }).columns).toBeLessThan(overviewGrid(50, { width: 1872, height: 700 }).columns);
    expect(overviewGrid(1, { width: 976, height: 700 })).toMatchObject({ columns: 1, zoom: 1 });
    // At 1024 px the 50 cards are a little too tall for the screen: the grid is no wider than the
    // screen at the readable zoom, so it scrolls down, not sideways.
    const narrow = overviewGrid(50, { width: 976, height: 620 }, READABLE_ZOOM);
    expect(narrow.columns * (CARD_WIDTH + 16) * READABLE_ZOOM).toBeLessThanOrEqual(976);
    expect(narrow.zoom).toBeLessThan(READABLE_ZOOM);
  });
});

describe('spatial navigation', () => {
  // a b
  // c d   (e far right of d)
  const boxes = [box('a', 0, 0), box('b', 200, 0), box('c', 0, 100), box('d', 200, 100), box('e', 600, 110)];

  it('moves to the nearest node in the arrow’s direction, and nowhere at the edge', () => {
    expect(nextInDirection(boxes, 'a', 'right')).toBe('b');
    expect(nextInDirection(boxes, 'a', 'down')).toBe('c');
    expect(nextInDirection(boxes, 'd', 'right')).toBe('e');
    expect(nextInDirection(boxes, 'd', 'up')).toBe('b');
    expect(nextInDirection(boxes, 'a', 'left')).toBeUndefined();
    expect(nextInDirection(boxes, 'a', 'up')).toBeUndefined();
  });

  it('Home and End go to the corners', () => {
    expect(cornerBox(boxes, 'first')).toBe('a');
    expect(cornerBox(boxes, 'last')).toBe('e');
    expect(cornerBox([], 'first')).toBeUndefined();
  });
});
