/**
 * The migration plans on the demo, by clicks on the board (issue 10, guide step 3): namespace shop
 * (auditing and warning at restricted, every workload meets baseline) is labelled to enforce
 * baseline through "Label…": the change dialog previews the six labels, pinned to v1.24, with
 * lib/pss's prediction of the API server's warnings; applied, the row shows it enforcing. Then the
 * PSP bypass for shop and its undo; ci (privileged workloads) asks for an acknowledgement before
 * enforcing baseline, naming them. Step 2 from the Plans panel. On a real kube-apiserver v1.37.2
 * (started with a PodSecurityConfiguration the dashboard is given too): the label dialog shows the
 * API server's own dry-run warnings next to the prediction, equal; the cleanup of leftover PSP RBAC.
 * Screenshots to e2e/artifacts/.
 */
import { expect, test } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import { startCluster, type TestCluster } from '../testenv/cluster';
import { clusterAvailable, createObjects } from '../integration/support';
import type { RawObject } from '../lib/sources/to-model';
import { MigrationPage } from './pages/MigrationPage';
import { serve } from './pages/serve';
import { discardPending } from './pages/pending';
import { applyDialog } from './pages/change-dialog';

test.afterEach(async ({ page, baseURL }) => {
  if (new URL(page.url() || baseURL!).port === new URL(baseURL!).port) await discardPending(page);
});

test('label shop to enforce baseline through the board, see the prediction before applying, then let PSP step aside and undo it', async ({ page }) => {
  const board = new MigrationPage(page);
  await board.open();
  const shop = board.row('shop');
  await shop.getByTestId('plan-label-open').click();
  const panel = shop.getByTestId('plan-label-panel');
  await expect(panel).toBeVisible();
  // The board's recommendation is the default level; the version is pinned to the server's minor.
  await expect(panel.getByTestId('plan-level')).toHaveValue('baseline');
  await expect(panel.getByTestId('plan-version')).toHaveValue('v1.24');
  await panel.getByTestId('plan-phase-enforce').check();
  await board.shot('plans-label-form');
  await panel.getByTestId('plan-label-preview').click();

  const dialog = page.getByTestId('change-dialog');
  const preview = page.getByTestId('plan-preview');
  await expect(preview).toContainText('enforce Pod Security baseline:v1.24 in namespace shop (audit and warn too)');
  await expect(preview.getByTestId('plan-operation')).toHaveCount(1);
  const diff = preview.getByTestId('plan-operation');
  for (const line of ['+     pod-security.kubernetes.io/enforce: baseline', '+     pod-security.kubernetes.io/enforce-version: v1.24', '+     pod-security.kubernetes.io/audit: baseline', '+     pod-security.kubernetes.io/warn: baseline']) {
    await expect(diff).toContainText(line);
  }
  await expect(preview.getByTestId('server-warnings')).toBeVisible();
  await expect(preview.getByTestId('predicted-warnings')).toHaveText('None.');
  await expect(preview.getByTestId('dry-run-warnings')).toContainText('No API server behind this source');
  await expect(preview.getByTestId('plan-notes')).toContainText("Every workload's pod template in shop meets baseline:v1.24.");
  await page.screenshot({ path: 'e2e/artifacts/plans-label-preview.png' });
  await page.getByTestId('apply-change').click();
  await expect(page.getByTestId('change-result')).toContainText('update Namespace shop');
  await dialog.getByRole('button', { name: 'Close' }).first().click();
  await expect(dialog).toBeHidden();
  await expect(shop.getByTestId('plan-label-open')).toBeFocused();
  await expect(shop.getByTestId('plan-label-panel')).toBeHidden();
  await expect(shop).toContainText('enforce');
  await board.shot('plans-shop-enforced');
  const pending = await (await page.request.get('/api/v1/pending')).json();
  expect(pending.yaml).toContain('pod-security.kubernetes.io/enforce: baseline');

  // Then the bypass: eks.privileged bound to shop's service accounts, and its undo.
  await board.row('shop').getByTestId('plan-label-open').click();
  const again = board.row('shop').getByTestId('plan-label-panel');
  await expect(again.getByTestId('plan-bypass-psp')).toHaveValue('eks.privileged');
  await again.getByTestId('plan-bypass').click();
  await expect(page.getByTestId('plan-preview')).toContainText('let namespace shop bypass PSP');
  await expect(page.getByTestId('plan-preview')).toContainText('system:serviceaccounts:shop');
  await page.screenshot({ path: 'e2e/artifacts/plans-bypass-preview.png' });
  await applyDialog(page);
  await board.row('shop').getByTestId('plan-label-open').click();
  await board.row('shop').getByTestId('plan-bypass-undo').click();
  await expect(page.getByTestId('plan-preview')).toContainText('undo the PSP bypass of namespace shop');
  await expect(page.getByTestId('plan-operation')).toContainText('RoleBinding');
  await applyDialog(page);
});

