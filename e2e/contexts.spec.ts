/**
 * Switching kubeconfig context from the header (issue 11 #17): a dashboard started on context "old"
 * (kube-apiserver v1.24, PSP API) of a kubeconfig that also names "current" (v1.37, no PSP API).
 * By keyboard only, the picker switches to "current" and back; the graph and the PSP list then show
 * that cluster; two tabs show two contexts. Screenshots of the header at 1024 and 1920 px go to
 * e2e/artifacts/.
 */
import { expect, test, type Page } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { startCluster, type TestCluster } from '../testenv/cluster';
import { clusterAvailable, createObjects, kubeconfigOfClusters } from '../integration/support';
import type { RawObject } from '../lib/sources/to-model';
import { ARTIFACTS } from './pages/GraphPage';
import { serve } from './pages/serve';

const PORT = 3962;
const BASE = `http://127.0.0.1:${PORT}`;

const grantOf = (psp: string, group: string): RawObject[] => [
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: `psp-util.${psp}` },
    rules: [{ apiGroups: ['policy'], resources: ['podsecuritypolicies'], resourceNames: [psp], verbs: ['use'] }] },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: `psp-util.${psp}` },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `psp-util.${psp}` },
    subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: group }] },
];

const OLD_ONLY: RawObject = {
  apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: { name: 'old-only' },
  spec: { seLinux: { rule: 'RunAsAny' }, runAsUser: { rule: 'MustRunAsNonRoot' }, supplementalGroups: { rule: 'RunAsAny' }, fsGroup: { rule: 'RunAsAny' }, volumes: ['configMap', 'secret'] },
};

const picker = (page: Page) => page.getByRole('combobox', { name: 'Kubeconfig context' });

/** By keyboard: the picker, the next context with an arrow key, then Enter on the picker itself or Tab to Switch and Enter. */
async function switchByKeyboard(page: Page, key: 'ArrowDown' | 'ArrowUp', confirm: 'enter-on-picker' | 'switch-button') {
  await picker(page).focus();
  await page.keyboard.press(key);
  if (confirm === 'switch-button') {
    await page.keyboard.press('Tab');
    await expect(page.getByTestId('context-switch')).toBeFocused();
  }
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
}

test.describe.serial('the header\'s context picker on two real clusters', () => {
  test.skip(!clusterAvailable('1.24') || !clusterAvailable('current'), 'needs both control planes');
  let old: TestCluster;
  let current: TestCluster;
  let server: ChildProcess;

  test.beforeAll(async () => {
    test.setTimeout(300_000);
    [old, current] = await Promise.all([startCluster({ version: '1.24' }), startCluster({ version: 'current' })]);
    await Promise.all([
      createObjects(old, [OLD_ONLY, ...grantOf('old-only', 'team-old')]),
      // What psp-util left on the upgraded cluster: a grant of a PSP that can no longer exist.
      createObjects(current, grantOf('current-leftover', 'team-current')),
    ]);
    server = await serve(PORT, ['--kubeconfig', kubeconfigOfClusters({ old, current }, 'current'), '--context', 'old'], { timeoutMs: 600_000 });
  });

  test.afterAll(async () => {
    server?.kill();
    await Promise.all([old?.stop(), current?.stop()]);
  });

  test('switch by keyboard: the graph and the PSP list show the other cluster, then the first again', async ({ page }) => {
    await page.goto(`${BASE}/?view=graph`);
    await expect(picker(page)).toHaveValue('old');
    await expect(page.getByTestId('context-state')).toHaveAttribute('data-state', 'live');
    await expect(page.locator('[data-testid="graph-node"][data-name="old-only"]').first()).toBeVisible();

    await switchByKeyboard(page, 'ArrowDown', 'switch-button');
    // The v1.37 cluster has no PSP API: "/" lands on its migration board.
    await expect(page).toHaveURL(/\/migration$/);
    await expect(picker(page)).toHaveValue('current');
    await expect(page.getByTestId('cluster-line')).toContainText(current.serverVersion);

    await page.goto(`${BASE}/?view=graph`);
    await expect(page.locator('[data-testid="graph-node"][data-name="current-leftover"]').first()).toBeVisible();
    await expect(page.locator('[data-testid="graph-node"][data-name="old-only"]')).toHaveCount(0);
    await expect(page.getByTestId('context-state')).toHaveAttribute('data-state', 'live');
    await page.goto(`${BASE}/psps`);
    await expect(page.locator('main')).not.toContainText('old-only');

    await switchByKeyboard(page, 'ArrowUp', 'enter-on-picker');
    await expect(page).toHaveURL(/\/psps$/);
    await expect(picker(page)).toHaveValue('old');
    await expect(page.locator('main')).toContainText('old-only');
  });

  test('two tabs show two contexts: the tab in use decides what its next page reads', async ({ context }) => {
    const [a, b] = [await context.newPage(), await context.newPage()];
    await a.goto(`${BASE}/psps`);
    await expect(picker(a)).toHaveValue('old');
    await b.goto(`${BASE}/psps`);
    await switchByKeyboard(b, 'ArrowDown', 'switch-button');
    await expect(picker(b)).toHaveValue('current');
    await expect(b.locator('main')).not.toContainText('old-only');

    // Back to the first tab: its context becomes the browser's again (headless Chromium sends no
    // focus event; the click does it), and its next page reads it.
    await a.bringToFront();
    await a.getByRole('link', { name: 'Tree' }).click();
    expect(await a.evaluate(() => document.cookie)).toContain('=old');
    await expect(a).toHaveURL(/\/tree$/);
    await expect(a.locator('main')).toContainText('old-only');
    await expect(picker(a)).toHaveValue('old');

    await b.bringToFront();
    await b.getByRole('link', { name: 'Tree' }).click();
    expect(await b.evaluate(() => document.cookie)).toContain('=current');
    await expect(b).toHaveURL(/\/tree$/);
    // v1.37 has no PSP API: its tree has no PodSecurityPolicy at all.
    await expect(b.locator('main')).toContainText('(no PodSecurityPolicy)');
    await expect(b.locator('main')).not.toContainText('old-only');
  });

  for (const width of [1024, 1920]) {
    test(`the header at ${width} px: the picker, its state, nothing overflowing`, async ({ page }) => {
      await page.setViewportSize({ width, height: 800 });
      await page.goto(`${BASE}/?view=graph`);
      await expect(picker(page)).toBeVisible();
      await picker(page).focus();
      await page.keyboard.press('ArrowDown');
      await expect(page.getByTestId('context-switch')).toBeVisible();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(ARTIFACTS, `contexts-header-${width}.png`), clip: { x: 0, y: 0, width, height: 220 } });
    });
  }
});
