/**
 * The side panel across changes (issue 11, #6) and the pages' identity in the browser (#16).
 * - After deleting the object it shows, the panel says in words that it no longer exists (no
 *   "Loading…", no raw "Not found: Nothing named Kind//name", nothing overflowing) and offers to close.
 * - After an attach, the panel keeps showing the PSP while it fetches it again: never "Loading…"
 *   and a raw id as its title.
 * - The app has an icon that answers 200, and each page its own title.
 */
import { expect, test, type Page } from '@playwright/test';
import { discardPending } from './pages/pending';
import { applyDialog } from './pages/change-dialog';

const BINDING = 'ClusterRoleBinding//eks:podsecuritypolicy:authenticated';
const PSP = 'PodSecurityPolicy//eks.privileged';


/** Whether anything inside the panel is wider than the panel. */
const overflows = (page: Page) =>
  page.getByTestId('details-panel').evaluate((panel) => {
    const box = panel.getBoundingClientRect();
    return [...panel.querySelectorAll('*')].some((el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && (r.right > box.right + 1 || r.left < box.left - 1);
    }) || [...panel.querySelectorAll('*')].some((el) => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible');
  });

test.describe('the details panel', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/api/v1/cluster');
    await discardPending(page);
  });
  test.afterEach(async ({ page }) => {
    await discardPending(page);
  });

  test('a long name in the title wraps after its separators, not mid-word', async ({ page }) => {
    await page.setViewportSize({ width: 1024, height: 800 });
    await page.goto(`/?node=${encodeURIComponent(BINDING)}`);
    const title = page.getByTestId('details-title');
    await expect(title).toHaveText('eks:podsecuritypolicy:authenticated');
    // The text of each rendered line, read from the layout: every line but the last ends at a separator.
    const lines = await title.evaluate((el) => {
      const text = el.textContent ?? '';
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      const byTop = new Map<number, string>();
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        for (let i = 0; i < (n.textContent ?? '').length; i++) {
          const r = document.createRange();
          r.setStart(n, i);
          r.setEnd(n, i + 1);
          const top = Math.round(r.getBoundingClientRect().top);
          byTop.set(top, (byTop.get(top) ?? '') + n.textContent![i]);
        }
      }
      return { text, lines: [...byTop.entries()].sort((a, b) => a[0] - b[0]).map(([, t]) => t) };
    });
    expect(lines.lines.length).toBeGreaterThan(1);
    expect(lines.lines.join('')).toBe(lines.text);
    for (const line of lines.lines.slice(0, -1)) expect(line).toMatch(/[:./-]$/);
  });

  test('after deleting the object it shows, it says in words that it is gone, and closes', async ({ page }) => {
    await page.goto(`/?node=${encodeURIComponent(BINDING)}`);
    const panel = page.getByTestId('details-panel');
    await expect(page.getByTestId('details-title')).toHaveText('eks:podsecuritypolicy:authenticated');
    await page.getByTestId('action-delete-binding').click();
    await applyDialog(page, { acknowledge: true });

    const gone = page.getByTestId('details-gone');
    await expect(gone).toBeVisible();
    await expect(gone).toContainText('ClusterRoleBinding eks:podsecuritypolicy:authenticated no longer exists');
    await expect(panel).not.toContainText('Loading');
    await expect(panel).not.toContainText('Nothing named');
    await expect(panel).not.toContainText('//');
    expect(await overflows(page), 'nothing in the panel is wider than the panel').toBe(false);
    await page.screenshot({ path: test.info().outputPath('details-panel-gone.png') });

    await gone.getByRole('button', { name: 'Close this panel' }).click();
    await expect(panel).toBeHidden();
    await expect(page).not.toHaveURL(/node=/);
  });

  test('after an attach, the panel keeps showing the PSP while it fetches it again', async ({ page }) => {
    await page.goto(`/?node=${encodeURIComponent(PSP)}`);
    const title = page.getByTestId('details-title');
    await expect(title).toHaveText('eks.privileged');
    await expect(page.getByTestId('details-body')).toBeVisible();

    // Hold the panel's refetch back, to look at the panel while it waits.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let refetches = 0;
    await page.route(/\/api\/v1\/objects\?/, async (route) => {
      refetches++;
      await held;
      await route.continue();
    });

    await page.getByTestId('action-attach').click();
    await page.getByTestId('attach-kind').selectOption('Group');
    await page.getByTestId('attach-name').fill('ops-team');
    await page.getByTestId('attach-submit').click();
    await applyDialog(page);
    await expect.poll(() => refetches).toBeGreaterThan(0);

    const panel = page.getByTestId('details-panel');
    await expect(title).toHaveText('eks.privileged');
    await expect(panel).not.toContainText(/loading/i);
    await expect(panel).not.toContainText('PodSecurityPolicy//');
    await expect(page.getByTestId('details-body')).toBeVisible();
    await page.screenshot({ path: test.info().outputPath('details-panel-refetching.png') });
    // The attach form closed with the change made (as when the panel was rebuilt), so it is not sent twice by mistake.
    await expect(page.getByTestId('attach-submit')).toBeHidden();

    release();
    await expect(title).toHaveText('eks.privileged');
    await expect(page.getByTestId('details-body')).toBeVisible();
  });

  test('a link to an object that is not in the cluster says so in words', async ({ page }) => {
    await page.goto(`/?node=${encodeURIComponent('ClusterRoleBinding//no-such-binding-with-a-rather-long-name-that-would-overflow-the-panel')}`);
    const gone = page.getByTestId('details-gone');
    await expect(gone).toContainText('ClusterRoleBinding no-such-binding-with-a-rather-long-name-that-would-overflow-the-panel does not exist');
    await expect(page.getByTestId('details-panel')).not.toContainText('Nothing named');
    expect(await overflows(page)).toBe(false);
  });
});

