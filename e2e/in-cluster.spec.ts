/**
 * The in-cluster way, in Chromium, against a real kube-apiserver v1.24: the dashboard reads as its
 * service account and offers sign-in; a person pastes a token, sees who they act as, attaches a PSP
 * (written as them), signs out and the forms are gone. Then nothing of the run — pages, answers,
 * script bundles, the server's log — holds any token. And no other site can frame the dashboard.
 */
import { expect, test } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startCluster, type TestCluster } from '../testenv/cluster';
import { clusterAvailable, createObjects, demoObjects, until } from '../integration/support';
import { ARTIFACTS, GraphPage } from './pages/GraphPage';
import { serve } from './pages/serve';

const PORT = 3941;
const BASE = `http://127.0.0.1:${PORT}`;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

test.describe.serial('in the cluster: sign in, act as yourself, sign out', () => {
  test.skip(!clusterAvailable('1.24'), 'needs the v1.24 control plane');
  let cluster: TestCluster;
  let server: ChildProcess;
  const logFile = path.join(mkdtempSync(path.join(tmpdir(), 'pspd-log-')), 'server.log');
  /** Every answer the browser got during the run. */
  const seen: string[] = [];

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    cluster = await startCluster({ version: '1.24' });
    await createObjects(cluster, demoObjects());
    // As in a pod: read with the dashboard's service account, write only as the signed-in person.
    server = await serve(PORT, ['--kubeconfig', cluster.kubeconfigPath, '--context', 'dashboard', '--sign-in'], { logFile });
  });

  test.afterAll(async () => {
    server?.kill();
    await cluster?.stop();
  });

  test('open, sign in with a pasted token, attach as admin, sign out', async ({ page }) => {
    test.setTimeout(120_000);
    page.on('response', async (res) => {
      try {
        seen.push(`${res.url()}\n${JSON.stringify(await res.allHeaders())}\n${await res.text()}`);
      } catch {
        /* redirects and aborted requests have no body */
      }
    });
    const graph = new GraphPage(page);
    await page.goto(`${BASE}/?node=${encodeURIComponent('PodSecurityPolicy//eks.privileged')}`);
    await expect(page.getByTestId('sign-in-button')).toBeVisible();
    await expect(graph.details).toBeVisible();
    await expect(page.getByTestId('sign-in-to-change')).toBeVisible();
    await expect(page.getByTestId('action-attach')).toHaveCount(0);
    await graph.shot('in-cluster-signed-out');

    await page.getByTestId('sign-in-button').click();
    await expect(page.getByTestId('sign-in-form')).toBeVisible();
    await page.getByLabel('Bearer token').fill('not-a-token-of-this-cluster');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('sign-in-error')).toContainText('does not accept this token');
    await page.getByLabel('Bearer token').fill(cluster.tokens.admin);
    await graph.shot('in-cluster-sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('actor')).toContainText('acting as admin (system:masters, system:authenticated)');
    const cookies = await page.context().cookies(BASE);
    expect(cookies.map((c) => ({ name: c.name, httpOnly: c.httpOnly, sameSite: c.sameSite }))).toEqual([{ name: `pspd_session_${PORT}`, httpOnly: true, sameSite: 'Strict' }]);
    expect(await page.evaluate(() => document.cookie)).toBe('');

    await page.goto(`${BASE}/?node=${encodeURIComponent('PodSecurityPolicy//eks.privileged')}`);
    await page.getByTestId('action-attach').click();
    await page.getByTestId('attach-kind').selectOption('Group');
    await page.getByTestId('attach-name').fill('platform-team');
    await page.getByTestId('attach-submit').click();
    const dialog = page.getByTestId('change-dialog');
    await expect(page.getByTestId('plan-preview')).toBeVisible();
    await page.getByTestId('apply-change').click();
    await expect(page.getByTestId('change-result')).toBeVisible();
    await graph.shot('in-cluster-attached');
    await dialog.getByRole('button', { name: 'Close' }).first().click();
    const crb = await until('the binding to exist', 10_000, async () => {
      const r = await cluster.request('admin', 'GET', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/psp-util.eks.privileged');
      return r.status === 200 ? r.body : undefined;
    });
    expect(crb.value.subjects).toEqual([{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'platform-team' }]);
    const writers = readFileSync(cluster.auditLogPath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
      .filter((e) => e.objectRef?.name === 'psp-util.eks.privileged' && !e.requestURI.includes('dryRun'))
      .map((e) => `${e.user.username} ${e.verb} ${e.objectRef.resource}`);
    expect(writers).toEqual(['admin create clusterroles', 'admin create clusterrolebindings']);

    await page.getByTestId('sign-out-button').click();
    await expect(page.getByTestId('sign-in-button')).toBeVisible();
    await page.goto(`${BASE}/?node=${encodeURIComponent('PodSecurityPolicy//eks.privileged')}`);
    await expect(page.getByTestId('sign-in-to-change')).toBeVisible();
    await expect(page.getByTestId('action-attach')).toHaveCount(0);
    await page.goto(`${BASE}/psps`);
    await expect(page.getByTestId('psp-actions')).toHaveCount(0);
    await expect(page.getByTestId('sign-in-to-change')).toBeVisible();
    await graph.shot('in-cluster-signed-out-again');
    // The server agrees: the old session is over.
    const { token: csrf } = await (await page.request.get(`${BASE}/api/v1/csrf`)).json();
    const res = await page.request.post(`${BASE}/api/v1/detach`, { headers: { 'x-csrf-token': csrf }, data: { psp: 'eks.privileged', subject: { kind: 'Group', name: 'platform-team' } } });
    expect(res.status()).toBe(401);
  });

  test('no token of the run in any answer, page, script bundle or server log', async () => {
    const bundles = filesUnder(path.join(process.cwd(), '.next', 'static')).filter((f) => f.endsWith('.js'));
    expect(bundles.length).toBeGreaterThan(0);
    const haystacks: [string, string][] = [
      ...seen.map((s, i): [string, string] => [`answer ${i}: ${s.split('\n')[0]}`, s]),
      ...bundles.map((f): [string, string] => [f, readFileSync(f, 'utf8')]),
      ['server log', readFileSync(logFile, 'utf8')],
    ];
    expect(seen.length).toBeGreaterThan(10);
    const tokens = Object.entries(cluster.tokens);
    for (const [where, text] of haystacks) for (const [who, token] of tokens) expect(text.includes(token), `${who}'s token in ${where}`).toBe(false);
  });
});

test('another site cannot frame the dashboard: nothing of it renders in the frame', async ({ page, baseURL }) => {
  const framing = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(`<!doctype html><title>attacker</title><p>click here</p><iframe id="victim" src="${baseURL}/" style="opacity:0.01;width:1200px;height:800px"></iframe>`);
  });
  await new Promise<void>((r) => framing.listen(3942, '127.0.0.1', r));
  try {
    const direct = await page.request.get(`${baseURL}/`);
    expect(direct.headers()['x-frame-options']).toBe('DENY');
    expect(direct.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(direct.headers()['x-content-type-options']).toBe('nosniff');
    expect(direct.headers()['referrer-policy']).toBe('no-referrer');
    await page.goto('http://127.0.0.1:3942/');
    await page.waitForTimeout(1500);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    expect(frame, 'the iframe element is there').toBeDefined();
    expect(await frame!.locator('[data-testid="source-header"]').count()).toBe(0);
    expect(await frame!.locator('text=PSP Dashboard').count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'framing-refused.png') });
  } finally {
    framing.close();
  }
});
