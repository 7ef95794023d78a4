/**
 * The dashboard in other modes, each a server of its own on the same build: a cluster that does
 * not answer, and the auditors' read-only mode.
 */
import { expect, test } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ARTIFACTS } from './pages/GraphPage';
import { serve } from './pages/serve';

test('an unreachable cluster: a page that says so and what to do, retrying by itself', async ({ page }) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pspd-kc-'));
  const kubeconfig = path.join(dir, 'config');
  // Port 9 (discard) is closed on loopback: connection refused.
  writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters:\n- name: gone\n  cluster: {server: "https://127.0.0.1:9", insecure-skip-tls-verify: true}\nusers:\n- name: u\n  user: {token: not-a-real-token}\ncontexts:\n- name: gone\n  context: {cluster: gone, user: u}\ncurrent-context: gone\n`);
  const server = await serve(3931, ['--kubeconfig', kubeconfig]);
  try {
    await page.goto('http://127.0.0.1:3931/');
    const notice = page.getByTestId('error-notice');
    await expect(notice).toHaveAttribute('data-code', 'unreachable');
    await expect(notice).toContainText('https://127.0.0.1:9 is unreachable');
    await expect(notice).toContainText('reconnects by itself');
    await expect(page.getByTestId('source-state')).toContainText('unreachable');
    await expect(page.getByText('Retrying every 3 seconds')).toBeVisible();
    expect(await page.content()).not.toContain('not-a-real-token');
    await page.screenshot({ path: path.join(ARTIFACTS, 'unreachable.png') });
    const api = await page.request.get('http://127.0.0.1:3931/api/v1/graph');
    expect(api.status()).toBe(503);
    expect((await api.json()).error.code).toBe('unreachable');
  } finally {
    server.kill();
  }
});

test('read-only mode: a banner, no forms, and the server refuses changes', async ({ page }) => {
  const server = await serve(3932, ['--demo', '--read-only']);
  try {
    await page.goto('http://127.0.0.1:3932/?node=PodSecurityPolicy%2F%2Feks.privileged');
    await expect(page.getByTestId('read-only-banner')).toBeVisible();
    await expect(page.getByTestId('details-body')).toBeVisible();
    await expect(page.getByTestId('action-attach')).toHaveCount(0);
    await page.goto('http://127.0.0.1:3932/psps');
    await expect(page.getByTestId('psp-table')).toBeVisible();
    await expect(page.getByTestId('psp-actions')).toHaveCount(0);
    await expect(page.getByTestId('nav-changes')).toHaveCount(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'read-only.png') });
    const { token } = await (await page.request.get('http://127.0.0.1:3932/api/v1/csrf')).json();
    const res = await page.request.post('http://127.0.0.1:3932/api/v1/attach', { headers: { 'x-csrf-token': token }, data: { psp: 'eks.privileged', subject: { kind: 'Group', name: 'g' } } });
    expect(res.status()).toBe(403);
    expect((await res.json()).error.code).toBe('read_only');
  } finally {
    server.kill();
  }
});