test.describe('the pages', () => {
  test('the app has an icon that answers, and each page its own title', async ({ page }) => {
    await page.goto('/tree');
    const href = await page.locator('link[rel~="icon"]').first().getAttribute('href');
    expect(href, 'a <link rel="icon">').toBeTruthy();
    const icon = await page.request.get(href!);
    expect(icon.status()).toBe(200);
    expect(icon.headers()['content-type']).toMatch(/svg/);
    // /favicon.ico, which bookmarks and tools ask for, leads to the same icon.
    const ico = await page.request.get('/favicon.ico');
    expect(ico.status()).toBe(200);
    expect(ico.headers()['content-type']).toMatch(/svg/);

    const titles = new Map<string, string>();
    for (const path of ['/?view=graph', '/audit', '/psps', '/tree', '/simulate', '/namespaces', '/changes', '/sign-in']) {
      await page.goto(path);
      const t = await page.title();
      expect(t, path).toMatch(/PSP Dashboard/);
      expect(t, path).not.toBe('PSP Dashboard');
      titles.set(path, t);
    }
    expect(new Set(titles.values()).size, [...titles].map(([p, t]) => `${p}: ${t}`).join('\n')).toBe(titles.size);
  });
});

test('a binding lists its subjects once, with their Remove buttons, and its role is a link', async ({ page }) => {
  await page.goto(`/?node=${encodeURIComponent('ClusterRoleBinding//eks:podsecuritypolicy:authenticated')}`);
  const panel = page.getByTestId('details-panel');
  await expect(page.getByTestId('binding-subjects')).toContainText('Group system:authenticated');
  await expect(panel.getByText('system:authenticated', { exact: false })).toHaveCount(1);
  await panel.getByRole('button', { name: /eks:podsecuritypolicy:privileged/ }).or(panel.getByRole('link', { name: /eks:podsecuritypolicy:privileged/ })).first().click();
  await expect(page.getByTestId('details-title')).toHaveText('eks:podsecuritypolicy:privileged');
});
