/**
 * The migration plans on the demo, by clicks on the board (issue 10, guide step 3): namespace shop
 * (auditing and warning at restricted, every workload meets baseline) is labelled to enforce
 * baseline through "Label…": the change dialog previews the six labels, pinned to v1.24, with
 * lib/pss's prediction of the API server's warnings; applied, the row shows it enforcing. Then the
 * PSP bypass for shop and its undo; ci (privileged workloads) asks for an acknowledgement before
 * enforcing baseline, naming them. Screenshots to e2e/artifacts/.
 */
import { expect, test } from '@playwright/test';
import { MigrationPage } from './pages/MigrationPage';
import { discardPending } from './pages/pending';
import { applyDialog } from './pages/change-dialog';

test.afterEach(async ({ page }) => {
  await discardPending(page);
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
