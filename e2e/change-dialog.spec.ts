/**
 * The change dialog asks the server for one preview per change, and a new one only when the person
 * changes the input (ticking the acknowledgement): on a live cluster each preview is a dry run and
 * access reviews on the API server.
 */
import { expect, test } from '@playwright/test';
import { discardPending } from './pages/pending';

test.afterEach(async ({ page }) => {
  await discardPending(page);
});

test('a change that needs acknowledging: one preview while the person reads, one more after ticking the box', async ({ page }) => {
  const previews: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('dryRun=true')) previews.push(`${r.method()} ${new URL(r.url()).pathname} ${r.postData() ?? ''}`);
  });
  await page.goto(`/?node=${encodeURIComponent('PodSecurityPolicy//eks.privileged')}`);
  await page.getByTestId('action-attach').click();
  await page.getByTestId('attach-kind').selectOption('Group');
  await page.getByTestId('attach-name').fill('system:authenticated');
  await page.getByTestId('attach-submit').click();
  await expect(page.getByTestId('acknowledge')).toBeVisible();
  // Reading the warning for a while sends nothing more.
  await page.waitForTimeout(2_000);
  expect(previews).toHaveLength(1);
  await page.getByTestId('acknowledge-checkbox').check();
  await expect(page.getByTestId('plan-preview')).toBeVisible();
  await page.waitForTimeout(1_000);
  expect(previews).toHaveLength(2);
  expect(previews[1]).toContain('"acknowledgeRisk":true');
});
