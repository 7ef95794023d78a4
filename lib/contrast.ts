/**
 * WCAG 2 contrast of CSS colours as Chromium's getComputedStyle gives them: `rgb()`/`rgba()`, the
 * `oklch()`/`oklab()` that Tailwind 4's palette is written in, and `lab()`/`lch()`. For the browser tests that hold
 * text to AA (4.5:1).
 */
type Rgb = [number, number, number];

const srgbToLinear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);

function oklabToLinearRgb(L: number, a: number, b: number): Rgb {
  const l = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s = (L - 0.0894841775 * a - 1.291485548 * b) ** 3;
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  return [
    clamp(4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s),
    clamp(-1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s),
    clamp(-0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s),
  ];
}

/** CIE Lab (D50, as CSS `lab()`) → linear sRGB, through XYZ with the Bradford-adapted matrix. */
function labToLinearRgb(L: number, a: number, b: number): Rgb {
  const fy = (L + 16) / 116;
  const inv = (t: number) => (t ** 3 > 216 / 24389 ? t ** 3 : (116 * t - 16) / (24389 / 27));
  const [x, y, z] = [0.96422 * inv(fy + a / 500), L > 8 ? fy ** 3 : L / (24389 / 27), 0.82521 * inv(fy - b / 200)];
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  return [
    clamp(3.1338561 * x - 1.6168667 * y - 0.4906146 * z),
    clamp(-0.9787684 * x + 1.9161415 * y + 0.033454 * z),
    clamp(0.0719453 * x - 0.2289914 * y + 1.4052427 * z),
  ];
}

const num = (v: string) => (v.endsWith('%') ? Number.parseFloat(v) / 100 : Number.parseFloat(v));

/** Linear RGB (0–1) and alpha of a computed colour. */
export function parseColor(css: string): { rgb: Rgb; alpha: number } {
  const m = /^(rgba?|oklch|oklab|lab|lch)\(([^)]*)\)$/.exec(css.trim());
  if (!m) throw new Error(`unsupported colour ${css}`);
  const [body, alphaPart] = m[2].includes('/') ? m[2].split('/') : [m[2], undefined];
  const parts = body.trim().split(/[\s,]+/).filter(Boolean);
  let alpha = alphaPart !== undefined ? num(alphaPart.trim()) : 1;
  if (m[1].startsWith('rgb')) {
    if (parts.length === 4) alpha = num(parts[3]);
    return { rgb: parts.slice(0, 3).map((p) => srgbToLinear(p.endsWith('%') ? num(p) : num(p) / 255)) as Rgb, alpha };
  }
  if (m[1] === 'lab' || m[1] === 'lch') {
    // CSS lab()/lch(): L is 0–100 (a percentage means the same number).
    const L = Number.parseFloat(parts[0]);
    if (m[1] === 'lab') return { rgb: labToLinearRgb(L, num(parts[1]), num(parts[2])), alpha };
    const h = ((Number.parseFloat(parts[2]) || 0) * Math.PI) / 180;
    return { rgb: labToLinearRgb(L, num(parts[1]) * Math.cos(h), num(parts[1]) * Math.sin(h)), alpha };
  }
  const L = num(parts[0]);
  if (m[1] === 'oklab') return { rgb: oklabToLinearRgb(L, num(parts[1]), num(parts[2])), alpha };
  const C = num(parts[1]);
  const h = ((Number.parseFloat(parts[2]) || 0) * Math.PI) / 180;
  return { rgb: oklabToLinearRgb(L, C * Math.cos(h), C * Math.sin(h)), alpha };
}

const luminance = ([r, g, b]: Rgb) => 0.2126 * r + 0.7152 * g + 0.0722 * b;

/** Blends a translucent colour over an opaque one (in linear light: close enough for a threshold). */
function over(top: { rgb: Rgb; alpha: number }, bottom: Rgb): Rgb {
  return top.rgb.map((c, i) => c * top.alpha + bottom[i] * (1 - top.alpha)) as Rgb;
}

/**
 * Contrast of text over its backgrounds, innermost first (transparent ones are skipped until an
 * opaque one; the page is white below all).
 */
export function contrastRatio(text: string, backgrounds: string[]): number {
  let bg: Rgb = [1, 1, 1];
  for (const css of [...backgrounds].reverse()) bg = over(parseColor(css), bg);
  const fg = over(parseColor(text), bg);
  const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
  return (hi + 0.05) / (lo + 0.05);
}
