/**
 * ReplicationControllers in the browser: a snapshot of the demo cluster plus an RC in shop (a host
 * network template, with one running pod it owns). The namespaces view lists the RC with the PSP its
 * pods get (not its pod as a bare one), "why?" simulates it as replication-controller, the board
 * refuses it at baseline with PSA's reason, and the attach form offers it among the workloads whose
 * service accounts get a PSP. Screenshots at 1024 px go to e2e/artifacts/.
 */
import { expect, test } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_PATH } from '../lib/testing/demo';
import { ARTIFACTS } from './pages/GraphPage';
import { MigrationPage } from './pages/MigrationPage';
import { serve } from './pages/serve';

const PORT = 3952;
const RC = `---
apiVersion: v1
kind: ReplicationController
metadata: {name: legacy, namespace: shop}
spec:
  replicas: 1
  selector: {app: legacy}
  template:
    metadata: {labels: {app: legacy}}
    spec:
      hostNetwork: true
      containers: [{name: app, image: nginx}]
---
apiVersion: v1
kind: Pod
metadata:
  name: legacy-x7k2p
  namespace: shop
  annotations: {kubernetes.io/psp: eks.privileged}
  ownerReferences: [{apiVersion: v1, kind: ReplicationController, name: legacy, uid: 6c0ffee0-0000-4000-8000-000000000001, controller: true}]
spec:
  hostNetwork: true
  containers: [{name: app, image: nginx}]
`;

test.describe.serial('ReplicationControllers in a snapshot', () => {
  let server: ChildProcess;
  const at = (p: string) => `http://127.0.0.1:${PORT}${p}`;

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'pspd-rc-')), 'cluster.yaml');
    writeFileSync(file, `${readFileSync(DEMO_PATH, 'utf8')}\n${RC}`);
    server = await serve(PORT, ['--snapshot', file], { timeoutMs: 170_000 });
  });

  test.afterAll(() => {
    server?.kill();
  });

  test('the namespaces view lists the RC with the PSP its pods get, its pod as its own; "why?" simulates it as replication-controller', async ({ page }) => {
    await page.setViewportSize({ width: 1024, height: 800 });
    await page.goto(at('/namespaces?namespace=shop'));
    const shop = page.locator('[data-testid="namespace-outcomes"][data-namespace="shop"]');
    await expect(shop.getByTestId('workload-outcome')).toHaveCount(4);
    await expect(shop.locator('[data-name="legacy"]')).toContainText('ReplicationController');
    await expect(shop.locator('[data-name="legacy"]')).toHaveAttribute('data-psp', 'eks.privileged');
    await expect(shop.locator('[data-name="legacy-x7k2p"]')).toHaveCount(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'rc-namespaces.png'), fullPage: true });
    await shop.locator('[data-name="legacy"]').getByRole('link', { name: 'why?' }).click();
    await expect(page).toHaveURL(/\/simulate\?workload=ReplicationController%2Fshop%2Flegacy/);
    await expect(page.getByTestId('simulate-psp')).toHaveText('eks.privileged');
    await expect(page.getByTestId('simulate-result')).toContainText('system:serviceaccount:kube-system:replication-controller');
    await page.screenshot({ path: path.join(ARTIFACTS, 'rc-simulate.png'), fullPage: true });
  });

  test('the board refuses it at baseline with PSA\'s reason', async ({ page }) => {
    await page.setViewportSize({ width: 1024, height: 800 });
    const board = new MigrationPage(page);
    await page.goto(at('/migration'));
    await board.row('shop').getByTestId('row-details').click();
    const refused = board.details('shop').getByTestId('refused-baseline').locator('[data-workload="ReplicationController/legacy"]');
    await expect(refused).toContainText('host namespaces (hostNetwork=true)');
    await refused.scrollIntoViewIfNeeded();
    await board.shot('rc-board', false);
  });

  test('the attach form offers the RC among the workloads whose service accounts get the PSP', async ({ page }) => {
    await page.setViewportSize({ width: 1024, height: 800 });
    await page.goto(at(`/?node=${encodeURIComponent('PodSecurityPolicy//eks.privileged')}`));
    await page.getByTestId('action-attach').click();
    await page.getByTestId('attach-kind').selectOption('Workloads');
    await page.getByTestId('attach-sa-namespace').selectOption('shop');
    const item = page.getByTestId('attach-workloads').getByText('ReplicationController legacy');
    await expect(item).toBeVisible();
    await expect(item.getByRole('checkbox')).toBeChecked();
    await page.screenshot({ path: path.join(ARTIFACTS, 'rc-attach-form.png') });
    await page.getByTestId('attach-submit').click();
    await expect(page.getByTestId('change-dialog')).toHaveAttribute('aria-label', /^Attach eks\.privileged to the service accounts of \d+ workload\(s\) in shop$/);
    await expect(page.getByTestId('plan-preview')).toBeVisible();
  });
});
