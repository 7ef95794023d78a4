/**
 * The /psps page (issue 11 #9): a long VOLUMES list wraps in its column (full text in its title)
 * instead of pushing the privileged settings off-screen; PSP names link to their graph; the
 * edit/delete controls have names and act only on an explicit button. Read-only mode (#9): the
 * graph page fits the window (the read-only notice is in the header's line, not a banner below it).
 */
import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { ARTIFACTS } from './pages/GraphPage';
import { startEachOnPristineDemo } from './pages/pending';
import { serve } from './pages/serve';

startEachOnPristineDemo();

const LONG_VOLUMES = ['configMap', 'emptyDir', 'projected', 'secret', 'downwardAPI', 'persistentVolumeClaim', 'csi', 'ephemeral', 'nfs', 'iscsi', 'cephFS', 'glusterfs', 'azureFile', 'azureDisk', 'gcePersistentDisk', 'awsElasticBlockStore', 'flexVolume', 'portworxVolume'];

/** Creates, in the demo's memory, a PSP with many volume kinds. */
async function createLongPsp(page: Page) {
  const { token } = await (await page.request.get('/api/v1/csrf')).json();
  const manifest = { metadata: { name: 'many-volumes' }, spec: { seLinux: { rule: 'RunAsAny' }, runAsUser: { rule: 'MustRunAsNonRoot' }, supplementalGroups: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' }, volumes: LONG_VOLUMES } };
  expect((await page.request.post('/api/v1/psps', { headers: { 'x-csrf-token': token }, data: { manifest } })).status()).toBe(200);
}

for (const width of [1024, 1920]) {
  test(`a long VOLUMES list wraps and the privileged settings stay on screen (${width} px)`, async ({ page }) => {
    await createLongPsp(page);
    await page.setViewportSize({ width, height: 800 });
    await page.goto('/psps');
    const row = page.locator('[data-testid="psp-row"][data-name="many-volumes"]');
    await expect(row).toBeVisible();
    await expect(row.getByTestId('psp-volumes')).toHaveAttribute('title', LONG_VOLUMES.join(','));
    const table = await page.getByTestId('psp-table').boundingBox();
    expect(table!.x + table!.width, 'the table fits the window: nothing to scroll sideways to').toBeLessThanOrEqual(width);
    // The name stays on one line (it broke after its hyphen at 1024 px: "many-" / "volumes").
    const name = await row.getByTestId('psp-graph-link').evaluate((el) => el.getClientRects().length);
    expect(name, 'line boxes of the PSP name').toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, `psps-long-volumes-${width}.png`), fullPage: true });
  });
}

test('PSP names link to their graph; edit and delete act on the picked PSP only when their button is pressed', async ({ page }) => {
  await page.goto('/psps');
  const pick = page.getByLabel('or an existing PSP');
  await pick.selectOption('eks.privileged');
  await expect(page.getByTestId('change-dialog')).toHaveCount(0);
  await expect(page.getByTestId('psp-yaml')).toHaveCount(0);
  await page.getByRole('button', { name: 'Delete…' }).click();
  await expect(page.getByTestId('change-dialog')).toHaveAttribute('aria-label', 'Delete PodSecurityPolicy eks.privileged');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Edit…' }).click();
  await expect(page.getByTestId('psp-yaml')).toContainText('name: eks.privileged');
  await page.getByRole('link', { name: 'eks.privileged: show in the graph' }).click();
  await expect(page).toHaveURL(/focus=PodSecurityPolicy%2F%2Feks\.privileged/);
  await expect(page.getByTestId('details-title')).toHaveText('eks.privileged');
});

test('read-only: the graph page is no taller and no wider than the window', async ({ page }) => {
  const port = Number(process.env.E2E_READ_ONLY_PORT ?? 4530);
  const server = await serve(port, ['--demo', '--read-only']);
  try {
    for (const width of [1024, 1280, 1440, 1920]) {
      await page.setViewportSize({ width, height: 800 });
      await page.goto(`http://127.0.0.1:${port}/?view=graph`);
      await expect(page.getByTestId('read-only-banner')).toBeVisible();
      await expect(page.locator('.react-flow__node').first()).toBeVisible();
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      expect(height).toBeLessThanOrEqual(800);
      // The demo and read-only badges together fit the header's line (at 1440 px they overflowed by 26 px).
      const header = await page.getByTestId('source-header').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, page: document.documentElement.scrollWidth }));
      expect(header.page, `${width} px`).toBeLessThanOrEqual(width);
      expect(header.scroll, `${width} px`).toBeLessThanOrEqual(header.client);
      await page.screenshot({ path: path.join(ARTIFACTS, `read-only-graph-${width}.png`) });
    }
  } finally {
    server.kill();
  }
});
