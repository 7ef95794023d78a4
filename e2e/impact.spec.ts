/**
 * Every change preview says what the change does to the workloads' next pods before the person
 * confirms (issue 11 #4): deleting the EKS grant to everyone, deleting the only PSP, and the
 * advisor's grant, at 1024 and 1920 px.
 */
import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { ARTIFACTS } from './pages/GraphPage';
import { startEachOnPristineDemo } from './pages/pending';

const BINDING = 'ClusterRoleBinding//eks:podsecuritypolicy:authenticated';

startEachOnPristineDemo();

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });

for (const width of [1024, 1920]) {
  test(`deleting eks:podsecuritypolicy:authenticated lists the refused workloads before Apply (${width} px)`, async ({ page }) => {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`/?node=${encodeURIComponent(BINDING)}`);
    await page.getByTestId('action-delete-binding').click();
    await page.getByTestId('acknowledge-checkbox').check();
    const refused = page.getByTestId('impact-refused');
    await expect(refused).toBeVisible();
    await expect(refused).toContainText(/1[01] workloads would have their next pods refused/);
    await expect(refused).toContainText('Deployment ci/runner');
    await expect(refused).toContainText('DaemonSet kube-system/aws-node');
    await expect(refused).toContainText('(now eks.privileged)');
    // Shown with the preview, before anything is written: Apply is still there to press.
    await expect(page.getByTestId('apply-change')).toBeEnabled();
    await shot(page, `impact-delete-binding-${width}`);
  });
}

test('deleting the only PSP lists the refused workloads; the advisor grant lists the workloads that switch PSP', async ({ page }) => {
  await page.goto('/psps');
  await page.getByLabel('or an existing PSP').selectOption('eks.privileged');
  await page.getByTestId('psp-delete').click();
  await expect(page.getByTestId('impact-refused')).toContainText('workloads would have their next pods refused');
  await page.getByRole('button', { name: 'Cancel' }).click();

  await page.getByLabel('Propose the least permissive PSP for the workloads of namespace').selectOption('shop');
  await page.getByTestId('propose-form').getByRole('button', { name: 'Propose' }).click();
  await page.getByTestId('advice').getByTestId('advice-apply').click();
  const changed = page.getByTestId('impact-changed');
  await expect(changed).toBeVisible();
  await expect(changed).toContainText('eks.privileged → advised-shop');
  await expect(changed).toContainText('Deployment shop/web');
  await expect(page.getByTestId('impact-refused')).toHaveCount(0);
  await shot(page, 'impact-advisor-apply');
});
