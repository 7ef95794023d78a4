/**
 * Issue 11 #16: copy buttons on the tree, the exports and the kubectl fixes; undo one pending change;
 * the audit in plain words, with kubectl first and the dashboard's own API request folded away; the
 * details panel's YAML tab copies its text.
 */
import { expect, test } from '@playwright/test';
import path from 'node:path';
import { ARTIFACTS } from './pages/GraphPage';
import { startEachOnPristineDemo } from './pages/pending';

startEachOnPristineDemo();

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

const clipboard = (page: import('@playwright/test').Page) => page.evaluate(() => navigator.clipboard.readText());

test('the tree copies as text', async ({ page }) => {
  await page.goto('/tree');
  await page.getByTestId('copy-tree').click();
  await expect(page.getByTestId('copy-tree')).toHaveText('Copied');
  expect(await clipboard(page)).toBe(await page.getByTestId('tree-text').textContent());
});

test('undo one of several pending changes; copy the export', async ({ page }) => {
  const { token } = await (await page.request.get('/api/v1/csrf')).json();
  for (const name of ['team-a', 'team-b']) {
    expect((await page.request.post('/api/v1/attach', { headers: { 'x-csrf-token': token }, data: { psp: 'eks.privileged', subject: { kind: 'Group', name } } })).status()).toBe(200);
  }
  await page.goto('/changes');
  const history = page.getByTestId('pending-history').locator('li');
  await expect(history).toHaveCount(2);
  await page.screenshot({ path: path.join(ARTIFACTS, 'changes-undo-before.png') });
  await page.getByRole('button', { name: /Undo change 1: attach PodSecurityPolicy eks.privileged to Group team-a/ }).click();
  await expect(history).toHaveCount(1);
  await expect(history.first()).toContainText('team-b');
  await expect(page.getByTestId('export-yaml')).not.toContainText('team-a');
  await page.getByTestId('copy-export').click();
  expect(await clipboard(page)).toContain('name: team-b');
  await page.screenshot({ path: path.join(ARTIFACTS, 'changes-undo-after.png') });
});

test('audit: the rule in words, kubectl with a copy button, the API request folded away', async ({ page }) => {
  await page.goto('/audit');
  const finding = page.getByTestId('finding').filter({ hasText: 'eks.privileged usable by system:authenticated' });
  await expect(finding.getByTestId('evidence-rule').first()).toHaveText('rule 1 allows use of PSP eks.privileged');
  await expect(finding.getByTestId('fix-request')).toBeHidden();
  await finding.getByTestId('copy-kubectl').click();
  expect(await clipboard(page)).toBe('kubectl delete clusterrolebinding eks:podsecuritypolicy:authenticated');
  await expect(page.locator('body')).not.toContainText('pod source');
  // Nor for screen readers or in tooltips: no RBAC spelling counted from 0, no raw object ids.
  await expect(finding).not.toContainText('rule 0');
  await expect(finding).not.toContainText('use on podsecuritypolicies');
  const titles = await finding.locator('[title]').evaluateAll((els) => els.map((el) => el.getAttribute('title') ?? ''));
  expect(titles.filter((t) => t.includes('//')), titles.join('\n')).toEqual([]);
  await finding.screenshot({ path: path.join(ARTIFACTS, 'audit-finding-plain.png') });
});

test('the details panel copies its YAML tab', async ({ page }) => {
  await page.goto(`/?node=${encodeURIComponent('PodSecurityPolicy//eks.privileged')}`);
  await expect(page.getByTestId('details-title')).toHaveText('eks.privileged');
  await page.getByTestId('details-panel').getByRole('button', { name: 'YAML', exact: true }).click();
  const yaml = page.getByTestId('details-yaml');
  await expect(yaml).toContainText('kind: PodSecurityPolicy');
  await page.getByTestId('copy-yaml').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('copy-yaml')).toHaveText('Copied');
  expect(await clipboard(page)).toBe(await yaml.textContent());
  await page.getByTestId('details-panel').screenshot({ path: path.join(ARTIFACTS, 'details-yaml-copy.png') });
});