test('enforcing a level some workloads fail asks first, naming them; Escape closes the form and focus returns to its button', async ({ page }) => {
  const board = new MigrationPage(page);
  await board.open();
  const open = board.row('ci').getByTestId('plan-label-open');
  await open.click();
  const panel = board.row('ci').getByTestId('plan-label-panel');
  await expect(panel.getByTestId('plan-level')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
  await expect(open).toBeFocused();

  await page.keyboard.press('Enter');
  await expect(panel).toBeVisible();
  await panel.getByTestId('plan-level').selectOption('baseline');
  await panel.getByTestId('plan-phase-enforce').check();
  await panel.getByTestId('plan-label-preview').click();
  const ack = page.getByTestId('acknowledge');
  await expect(ack).toContainText('Enforcing baseline:v1.24 in namespace ci would refuse the next pods of');
  await expect(ack).not.toContainText('"acknowledgeRisk"');
  await page.screenshot({ path: 'e2e/artifacts/plans-enforce-acknowledge.png' });
  await page.getByTestId('acknowledge-checkbox').check();
  await expect(page.getByTestId('plan-preview')).toContainText('will be refused');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('change-dialog')).toBeHidden();
});

test('step 2 from the Plans panel: a PSP that mutates pods gets its non-mutating 0- copy, granted where it is granted', async ({ page }) => {
  const { token } = await (await page.request.get('/api/v1/csrf')).json();
  const post = (path: string, data: unknown) => page.request.post(path, { data, headers: { 'x-csrf-token': token } });
  // The article's restricted PSP (it sets default seccomp and AppArmor profiles, and group IDs), granted to everyone.
  expect((await post('/api/v1/psps', { template: 'restricted', name: 'restricted' })).ok()).toBe(true);
  expect((await post('/api/v1/attach', { psp: 'restricted', subject: { kind: 'Group', name: 'system:authenticated' } })).ok()).toBe(true);
  const board = new MigrationPage(page);
  await board.open();
  const plans = page.getByTestId('migration-plans');
  await expect(plans.getByTestId('mutating-psps')).toContainText('restricted');
  await plans.getByTestId('plan-copy').click();
  const preview = page.getByTestId('plan-preview');
  await expect(preview).toContainText('create PodSecurityPolicy 0-restricted, a non-mutating copy of restricted, granted where restricted is');
  await expect(preview.getByTestId('plan-operation')).toHaveCount(3);
  await expect(preview.getByTestId('plan-notes')).toContainText('seccomp.security.alpha.kubernetes.io/defaultProfileName]: runtime/default → removed');
  await expect(preview.getByTestId('plan-notes')).toContainText('Granted cluster-wide to Group system:authenticated.');
  await page.screenshot({ path: 'e2e/artifacts/plans-copy-preview.png' });
  await applyDialog(page);
  await expect(plans).toContainText('0-restricted exists');
});

const LIVE_PORT = 4201;

