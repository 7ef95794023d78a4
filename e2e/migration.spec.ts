/**
 * The migration board on the demo cluster (EKS mid-migration: kube-public enforces restricted, shop
 * audits and warns at restricted, analytics enforces baseline). Screenshots at 1024 and 1920 px go
 * to e2e/artifacts/.
 */
import { expect, test } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateLargeCluster, generateLargeClusterWorkloads, LARGE_CLUSTER } from '../lib/testing/large-cluster';
import { startCluster, type TestCluster } from '../testenv/cluster';
import { clusterAvailable, createObjects, demoObjects } from '../integration/support';
import { MigrationPage } from './pages/MigrationPage';
import { serve } from './pages/serve';

test.describe('the migration board on the demo', () => {
  test('one row per namespace with its labels, PSPs and recommendation; the cluster line and the checklist', async ({ page }) => {
    const board = new MigrationPage(page);
    await page.goto('/');
    await page.getByTestId('nav-migration').click();
    await expect(page).toHaveTitle('Migration · PSP Dashboard');
    await expect(board.rows).toHaveCount(7);
    expect(await board.namespaces()).toEqual(['analytics', 'ci', 'default', 'kube-node-lease', 'kube-public', 'kube-system', 'shop']);
    await expect(page.getByTestId('cluster-line')).toContainText('latest means v1.24 now and v1.25 after the next upgrade');
    await expect(board.row('ci')).toHaveAttribute('data-recommended', 'privileged');
    await expect(board.row('shop')).toHaveAttribute('data-recommended', 'baseline');
    await expect(board.row('kube-public')).toContainText('restricted:v1.24');
    await expect(board.row('shop')).toContainText('eks.privileged');
    // shop audits and warns at restricted: its 3 workloads fail that today.
    await expect(board.row('shop').getByTestId('flagged-warn')).toHaveText('3 fail');
    await expect(board.checklist.getByTestId('checklist-item')).toHaveCount(4);
    await expect(board.checklist.locator('[data-id="psp-admission-off"]')).toHaveAttribute('data-done', 'false');
    await expect(board.checklist.locator('[data-id="no-mutating-psp"]')).toHaveAttribute('data-done', 'true');
  });

  test('sorted by refused workloads, filtered, and a row\'s details with PSA\'s reasons, by keyboard', async ({ page }) => {
    const board = new MigrationPage(page);
    await board.open();
    await page.getByTestId('sort-restricted').click();
    expect((await board.namespaces())[0]).toBe('kube-system');
    await expect(page.getByTestId('sort-restricted').locator('xpath=..')).toHaveAttribute('aria-sort', 'descending');
    await page.getByTestId('board-filter').fill('sho');
    await expect(board.rows).toHaveCount(1);
    // Keyboard only: Tab from the filter reaches the pager, then the row's Details button; Enter opens it.
    const details = board.row('shop').getByTestId('row-details');
    await details.focus();
    await page.keyboard.press('Enter');
    await expect(details).toHaveAttribute('aria-expanded', 'true');
    const open = board.details('shop');
    await expect(open.getByTestId('refused-workload')).toHaveCount(3);
    await expect(open.getByTestId('refused-restricted').locator('[data-workload="Deployment/cart"]')).toContainText(
      'seccompProfile (pod or container "cart" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
    await expect(open.getByTestId('refused-baseline')).toContainText('every workload is admitted');
    await expect(open.getByTestId('relabelers')).toContainText('system:masters');
    await page.keyboard.press('Enter');
    await expect(details).toHaveAttribute('aria-expanded', 'false');
  });

  for (const width of [1024, 1920]) {
    test(`readable at ${width} px: no sideways scrolling, details open`, async ({ page }) => {
      await page.setViewportSize({ width, height: 900 });
      const board = new MigrationPage(page);
      await board.open();
      await board.row('kube-system').getByTestId('row-details').click();
      await expect(board.details('kube-system').getByTestId('refused-workload').first()).toBeVisible();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await board.shot(`migration-${width}`);
    });
  }

  test('a manifest checked against a level before it is applied, by keyboard, with PSA\'s check IDs', async ({ page }) => {
    await page.setViewportSize({ width: 1024, height: 900 });
    const board = new MigrationPage(page);
    await board.open();
    const check = page.getByTestId('manifest-check');
    await check.locator('summary').focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('manifest-check-text')).toBeVisible();
    // The sample Deployment (nginx, no securityContext) at restricted:latest fails four checks.
    await page.getByTestId('manifest-check-run').focus();
    await page.keyboard.press('Enter');
    const result = page.getByTestId('manifest-check-result');
    await expect(result).toHaveAttribute('data-allowed', 'false');
    await expect(result).toContainText('Refused at restricted:latest');
    expect(await result.getByTestId('manifest-check-failure').evaluateAll((els) => els.map((e) => e.getAttribute('data-id'))))
      .toEqual(['allowPrivilegeEscalation', 'capabilities_restricted', 'runAsNonRoot', 'seccompProfile_restricted']);
    await board.shot('migration-manifest-check-1024', false);
    // The same at baseline is admitted.
    await page.getByTestId('manifest-check-level').selectOption('baseline');
    await page.getByTestId('manifest-check-run').click();
    await expect(result).toHaveAttribute('data-allowed', 'true');
    await expect(result).toContainText('Allowed at baseline:latest');
    // A namespace's own enforce label: analytics enforces baseline, so a privileged container is refused there.
    await page.getByTestId('manifest-check-text').fill('{"kind":"Pod","spec":{"containers":[{"name":"x","image":"x","securityContext":{"privileged":true}}]}}');
    await page.getByTestId('manifest-check-namespace').selectOption('analytics');
    await page.getByTestId('manifest-check-level').selectOption('namespace');
    await expect(page.getByTestId('manifest-check-version')).toHaveCount(0);
    await page.getByTestId('manifest-check-run').click();
    await expect(result).toHaveAttribute('data-allowed', 'false');
    await expect(result).toContainText('Refused at baseline:');
    await expect(result.getByTestId('manifest-check-failure')).toHaveText(['privileged privileged (container "x" must not set securityContext.privileged=true)']);
    // Not a manifest: the route's 400 is shown, and no result.
    await page.getByTestId('manifest-check-text').fill('kind: Service\nmetadata: {name: x}');
    await page.getByTestId('manifest-check-run').click();
    await expect(check.getByTestId('error-notice')).toHaveAttribute('data-code', 'invalid');
    await expect(check.getByTestId('error-notice')).toContainText('carries no pod template');
    await expect(result).toHaveCount(0);
  });

  test('exports: the board as Markdown and CSV', async ({ page }) => {
    const board = new MigrationPage(page);
    await board.open();
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    expect(csv.suggestedFilename()).toBe('pod-security-board.csv');
    const text = readFileSync((await csv.path())!, 'utf8');
    expect(text.split('\r\n')).toHaveLength(9);
    const [md] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-markdown').click()]);
    expect(md.suggestedFilename()).toBe('pod-security-board.md');
    expect(readFileSync((await md.path())!, 'utf8')).toContain('# Pod Security migration board');
  });
});

