import { describe, expect, it } from 'vitest';
import { contrastRatio, parseColor } from './contrast';

describe('contrastRatio', () => {
  it('black on white is 21:1, white on white 1:1', () => {
    expect(contrastRatio('rgb(0, 0, 0)', ['rgb(255, 255, 255)'])).toBeCloseTo(21, 1);
    expect(contrastRatio('rgb(255, 255, 255)', [])).toBeCloseTo(1, 5);
  });
  it('agrees with the WCAG figures of known pairs', () => {
    // #767676 on white is the classic 4.54:1; Tailwind's slate-400 (#90a1b9 in v4) is about 2.6:1.
    expect(contrastRatio('rgb(118, 118, 118)', ['rgb(255, 255, 255)'])).toBeCloseTo(4.54, 1);
    expect(contrastRatio('oklch(0.704 0.04 256.788)', ['rgb(255, 255, 255)'])).toBeLessThan(3);
    // slate-700 on white: far above AA.
    expect(contrastRatio('oklch(0.372 0.044 257.287)', ['rgb(255, 255, 255)'])).toBeGreaterThan(9);
  });
  it('reads CSS lab() as Chromium gives it: white is white, mid grey is mid grey', () => {
    expect(contrastRatio('lab(100 0 0)', ['rgb(0, 0, 0)'])).toBeCloseTo(21, 0);
    // lab(50 0 0) is sRGB #777777, 4.48:1 on white.
    expect(contrastRatio('lab(50 0 0)', ['rgb(255, 255, 255)'])).toBeCloseTo(4.48, 1);
  });
  it('reads translucent colours over what is below them', () => {
    expect(parseColor('rgba(0, 0, 0, 0)').alpha).toBe(0);
    expect(contrastRatio('rgb(0, 0, 0)', ['rgba(0, 0, 0, 0)', 'rgb(255, 255, 255)'])).toBeCloseTo(21, 1);
    expect(contrastRatio('oklch(0.5 0 0 / 0.5)', ['rgb(255, 255, 255)'])).toBeLessThan(contrastRatio('oklch(0.5 0 0)', ['rgb(255, 255, 255)']));
  });
});
