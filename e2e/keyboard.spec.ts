/**
 * The dashboard from the keyboard (issue 11, #3, #10, #12): the change dialog takes focus, keeps Tab
 * inside, closes on Escape and gives focus back; the graph's nodes are reached by Tab from the
 * toolbar (edges are not tab stops) and open the side panel with Enter or Space; the dialog's texts
 * speak the person's language, not the API's field names; tooltips and the focus chip name objects
 * as "kind name", not by raw ids.
 */
import { expect, test, type Page } from '@playwright/test';
import { discardPending } from './pages/pending';

test.afterEach(async ({ page }) => {
  await discardPending(page);
});

const FOREIGN_BINDING = 'ClusterRoleBinding//eks:podsecuritypolicy:authenticated';

const focusInDialog = (page: Page) => page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'));
const focusedNode = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el?.classList.contains('react-flow__node') ? el.getAttribute('data-id') : null;
  });

test('the change dialog takes focus, keeps Tab inside, closes on Escape and gives focus back', async ({ page }) => {
  await page.goto(`/?node=${encodeURIComponent(FOREIGN_BINDING)}`);
  const opener = page.getByTestId('action-delete-binding');
  await opener.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('change-dialog');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('acknowledge')).toBeVisible();
  await expect.poll(() => focusInDialog(page)).toBe(true);

  // Tab and Shift+Tab cycle inside the dialog.
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Tab');
    expect(await focusInDialog(page), `after Tab ${i + 1}`).toBe(true);
  }
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Shift+Tab');
    expect(await focusInDialog(page), `after Shift+Tab ${i + 1}`).toBe(true);
  }

  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();
  // Escape closed the dialog only, not the side panel behind it.
  await expect(page.getByTestId('details-panel')).toBeVisible();
});

/** Delete the foreign binding from its side panel by keyboard only: open, acknowledge, Apply. */
async function deleteForeignBindingByKeyboard(page: Page) {
  await page.goto(`/?node=${encodeURIComponent(FOREIGN_BINDING)}`);
  await page.getByTestId('action-delete-binding').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('acknowledge-checkbox')).toBeVisible();
  await page.getByTestId('acknowledge-checkbox').focus();
  await page.keyboard.press('Space');
  const apply = page.getByTestId('apply-change');
  await expect(apply).toBeEnabled();
  await apply.focus();
  await page.keyboard.press('Enter');
}

test('after Apply the dialog keeps focus (on Close): Escape still closes it', async ({ page }) => {
  await deleteForeignBindingByKeyboard(page);
  await expect(page.getByTestId('change-result')).toBeVisible();
  // The Apply button is gone; focus did not fall to the page behind the dialog.
  await expect(page.getByTestId('change-dialog').getByRole('button', { name: 'Close', exact: true }).last()).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('change-dialog')).toBeHidden();
  await expect(page.getByTestId('details-gone')).toBeVisible();
});

test('an Apply that fails leaves focus in the dialog: Escape still closes it', async ({ page }) => {
  // The write (not its dry run) is refused, as a cluster that changed meanwhile would.
  await page.route('**/api/v1/bindings/**', (route) => {
    const req = route.request();
    if (req.method() === 'DELETE' && !req.url().includes('dryRun=true')) {
      return route.fulfill({ status: 409, contentType: 'application/json', body: JSON.stringify({ error: { code: 'conflict', message: 'The binding changed meanwhile.' } }) });
    }
    return route.fallback();
  });
  await deleteForeignBindingByKeyboard(page);
  await expect(page.getByTestId('change-dialog')).toContainText('The binding changed meanwhile.');
  await expect.poll(() => focusInDialog(page)).toBe(true);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('change-dialog')).toBeHidden();
});

test('confirmations speak the person’s language: no request field names, and a delete says delete', async ({ page }) => {
  await page.goto(`/?node=${encodeURIComponent(FOREIGN_BINDING)}`);
  await page.getByTestId('action-delete-binding').click();
  const ack = page.getByTestId('acknowledge');
  await expect(ack).toContainText('not managed by psp-util or this dashboard');
  await expect(ack).not.toContainText('"confirm"');
  await expect(ack).not.toContainText(/"\w+": true/);
  await expect(ack.locator('label')).toContainText('Delete this binding');
  await expect(ack.locator('label')).not.toContainText(/\bchange\b/i);
  await page.getByRole('button', { name: 'Cancel' }).click();

  // The guardrail's 409.
  await page.goto(`/?node=${encodeURIComponent('PodSecurityPolicy//eks.privileged')}`);
  await page.getByTestId('action-attach').click();
  await page.getByTestId('attach-kind').selectOption('Group');
  await page.getByTestId('attach-name').fill('system:authenticated');
  await page.getByTestId('attach-submit').click();
  await expect(ack).toBeVisible();
  await expect(ack).toContainText('reaches every authenticated user');
  await expect(ack).not.toContainText('acknowledgeRisk');
  await expect(ack).not.toContainText(/"\w+": true/);
});

