import type { Locator } from '@playwright/test';
import { contrastRatio } from '../../lib/contrast';

/**
 * The WCAG contrast of an element's text (or an SVG text's fill) over the backgrounds it sits on,
 * read from the computed styles of the element and its ancestors.
 */
export async function measuredContrast(el: Locator): Promise<number> {
  const { text, backgrounds } = await el.evaluate((node) => {
    const style = getComputedStyle(node);
    const text = node instanceof SVGElement && style.fill && style.fill !== 'none' ? style.fill : style.color;
    const backgrounds: string[] = [];
    for (let n: Element | null = node; n; n = n.parentElement) {
      const bg = getComputedStyle(n).backgroundColor;
      if (bg && bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') backgrounds.push(bg);
    }
    return { text, backgrounds };
  });
  return contrastRatio(text, backgrounds);
}
