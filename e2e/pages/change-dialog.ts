import { expect, type Page } from '@playwright/test';

/** Goes through the open change dialog: acknowledge if asked, wait for the preview, apply, close. */
export async function applyDialog(page: Page, opts: { acknowledge?: boolean } = {}) {
  const dialog = page.getByTestId('change-dialog');
  await expect(dialog).toBeVisible();
  if (opts.acknowledge) await page.getByTestId('acknowledge-checkbox').check();
  await expect(page.getByTestId('plan-preview')).toBeVisible();
  await page.getByTestId('apply-change').click();
  await expect(page.getByTestId('change-result')).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).first().click();
  await expect(dialog).toBeHidden();
}
