import { expect, test, type Page } from '@playwright/test';

/** Forget the demo's in-memory changes, so a spec starts and ends on the bundled cluster. */
export async function discardPending(page: Page) {
  const { token } = await (await page.request.get('/api/v1/csrf')).json();
  expect((await page.request.delete('/api/v1/pending', { headers: { 'x-csrf-token': token } })).status()).toBe(200);
}

/** Every test of the calling spec starts and ends on the bundled demo, with no pending change. */
export function startEachOnPristineDemo() {
  test.beforeEach(async ({ page }) => {
    await page.goto('/api/v1/cluster');
    await discardPending(page);
  });
  test.afterEach(async ({ page }) => {
    await discardPending(page);
  });
}
