import { expect, type Locator, type Page } from '@playwright/test';
import path from 'node:path';
import { ARTIFACTS } from './GraphPage';

/** The audit page: findings by severity, each with its evidence and fix. */
export class AuditPage {
  readonly findings: Locator;

  constructor(readonly page: Page) {
    this.findings = page.getByTestId('finding');
  }

  async open() {
    await this.page.goto('/audit');
    await expect(this.page.getByTestId('audit-report')).toBeVisible();
  }

  finding(title: string): Locator {
    return this.findings.filter({ has: this.page.getByTestId('finding-title').filter({ hasText: title }) });
  }

  async shot(name: string, fullPage = true) {
    await this.page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage });
  }
}

/** The simulate page: a manifest or a workload in, the chosen PSP and every PSP's verdict out. */
export class SimulatePage {
  constructor(readonly page: Page) {}

  async open(query = '') {
    await this.page.goto(`/simulate${query}`);
    await expect(this.page.getByTestId('simulate-form')).toBeVisible();
  }

  async simulateManifest(yaml: string, namespace: string) {
    await this.page.getByTestId('mode-manifest').check();
    await this.page.getByTestId('simulate-manifest').fill(yaml);
    await this.page.getByTestId('simulate-namespace').selectOption(namespace);
    await this.page.getByTestId('simulate-submit').click();
    await expect(this.page.getByTestId('simulate-result')).toBeVisible();
  }
}
