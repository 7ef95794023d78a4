/**
 * The pages on the large generated cluster (issue 11 #8): /namespaces shows its namespaces a page
 * at a time and prefetches nothing per row (it made one server render per namespace link, about
 * 500, and took 8–13 s to settle).
 */
import { expect, test } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateLargeCluster, generateLargeClusterWorkloads } from '../lib/testing/large-cluster';
import { ARTIFACTS } from './pages/GraphPage';
import { serve } from './pages/serve';

const PORT = 4520;
const BASE = `http://127.0.0.1:${PORT}`;
let server: ChildProcess;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'pspd-large-')), 'large.json');
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [...generateLargeCluster(), ...generateLargeClusterWorkloads()] }));
  server = await serve(PORT, ['--snapshot', file]);
});
test.afterAll(() => {
  server?.kill();
});

for (const width of [1024, 1920]) {
  test(`/namespaces on 500 namespaces: one page of 20, no prefetch per row (${width} px)`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.setViewportSize({ width, height: 900 });
    const renders: string[] = [];
    page.on('request', (r) => {
      if (!r.url().includes('_rsc=')) return;
      const url = new URL(r.url());
      url.searchParams.delete('_rsc');
      renders.push(url.pathname + url.search);
    });
    await page.goto(`${BASE}/namespaces`);
    await expect(page.getByTestId('namespace-outcomes')).toHaveCount(20);
    await page.waitForLoadState('networkidle');
    // Only the header's few links prefetch (plain paths); no namespace, "why?" or pager link does.
    expect(renders.filter((p) => /[?&](namespace|workload|page)=/.test(p)), renders.join(' ')).toEqual([]);
    expect(renders.length, renders.join(' ')).toBeLessThanOrEqual(24);
    const pager = page.getByTestId('pager').first();
    await expect(pager).toContainText(/Namespaces 1–20 of \d{3} \(page 1 of \d+\)/);
    await page.screenshot({ path: path.join(ARTIFACTS, `namespaces-large-${width}.png`) });
    const first = await page.getByTestId('namespace-outcomes').first().getAttribute('data-namespace');
    await pager.getByRole('link', { name: 'Next →' }).click();
    await expect(page).toHaveURL(/page=2/);
    await expect(page.getByTestId('pager').first()).toContainText('Namespaces 21–40');
    expect(await page.getByTestId('namespace-outcomes').first().getAttribute('data-namespace')).not.toBe(first);
  });
}

test('/access on the large cluster: 50 rows a page, sorted by how many PSPs a subject may use', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(`${BASE}/access?table=subjects&sort=psps&dir=desc`);
  await expect(page.getByTestId('access-row')).toHaveCount(50);
  await expect(page.getByTestId('pager').first()).toContainText(/Rows 1–50 of \d+/);
  const counts = await page.getByTestId('access-row').evaluateAll((rows) => rows.map((r) => Number(r.children[2].textContent)));
  expect(counts).toEqual([...counts].sort((a, b) => b - a));
  await page.screenshot({ path: path.join(ARTIFACTS, 'access-large-1500.png') });
  await page.getByTestId('pager').first().getByRole('link', { name: 'Next →' }).click();
  await expect(page.getByTestId('pager').first()).toContainText('Rows 51–100');
});
