import { expect, test } from '@playwright/test';
import { GraphPage } from './pages/GraphPage';

test.describe('graph of the demo cluster', () => {
  test('shows the eks.privileged chain, with cluster-admin as a wildcard grant', async ({ page }) => {
    const graph = new GraphPage(page);
    await graph.open();
    await expect(page.getByTestId('demo-badge')).toBeVisible();
    await expect.poll(() => graph.names()).toEqual([
      'cluster-admin', 'cluster-admin', 'eks.privileged', 'eks:podsecuritypolicy:authenticated',
      'eks:podsecuritypolicy:privileged', 'system:authenticated', 'system:masters',
    ]);
    await expect(graph.node('eks.privileged')).toHaveAttribute('data-kind', 'PodSecurityPolicy');
    await expect(graph.node('eks.privileged')).toContainText('privileged');
    await expect(graph.node('system:authenticated')).toHaveAttribute('data-kind', 'Group');
    await expect(page.locator('.react-flow__edge')).toHaveCount(6);
    await expect(page.locator('.react-flow__edge-text', { hasText: 'wildcard' })).toHaveCount(1);
    await graph.shot('graph-demo');
  });

  test('clicking a node opens its details and YAML', async ({ page }) => {
    const graph = new GraphPage(page);
    await graph.open();
    await graph.node('eks.privileged').click();
    await expect(graph.details).toBeVisible();
    await expect(page.getByTestId('details-title')).toHaveText('eks.privileged');
    await expect(page.getByTestId('privileged-settings')).toContainText('privileged: true');
    await expect(page.getByTestId('privileged-settings')).toContainText('volumes: *');
    await graph.shot('graph-details-psp');
    await page.getByRole('button', { name: 'YAML' }).click();
    await expect(page.getByTestId('details-yaml')).toContainText('kind: PodSecurityPolicy');
    await expect(page.getByTestId('details-yaml')).toContainText('allowedCapabilities:');

    await graph.node('system:authenticated').click();
    await expect(page.getByTestId('details-title')).toHaveText('system:authenticated');
    await expect(page.getByTestId('subject-uses')).toContainText('eks.privileged');
    await expect(page.getByTestId('subject-uses')).toContainText('in every namespace');
    await expect(page).toHaveURL(/node=Group%2F%2Fsystem%3Aauthenticated/);
  });

  test('search narrows the graph to the chains through the matches', async ({ page }) => {
    const graph = new GraphPage(page);
    await graph.open();
    await graph.search.fill('masters');
    await expect.poll(() => graph.names()).toEqual(['cluster-admin', 'cluster-admin', 'eks.privileged', 'system:masters']);
    await expect(page).toHaveURL(/q=masters/);
    await graph.shot('graph-search');
    await graph.search.fill('no-such-object');
    await expect(page.getByTestId('graph-empty')).toBeVisible();
  });

  test('hiding wildcard grants and focusing on a node', async ({ page }) => {
    const graph = new GraphPage(page);
    await graph.open();
    await page.getByTestId('filter-wildcard').uncheck();
    await expect.poll(() => graph.names()).not.toContain('cluster-admin');
    await page.getByTestId('filter-wildcard').check();
    await expect.poll(() => graph.names()).toContain('cluster-admin');
    await graph.node('eks:podsecuritypolicy:authenticated').click();
    await page.getByTestId('focus-button').click();
    await expect.poll(() => graph.names()).toEqual([
      'eks.privileged', 'eks:podsecuritypolicy:authenticated', 'eks:podsecuritypolicy:privileged', 'system:authenticated',
    ]);
    await expect(page.getByTestId('focus-chip')).toBeVisible();
  });
});

test('the PSP table has the kubectl get psp columns, privileged settings highlighted', async ({ page }) => {
  await page.goto('/psps');
  const table = page.getByTestId('psp-table');
  await expect(table.locator('th')).toHaveText(['NAME', 'PRIV', 'CAPS', 'SELINUX', 'RUNASUSER', 'FSGROUP', 'SUPGROUP', 'READONLYROOTFS', 'VOLUMES', 'privileged settings']);
  const row = page.locator('[data-testid="psp-row"][data-name="eks.privileged"] td');
  expect((await row.allInnerTexts()).slice(0, 9)).toEqual(['eks.privileged', 'true', '*', 'RunAsAny', 'RunAsAny', 'RunAsAny', 'RunAsAny', 'false', '*']);
  await expect(row.nth(1)).toHaveClass(/text-red-700/);
  await page.screenshot({ path: 'e2e/artifacts/psp-table.png' });
});

test('the tree page prints psp-util format, and wildcard grants on request', async ({ page }) => {
  await page.goto('/tree');
  await expect(page.getByTestId('tree-text')).toHaveText(
    '📙 PSP eks.privileged\n└── 📕 ClusterRole eks:podsecuritypolicy:privileged\n    └── 📘 ClusterRoleBinding eks:podsecuritypolicy:authenticated\n        └── 📗 Subject{Kind: Group, Name: system:authenticated, Namespace: }\n',
  );
  await page.getByTestId('tree-toggle-all').click();
  await expect(page.getByTestId('tree-text')).toContainText('📕 ClusterRole cluster-admin (wildcard)');
  await page.screenshot({ path: 'e2e/artifacts/tree.png' });
});
