/**
 * The graph readable at any size (issue 11 #7): the large generated cluster opens as an overview of
 * PSP cards at a zoom where names can be read, a PSP drills down into its chains (also readable),
 * "+N" groups open in place, the minimap is there, the current graph exports as SVG and PNG, zoom
 * and pan survive a refresh, and a failed layout says so instead of drawing nothing.
 */
import { expect, test, type Page } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateLargeCluster } from '../lib/testing/large-cluster';
import { READABLE_ZOOM } from '../lib/graph/viewport';
import { ARTIFACTS } from './pages/GraphPage';
import { serve } from './pages/serve';
import { applyDialog } from './pages/change-dialog';
import { discardPending } from './pages/pending';

const LARGE_PORT = Number(process.env.E2E_LARGE_PORT ?? 3936);
const LARGE = `http://127.0.0.1:${LARGE_PORT}`;

/** React Flow's viewport: the transform of its `.react-flow__viewport` layer. */
async function viewport(page: Page) {
  const t = await page.locator('.react-flow__viewport').evaluate((el) => (el as HTMLElement).style.transform);
  const m = /translate\(([-\d.]+)px, ([-\d.]+)px\) scale\(([\d.]+)\)/.exec(t);
  if (!m) throw new Error(`no viewport transform in ${t}`);
  return { x: Number(m[1]), y: Number(m[2]), zoom: Number(m[3]) };
}

/** How many of these elements lie wholly inside the graph canvas on screen. */
async function insideCanvas(page: Page, selector: string) {
  const canvas = (await page.getByTestId('graph-canvas').boundingBox())!;
  return page.locator(selector).evaluateAll((els, c) => els.filter((el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.left >= c.x && r.top >= c.y && r.right <= c.x + c.width && r.bottom <= c.y + c.height;
  }).length, canvas);
}

