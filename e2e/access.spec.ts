/**
 * Issue 11 #17: "who may use which PSP where" — subjects, bindings and roles as sortable, paged
 * tables, linked to the graph.
 */
import { expect, test } from '@playwright/test';
import path from 'node:path';
import { ARTIFACTS } from './pages/GraphPage';

for (const width of [1024, 1920]) {
  test(`the access tables on the demo: subjects, bindings, roles, sortable (${width} px)`, async ({ page }) => {
    await page.setViewportSize({ width, height: 800 });
    await page.goto('/');
    await page.getByTestId('nav-access').click();
    await expect(page).toHaveURL(/\/access$/);
    const row = page.locator('[data-testid="access-row"][data-key="Group//system:authenticated"]');
    await expect(row).toContainText('eks.privileged in every namespace via ClusterRoleBinding eks:podsecuritypolicy:authenticated');
    await expect(page.locator('[data-testid="access-row"][data-key="Group//system:masters"]')).toContainText('the API server allows it everything');
    await page.screenshot({ path: path.join(ARTIFACTS, `access-subjects-${width}.png`) });

    await page.getByTestId('access-tab-bindings').click();
    await expect(page.getByTestId('access-table')).toHaveAttribute('data-table', 'bindings');
    await expect(page.locator('[data-testid="access-row"][data-key="ClusterRoleBinding//eks:podsecuritypolicy:authenticated"]')).toContainText('ClusterRole eks:podsecuritypolicy:privileged');
    await page.getByTestId('sort-name').click();
    await expect(page.getByTestId('sort-name')).toContainText('▼');
    const names = await page.getByTestId('access-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')!.split('/').pop()!));
    expect(names).toEqual([...names].sort((a, b) => b.localeCompare(a)));
    await expect(page.locator('th[aria-sort="descending"]')).toHaveCount(1);

    await page.getByTestId('access-tab-roles').click();
    await page.locator('[data-testid="access-row"][data-key="ClusterRole//eks:podsecuritypolicy:privileged"]').getByRole('link', { name: 'eks:podsecuritypolicy:privileged' }).click();
    await expect(page.getByTestId('details-title')).toHaveText('eks:podsecuritypolicy:privileged');
  });
}
