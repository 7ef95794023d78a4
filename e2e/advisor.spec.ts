/**
 * The advisor on the demo, by clicks: from the PSP page to a proposal for namespace shop, its
 * reasons and proof on screen, then created and granted through the usual preview.
 */
import { expect, test } from '@playwright/test';
import path from 'node:path';
import { ARTIFACTS } from './pages/GraphPage';
import { discardPending } from './pages/pending';

test.afterEach(async ({ page }) => {
  await discardPending(page);
});

test('propose the least permissive PSP for shop, see why and the proof, then create and grant it', async ({ page }) => {
  await page.goto('/psps');
  await page.getByLabel('Propose the least permissive PSP for the workloads of namespace').selectOption('shop');
  await page.getByTestId('propose-form').getByRole('button', { name: 'Propose' }).click();
  await expect(page).toHaveURL(/\/namespaces\?propose=1&namespace=shop/);
  const advice = page.getByTestId('advice');
  await expect(advice.getByTestId('advice-summary')).toContainText('Proposal advised-shop: admits');
  const admits = advice.getByTestId('advice-admits').locator('li');
  const n = await admits.count();
  expect(n).toBeGreaterThan(0);
  await expect(advice.getByTestId('advice-summary')).toContainText(`${n} of ${n}`);
  for (let i = 0; i < n; i++) await expect(admits.nth(i)).toContainText('advised-shop, unchanged');
  await expect(advice.getByTestId('advice-reasons')).toContainText('—');
  await expect(advice.getByTestId('advice-pss')).toContainText('Pod Security level every pod it admits meets:');
  await advice.getByText('YAML (as advise-psp printed it').click();
  await expect(advice.getByTestId('advice-yaml')).toContainText('kind: PodSecurityPolicy');
  await expect(advice.getByTestId('advice-yaml')).not.toContainText('defaultAllowPrivilegeEscalation');
  await page.screenshot({ path: path.join(ARTIFACTS, 'advisor-shop.png'), fullPage: true });

  await advice.getByTestId('advice-apply').click();
  const dialog = page.getByTestId('change-dialog');
  await expect(page.getByTestId('plan-preview')).toBeVisible();
  await expect(page.getByTestId('plan-preview')).toContainText('PodSecurityPolicy advised-shop');
  await page.getByTestId('apply-change').click();
  await expect(page.getByTestId('change-result')).toContainText('create PodSecurityPolicy advised-shop');
  await dialog.getByRole('button', { name: 'Close' }).first().click();

  // Now the shop workloads get the proposal, unchanged.
  await page.goto('/namespaces?namespace=shop');
  const rows = page.getByTestId('workload-outcome');
  for (let i = 0; i < (await rows.count()); i++) await expect(rows.nth(i)).toHaveAttribute('data-psp', 'advised-shop');
});
