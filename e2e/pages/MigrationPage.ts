import { expect, type Locator, type Page } from '@playwright/test';
import path from 'node:path';
import { ARTIFACTS } from './GraphPage';

/** The migration board: one row per namespace, its details, the checklist and the exports. */
export class MigrationPage {
  readonly rows: Locator;
  readonly checklist: Locator;

  constructor(readonly page: Page) {
    this.rows = page.getByTestId('board-row');
    this.checklist = page.getByTestId('checklist');
  }

  async open() {
    await this.page.goto('/migration');
    await expect(this.rows.first()).toBeVisible();
  }

  row(namespace: string): Locator {
    return this.page.locator(`[data-testid="board-row"][data-namespace="${namespace}"]`);
  }

  details(namespace: string): Locator {
    return this.page.locator(`[data-testid="namespace-details"][data-namespace="${namespace}"]`);
  }

  async namespaces(): Promise<string[]> {
    return this.rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-namespace') ?? ''));
  }

  async shot(name: string, fullPage = true) {
    await this.page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage });
  }
}