test('the graph from the keyboard: Tab from the search box reaches a node, Enter and Space open its details, the panel’s actions come next', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('graph-node').first()).toBeVisible();
  await expect(page.locator('.react-flow__edge').first()).toBeAttached();
  // Edges are not tab stops.
  expect(await page.locator('.react-flow__edge[tabindex]').count()).toBe(0);

  await page.getByTestId('graph-search').focus();
  let presses = 0;
  let id: string | null = null;
  while (presses < 10 && !id) {
    await page.keyboard.press('Tab');
    presses++;
    id = await focusedNode(page);
  }
  expect(id, 'a node is reached within 10 Tab presses from the search box').not.toBeNull();

  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`node=${encodeURIComponent(id!).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  const panel = page.getByTestId('details-panel');
  await expect(panel).toBeVisible();
  const name = id!.split('/').pop()!;
  await expect(page.getByTestId('details-title')).toContainText(name);

  // The panel's controls are next: a few Tab presses, not a walk through the whole graph.
  let inPanel = false;
  for (let i = 0; i < 4 && !inPanel; i++) {
    inPanel = await page.evaluate(() => !!document.activeElement?.closest('[data-testid="details-panel"]'));
    if (!inPanel) await page.keyboard.press('Tab');
  }
  expect(inPanel, 'focus reaches the details panel').toBe(true);
  await expect(page.getByTestId('details-body')).toBeVisible();
  let reachedFocusButton = false;
  for (let i = 0; i < 8 && !reachedFocusButton; i++) {
    await page.keyboard.press('Tab');
    reachedFocusButton = await page.getByTestId('focus-button').evaluate((el) => el === document.activeElement);
  }
  expect(reachedFocusButton, 'the panel’s actions are reached by Tab').toBe(true);

  // The whole graph is one tab stop (roving focus); the arrow keys reach the other nodes, and Space works as Enter does.
  expect(await page.locator('.react-flow__node[tabindex="0"]').count()).toBe(1);
  await page.locator('.react-flow__node[tabindex="0"]').focus();
  await page.keyboard.press('ArrowRight');
  // Focus moves once React Flow has drawn the next node as the tab stop.
  await expect.poll(async () => {
    const now = await focusedNode(page);
    return now !== null && now !== id;
  }).toBe(true);
  const otherId = await focusedNode(page);
  await page.keyboard.press(' ');
  await expect(page.getByTestId('details-title')).toContainText(otherId!.split('/').pop()!);
});

test('tooltips and the focus chip say "kind name", not raw ids', async ({ page }) => {
  await page.goto(`/?focus=${encodeURIComponent('PodSecurityPolicy//eks.privileged')}`);
  const chip = page.getByTestId('focus-chip');
  await expect(chip).toContainText('eks.privileged');
  await expect(chip).not.toContainText('//');
  await expect(chip).toContainText(/PSP|PodSecurityPolicy/);
  const node = page.getByTestId('graph-node').first();
  await expect(node).toBeVisible();
  const titles = await page.getByTestId('graph-node').evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));
  expect(titles.length).toBeGreaterThan(0);
  for (const t of titles) expect(t).not.toContain('//');
});

test('the graph has a legend for its node colours and badges', async ({ page }) => {
  await page.goto(`/?node=${encodeURIComponent('PodSecurityPolicy//eks.privileged')}`);
  await expect(page.getByTestId('graph-node').first()).toBeVisible();
  const legend = page.getByTestId('graph-legend');
  await legend.locator('summary').click();
  for (const text of ['PSP', 'ClusterRole', 'ClusterRoleBinding', 'Group, User', 'ServiceAccount', 'privileged', 'wildcard', 'missing']) {
    await expect(legend).toContainText(text);
  }
  await page.getByTestId('graph-node').first().focus();
  await page.screenshot({ path: 'test-results/keyboard-legend.png' });
});