test.describe.serial('a cluster without the PSP API (kube-apiserver v1.37) lands on the board', () => {
  test.skip(!clusterAvailable('current'), 'needs the current control plane');
  const PORT = 4101;
  let cluster: TestCluster;
  let server: ChildProcess;

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    cluster = await startCluster({ version: 'current' });
    // The demo's namespaces, RBAC and workloads re-created there (no PSP kind on v1.25+).
    await createObjects(cluster, demoObjects().filter((o) => o.kind !== 'PodSecurityPolicy'));
    server = await serve(PORT, ['--kubeconfig', cluster.kubeconfigPath, '--context', 'admin']);
  });

  test.afterAll(async () => {
    server?.kill();
    await cluster?.stop();
  });

  test('/ opens the board: the server version, the same recommendations, the PSP plugin step done', async ({ page }) => {
    const board = new MigrationPage(page);
    await page.goto(`http://127.0.0.1:${PORT}/`);
    await expect(page).toHaveURL(/\/migration$/);
    await expect(board.row('shop')).toBeVisible();
    expect(await board.namespaces()).toEqual(expect.arrayContaining(['analytics', 'ci', 'default', 'kube-node-lease', 'kube-public', 'kube-system', 'shop']));
    await expect(page.getByTestId('cluster-line')).toContainText(`API server ${cluster.serverVersion}, no PodSecurityPolicy API`);
    await expect(page.getByTestId('cluster-line')).toContainText('latest means v1.37 now');
    await expect(board.row('ci')).toHaveAttribute('data-recommended', 'privileged');
    await expect(board.row('shop')).toHaveAttribute('data-recommended', 'baseline');
    await expect(board.row('shop')).not.toContainText('eks.privileged');
    await expect(board.checklist.locator('[data-id="psp-admission-off"]')).toHaveAttribute('data-done', 'true');
    // The graph stays one click away.
    await expect(page.getByTestId('nav-graph')).toHaveAttribute('href', '/?view=graph');
    await board.shot('migration-v1.37');
  });
});

test.describe.serial('the board on 5,000 namespaces (a snapshot of the large cluster, spread wider)', () => {
  const PORT = 4102;
  let server: ChildProcess;

  test.beforeAll(async () => {
    test.setTimeout(240_000);
    const size = { ...LARGE_CLUSTER, namespaces: 5000 };
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'pspd-board-')), 'wide.json');
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [...generateLargeCluster(size), ...generateLargeClusterWorkloads(size)] }));
    server = await serve(PORT, ['--snapshot', file]);
  });

  test.afterAll(() => {
    server?.kill();
  });

  test('a page of 50 rows at a time, paged, sorted and filtered in the browser', async ({ page }) => {
    test.setTimeout(120_000);
    const board = new MigrationPage(page);
    const t0 = Date.now();
    await page.goto(`http://127.0.0.1:${PORT}/migration`);
    await expect(board.rows).toHaveCount(50);
    const cold = Date.now() - t0;
    const t1 = Date.now();
    await page.reload();
    await expect(board.rows).toHaveCount(50);
    console.log(`[migration] 5,000 namespaces: first page shown ${cold} ms after the first request (admission simulation and board computed), ${Date.now() - t1} ms on a reload (board kept per model)`);
    await expect(page.getByTestId('board-page').first()).toHaveText('Page 1 of 100');
    const first = (await board.namespaces())[0];
    await page.getByRole('button', { name: 'Next' }).first().click();
    await expect(page.getByTestId('board-page').first()).toHaveText('Page 2 of 100');
    expect((await board.namespaces())[0]).not.toBe(first);
    await page.getByTestId('sort-restricted').click();
    await expect(page.getByTestId('board-page').first()).toHaveText('Page 1 of 100');
    await page.getByTestId('board-filter').fill('ns-4999');
    await expect(board.rows).toHaveCount(1);
    await board.row('ns-4999').getByTestId('row-details').click();
    await expect(board.details('ns-4999').getByTestId('refused-restricted')).toBeVisible();
    await board.shot('migration-5000');
  });
});
