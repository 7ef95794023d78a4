import { expect, type Locator, type Page } from '@playwright/test';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ARTIFACTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');

/** The graph page, as a user sees it: nodes by name, the side panel, the filters. */
export class GraphPage {
  readonly nodes: Locator;
  readonly details: Locator;
  readonly search: Locator;

  constructor(readonly page: Page) {
    this.nodes = page.getByTestId('graph-node');
    this.details = page.getByTestId('details-panel');
    this.search = page.getByTestId('graph-search');
  }

  async open(query = '') {
    await this.page.goto(`/${query}`);
    await expect(this.nodes.first()).toBeVisible();
  }

  node(name: string): Locator {
    return this.page.locator(`[data-testid="graph-node"][data-name="${name}"]`);
  }

  async names(): Promise<string[]> {
    return (await this.nodes.evaluateAll((els) => els.map((e) => e.getAttribute('data-name') ?? ''))).sort();
  }

  async shot(name: string) {
    await this.page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
  }
}
