/**
 * Text contrast of the items issue 11 #14 measured below WCAG AA (4.5:1): the zero-count severity
 * chips (2.4:1), the "High" chip (3.58:1), the evidence arrows (2.63:1) and the wildcard edge labels
 * (2.89:1 at 10 px) — measured from the computed colours (lib/contrast.ts).
 */
import { expect, test } from '@playwright/test';
import path from 'node:path';
import { ARTIFACTS } from './pages/GraphPage';
import { measuredContrast } from './pages/contrast';

const AA = 4.5;

test('audit: every severity chip, zero or not, the section counts and the evidence arrows reach 4.5:1', async ({ page }) => {
  await page.goto('/audit');
  const chips = page.getByTestId('audit-summary').locator('a');
  await expect(chips).toHaveCount(5);
  const zero = await chips.filter({ hasText: ': 0' }).count();
  expect(zero, 'the demo has severities without findings: their chips are measured too').toBeGreaterThan(0);
  for (const chip of await chips.all()) {
    expect(await measuredContrast(chip), (await chip.textContent()) ?? '').toBeGreaterThanOrEqual(AA);
  }
  const arrows = page.getByTestId('evidence-arrow');
  expect(await arrows.count()).toBeGreaterThan(0);
  expect(await measuredContrast(arrows.first())).toBeGreaterThanOrEqual(AA);
  for (const count of await page.locator('[data-testid^="severity-"] h2 span').all()) expect(await measuredContrast(count)).toBeGreaterThanOrEqual(AA);
  await page.screenshot({ path: path.join(ARTIFACTS, 'contrast-audit.png') });
});

test('graph: the wildcard edge labels reach 4.5:1', async ({ page }) => {
  await page.goto('/?view=graph');
  const labels = page.locator('.react-flow__edge-text').filter({ hasText: 'wildcard' });
  await expect(labels.first()).toBeVisible({ timeout: 30_000 });
  expect(await measuredContrast(labels.first())).toBeGreaterThanOrEqual(AA);
});