test.describe('the large cluster', () => {
  let server: ChildProcess | undefined;
  test.beforeAll(async () => {
    test.setTimeout(300_000);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'pspd-large-')), 'large.json');
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: generateLargeCluster() }));
    server = await serve(LARGE_PORT, ['--snapshot', file]);
  });
  test.afterAll(() => {
    server?.kill();
  });

  for (const width of [1024, 1920]) {
    test(`opens as an overview with readable names at ${width} px, with a minimap`, async ({ page }) => {
      await page.setViewportSize({ width, height: width === 1024 ? 768 : 1080 });
      await page.goto(`${LARGE}/?view=graph`);
      await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-view', 'overview');
      await expect(page.getByTestId('psp-card')).toHaveCount(50);
      await expect(page.locator('[data-testid="psp-card"][data-name="psp-00"]')).toBeVisible();
      const v = await viewport(page);
      expect(v.zoom).toBeGreaterThanOrEqual(READABLE_ZOOM);
      // Names are on screen at that zoom: most cards at 1024 px, all of them at 1920 px.
      const shown = await insideCanvas(page, '[data-testid="psp-card-name"]');
      expect(shown).toBeGreaterThanOrEqual(width === 1024 ? 25 : 50);
      const name = (await page.locator('[data-testid="psp-card"][data-name="psp-00"] [data-testid="psp-card-name"]').boundingBox())!;
      expect(name.height).toBeGreaterThanOrEqual(11);
      await expect(page.locator('[data-testid="psp-card"][data-name="psp-00"]')).toContainText('privileged');
      await expect(page.locator('.react-flow__minimap')).toBeVisible();
      await expect(page.locator('.react-flow__minimap-node')).toHaveCount(50);
      await expect(page.getByTestId('graph-stats')).toContainText('50 PSPs');
      await page.screenshot({ path: path.join(ARTIFACTS, `graph-large-overview-${width}.png`) });
    });
  }

  test('a PSP card drills down into readable chains; "+N" opens in place', async ({ page }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${LARGE}/?view=graph`);
    await page.locator('[data-testid="psp-card"][data-name="psp-03"]').click();
    await expect(page).toHaveURL(/psp=psp-03/);
    await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-view', 'chains');
    await expect(page.locator('[data-testid="graph-node"][data-name="psp-03"]')).toBeVisible();
    expect((await viewport(page)).zoom).toBeGreaterThanOrEqual(READABLE_ZOOM);
    // The PSP drilled into is on screen, with its neighbourhood.
    expect(await insideCanvas(page, '[data-testid="graph-node"][data-name="psp-03"]')).toBe(1);
    expect(await insideCanvas(page, '[data-testid="graph-node"]')).toBeGreaterThanOrEqual(8);
    await page.screenshot({ path: path.join(ARTIFACTS, 'graph-large-psp.png') });

    const group = page.locator('[data-testid="graph-node"][data-kind="Collapsed"]').first();
    const groupId = (await group.locator('xpath=..').getAttribute('data-id'))!;
    const parentId = groupId.replace(/^Collapsed\//, '');
    const parent = page.locator(`.react-flow__node[data-id="${parentId}"]`);
    const before = (await parent.boundingBox())!;
    const shown = () => page.locator('.react-flow__node').evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-id'), e.textContent])));
    const nodesBefore = await shown();
    await group.click();
    await expect(page.locator(`.react-flow__node[data-id="${groupId}"]`)).toHaveCount(0);
    await expect.poll(async () => Object.keys(await shown()).length).toBeGreaterThan(Object.keys(nodesBefore).length);
    // Everything shown before still is, and every other "+N" group says the same: only this one opened.
    const nodesAfter = await shown();
    for (const [id, text] of Object.entries(nodesBefore)) {
      if (id === groupId) continue;
      expect(nodesAfter[id], id).toBe(text);
    }
    // In place: same URL (no refocus), and the parent stays on screen, where it was unless that
    // would leave the screen mostly empty (the new layout may move it within the picture).
    await expect(page).not.toHaveURL(/focus=/);
    const after = (await parent.boundingBox())!;
    const canvas = (await page.getByTestId('graph-canvas').boundingBox())!;
    expect(after.y).toBeGreaterThanOrEqual(canvas.y);
    expect(after.y + after.height).toBeLessThanOrEqual(canvas.y + canvas.height);
    expect(Math.abs(after.x - before.x)).toBeLessThan(40);
    await page.screenshot({ path: path.join(ARTIFACTS, 'graph-large-expanded.png') });
  });

  test('by keyboard, Enter on a "+N" group opens it and focus stays in the graph, on its parent', async ({ page }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${LARGE}/?psp=psp-02`);
    await expect(page.locator('[data-testid="graph-node"][data-name="psp-02"]')).toBeVisible();
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-id') ?? null);
    await page.locator('.react-flow__node[tabindex="0"]').focus();
    let id: string | null = null;
    for (let i = 0; i < 40 && !id?.startsWith('Collapsed/'); i++) {
      await page.keyboard.press(i % 3 === 0 ? 'ArrowRight' : 'ArrowDown');
      await page.waitForTimeout(200);
      id = await focused();
    }
    expect(id, 'the arrows reach a "+N" group').toMatch(/^Collapsed\//);
    const count = await page.locator('.react-flow__node').count();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBeGreaterThan(count);
    await expect.poll(focused).toBe(id!.replace(/^Collapsed\//, ''));
  });

  test('exports the current graph as SVG and PNG', async ({ page }) => {
    await page.goto(`${LARGE}/?psp=psp-03`);
    await expect(page.locator('[data-testid="graph-node"][data-name="psp-03"]')).toBeVisible();
    const [svg] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-svg').click()]);
    expect(svg.suggestedFilename()).toBe('psp-graph-psp-03.svg');
    const text = readFileSync((await svg.path())!, 'utf8');
    expect(text.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(text).toContain('>psp-03</text>');
    expect((text.match(/<g data-id=/g) ?? []).length).toBe(await page.getByTestId('graph-node').count());
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png').click()]);
    expect(png.suggestedFilename()).toBe('psp-graph-psp-03.png');
    const bytes = readFileSync((await png.path())!);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(bytes.length).toBeGreaterThan(10_000);
    await png.saveAs(path.join(ARTIFACTS, 'graph-export.png'));
  });
});

test.describe('the demo cluster', () => {
  test.afterEach(async ({ page }) => {
    await discardPending(page);
  });

  for (const width of [1024, 1920]) {
    test(`the chains open whole and readable at ${width} px`, async ({ page }) => {
      await page.setViewportSize({ width, height: width === 1024 ? 768 : 1080 });
      await page.goto('/');
      await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-view', 'chains');
      await expect(page.getByTestId('graph-node')).toHaveCount(7);
      await expect.poll(() => insideCanvas(page, '[data-testid="graph-node"]')).toBe(7);
      expect((await viewport(page)).zoom).toBeGreaterThanOrEqual(READABLE_ZOOM);
      await page.screenshot({ path: path.join(ARTIFACTS, `graph-demo-${width}.png`) });
    });
  }

  test('zoom and pan stay when the graph is fetched again after a change', async ({ page }) => {
    await page.goto(`/?node=${encodeURIComponent('PodSecurityPolicy//eks.privileged')}`);
    await expect(page.locator('[data-testid="graph-node"][data-name="eks.privileged"]')).toBeVisible();
    await page.locator('.react-flow__controls-zoomout').click();
    await page.locator('.react-flow__controls-zoomout').click();
    await expect.poll(async () => (await viewport(page)).zoom).toBeLessThan(0.9);
    const before = await viewport(page);
    await page.getByTestId('action-attach').click();
    await page.getByTestId('attach-kind').selectOption('Group');
    await page.getByTestId('attach-name').fill('ops-team');
    await page.getByTestId('attach-submit').click();
    await applyDialog(page);
    await expect(page.locator('[data-testid="graph-node"][data-name="ops-team"]')).toBeVisible();
    expect(await viewport(page)).toEqual(before);
  });

  test('a layout that fails says so, with a way to try again', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByTestId('graph-node').first()).toBeVisible();
    await page.route('**/api/v1/graph**', async (route) => {
      const real = await (await route.fetch()).json();
      await route.fulfill({ json: { ...real, layout: { error: 'ELK could not place the nodes' } } });
    });
    await page.getByTestId('filter-wildcard').uncheck();
    await expect(page.getByTestId('layout-error')).toContainText('could not be laid out');
    await expect(page.getByTestId('layout-error')).toContainText('ELK could not place the nodes');
    await page.unroute('**/api/v1/graph**');
    await page.getByTestId('layout-error').getByRole('button', { name: 'Try again' }).click();
    await expect(page.getByTestId('layout-error')).toBeHidden();
    await expect(page.getByTestId('graph-node').first()).toBeVisible();
  });

  test('the overview on request, and the keyboard: one tab stop, arrows move, Enter drills down', async ({ page }) => {
    await page.goto('/');
    await page.getByTestId('view-overview').click();
    await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-view', 'overview');
    const card = page.locator('[data-testid="psp-card"][data-name="eks.privileged"]');
    await expect(card).toContainText('2 roles');
    await expect(card).toContainText('everyone');
    expect(await page.locator('.react-flow__node[tabindex="0"]').count()).toBe(1);
    await page.locator('.react-flow__node[tabindex="0"]').focus();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/psp=eks.privileged/);
    await expect(page.getByTestId('graph-canvas')).toHaveAttribute('data-view', 'chains');
    // Chains: still one tab stop; the arrows walk PSP → role → binding.
    await expect(page.getByTestId('graph-node').first()).toBeVisible();
    expect(await page.locator('.react-flow__node[tabindex="0"]').count()).toBe(1);
    await page.locator('.react-flow__node[tabindex="0"]').focus();
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-id'));
    await page.keyboard.press('Home');
    await expect.poll(focused).toBe('PodSecurityPolicy//eks.privileged');
    await page.keyboard.press('ArrowRight');
    await expect.poll(focused).toMatch(/^ClusterRole\/\//);
    await page.keyboard.press('ArrowRight');
    await expect.poll(focused).toMatch(/^ClusterRoleBinding\/\//);
    await page.screenshot({ path: path.join(ARTIFACTS, 'graph-keyboard.png') });
  });
});