test.describe.serial('on a real kube-apiserver v1.37.2', () => {
  test.skip(!clusterAvailable('current'), 'needs the current control plane');
  let cluster: TestCluster;
  let server: ChildProcess | undefined;
  const live = (path: string) => `http://127.0.0.1:${LIVE_PORT}${path}`;

  test.beforeAll(async () => {
    test.setTimeout(300_000);
    cluster = await startCluster({ version: 'current', podSecurity: { exemptions: { namespaces: ['exempt-ns'] } } });
    const rbac = 'rbac.authorization.k8s.io/v1';
    const objects: RawObject[] = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'apps' } },
      // Leftovers of PSP: psp-util's role and binding, a role with a use rule among others.
      { apiVersion: rbac, kind: 'ClusterRole', metadata: { name: 'psp-util.old', annotations: { 'psp-util.k8s.jlandowner.com/psp': 'old' } }, rules: [{ apiGroups: ['policy'], resources: ['podsecuritypolicies'], resourceNames: ['old'], verbs: ['use'] }] },
      { apiVersion: rbac, kind: 'ClusterRoleBinding', metadata: { name: 'psp-util.old' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'psp-util.old' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' }] },
      { apiVersion: rbac, kind: 'Role', metadata: { name: 'deployer', namespace: 'apps' }, rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'create'] }, { apiGroups: ['policy'], resources: ['podsecuritypolicies'], resourceNames: ['old'], verbs: ['use'] }] },
    ];
    await createObjects(cluster, objects);
    const pod = (name: string, sc: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.9', securityContext: sc }] } });
    for (const p of [pod('privileged-one', { privileged: true }), pod('privileged-two', { privileged: true }), pod('plain', {})]) {
      expect((await cluster.request('admin', 'POST', '/api/v1/namespaces/apps/pods', p)).status).toBe(201);
    }
    server = await serve(LIVE_PORT, ['--kubeconfig', cluster.kubeconfigPath, '--pod-security-config', cluster.admissionConfigPath!]);
  });

  test.afterAll(async () => {
    server?.kill();
    await cluster?.stop();
  });

  test('labelling apps: the API server\'s dry-run warnings next to the prediction, equal; then the leftover PSP rights removed', async ({ page }) => {
    await page.goto(live('/migration'));
    const board = new MigrationPage(page);
    const apps = board.row('apps');
    await apps.getByTestId('plan-label-open').click();
    const panel = apps.getByTestId('plan-label-panel');
    await expect(panel.getByTestId('plan-version')).toHaveValue('v1.37');
    await panel.getByTestId('plan-level').selectOption('baseline');
    await panel.getByTestId('plan-phase-enforce').check();
    await panel.getByTestId('plan-label-preview').click();
    // Two pods are privileged: enforcing asks first, then the preview runs on the API server.
    await expect(page.getByTestId('acknowledge')).toContainText('would refuse the next pods of 2 workloads');
    await page.getByTestId('acknowledge-checkbox').check();
    const preview = page.getByTestId('plan-preview');
    await expect(preview).toContainText('The API server accepted this plan in a dry run.');
    const expected = ['existing pods in namespace "apps" violate the new PodSecurity enforce level "baseline:v1.37"', 'privileged-one (and 1 other pod): privileged'];
    await expect(preview.getByTestId('dry-run-warnings').locator('li')).toHaveText(expected);
    await expect(preview.getByTestId('predicted-warnings').locator('li')).toHaveText(expected);
    await expect(preview.getByTestId('warnings-agree')).toHaveText('The prediction and the API server agree.');
    await page.screenshot({ path: 'e2e/artifacts/plans-live-label-warnings.png' });
    await page.getByTestId('apply-change').click();
    await expect(page.getByTestId('change-result')).toContainText('update Namespace apps');
    await page.getByTestId('change-dialog').getByRole('button', { name: 'Close' }).first().click();
    const labels = (await cluster.request('admin', 'GET', '/api/v1/namespaces/apps')).body.metadata.labels;
    expect(labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.37', 'pod-security.kubernetes.io/warn-version': 'v1.37' });

    // No PSP API here: the Plans panel offers the cleanup of what still grants PSP use.
    const plans = page.getByTestId('migration-plans');
    await plans.getByTestId('plan-cleanup').click();
    await expect(page.getByTestId('plan-preview')).toContainText('remove leftover PSP rights: 1 role trimmed, 1 deleted, 1 binding deleted');
    await expect(page.getByTestId('plan-operation')).toHaveCount(3);
    await page.screenshot({ path: 'e2e/artifacts/plans-live-cleanup.png' });
    await page.getByTestId('apply-change').click();
    await expect(page.getByTestId('change-result')).toBeVisible();
    await page.getByTestId('change-dialog').getByRole('button', { name: 'Close' }).first().click();
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId('cleanup-none')).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    const role = (await cluster.request('admin', 'GET', '/apis/rbac.authorization.k8s.io/v1/namespaces/apps/roles/deployer')).body;
    expect(role.rules).toEqual([{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'create'] }]);
    expect((await cluster.request('admin', 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles/psp-util.old')).status).toBe(404);
  });
});
