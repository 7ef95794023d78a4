/**
 * The attach form (issue 11 #11): it scrolls into view when opened, its "Where" select fits the
 * panel, its name field has a label, several subjects go in one change, and it says that
 * system:masters may already use every PSP.
 */
import { expect, test } from '@playwright/test';
import path from 'node:path';
import { ARTIFACTS } from './pages/GraphPage';
import { startEachOnPristineDemo } from './pages/pending';

const PSP = 'PodSecurityPolicy//eks.privileged';

startEachOnPristineDemo();

for (const width of [1024, 1920]) {
  test(`opens in view, fits the panel, attaches two groups in one change (${width} px)`, async ({ page }) => {
    await page.setViewportSize({ width, height: 640 });
    await page.goto(`/?node=${encodeURIComponent(PSP)}`);
    await page.getByTestId('action-attach').click();
    const form = page.getByTestId('attach-form');
    await expect(form).toBeInViewport({ ratio: 0.9 });
    await expect(page.getByLabel('To', { exact: true })).toBeFocused();

    const panel = (await page.getByTestId('details-panel').boundingBox())!;
    const where = (await page.getByLabel('Where', { exact: true }).boundingBox())!;
    expect(where.x + where.width, 'the Where select ends inside the panel').toBeLessThanOrEqual(panel.x + panel.width);

    await expect(page.getByTestId('attach-masters-note')).toContainText('system:masters may already use every PSP');
    const names = page.getByLabel('Names', { exact: true });
    await names.fill('ops-team');
    await names.press('Shift+Enter');
    await names.pressSequentially('dev-team');
    await page.screenshot({ path: path.join(ARTIFACTS, `attach-form-${width}.png`) });
    await names.press('Enter');
    const dialog = page.getByTestId('change-dialog');
    await expect(dialog).toHaveAttribute('aria-label', 'Attach eks.privileged to 2 subjects');
    await expect(page.getByTestId('plan-preview')).toContainText('Group ops-team');
    await expect(page.getByTestId('plan-preview')).toContainText('Group dev-team');
    await page.getByTestId('apply-change').click();
    await expect(page.getByTestId('change-result')).toBeVisible();
  });
}
