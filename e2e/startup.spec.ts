/**
 * Startup says what it reads and fails loudly (issue 11 #13): a malformed snapshot or an unusable
 * kubeconfig stops the server with the reason in the terminal (YAML errors with line and column);
 * the start line names the kubeconfig and context; an API server that does not answer is said in
 * the terminal, and its error page asks one small question every 3 s instead of re-rendering (which
 * made the header prefetch every route each time).
 */
import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ARTIFACTS } from './pages/GraphPage';
import { serve } from './pages/serve';

/** Runs `npm start` with the arguments until it exits; its code and everything it printed. */
function startUntilExit(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/start.mjs', ...args], { env: { ...process.env, HOME: mkdtempSync(path.join(tmpdir(), 'pspd-home-')) } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`still running after 60 s:\n${output}`));
    }, 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const tmp = () => mkdtempSync(path.join(tmpdir(), 'pspd-start-'));

test('a malformed snapshot stops the server with the file, document, line and column', async () => {
  const file = path.join(tmp(), 'cluster.yaml');
  writeFileSync(file, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels: {x: [1, 2}\n');
  const port = process.env.E2E_START_PORT ?? '4510';
  const { code, output } = await startUntilExit(['--snapshot', file, '--port', port]);
  expect(code).toBe(1);
  expect(output).toMatch(new RegExp(`PSP Dashboard is serving snapshot .*cluster\\.yaml on http://127\\.0\\.0\\.1:${port}`));
  expect(output).toMatch(/psp-dashboard: ERROR: The snapshot cannot be read: .*cluster\.yaml, document 1: invalid YAML at line 5, column \d+: /);
  // The file as the person named it (outside the working directory: not "../../../tmp/…").
  expect(output).toContain(`The snapshot cannot be read: ${file}, document 1`);
  expect(output).toContain('nothing can be shown; fix it and start again');
});

test('a context that is not in the kubeconfig stops the server, naming the contexts there', async () => {
  const kubeconfig = path.join(tmp(), 'config');
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:9"}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: real\n  context: {cluster: c, user: u}\ncurrent-context: real\n');
  const { code, output } = await startUntilExit(['--kubeconfig', kubeconfig, '--context', 'nope', '--port', '4511']);
  expect(code).toBe(1);
  expect(output).toContain(`ERROR: Context "nope" is not in kubeconfig ${kubeconfig}. Contexts there: real`);
});

test('an unreachable API server: the start line names kubeconfig and context, the terminal says it fails, the error page does not flood', async ({ page }) => {
  const dir = tmp();
  const kubeconfig = path.join(dir, 'config');
  const log = path.join(dir, 'server.log');
  writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters:\n- name: gone\n  cluster: {server: "https://127.0.0.1:9", insecure-skip-tls-verify: true}\nusers:\n- name: u\n  user: {token: not-a-real-token}\ncontexts:\n- name: gone\n  context: {cluster: gone, user: u}\ncurrent-context: gone\n`);
  const server = await serve(4512, ['--kubeconfig', kubeconfig], { logFile: log });
  try {
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const firstPoll = page.waitForRequest((r) => r.url().endsWith('/api/v1/cluster'));
    await page.goto('http://127.0.0.1:4512/');
    await expect(page.getByTestId('error-notice')).toHaveAttribute('data-code', 'unreachable');
    // The header's links prefetch their routes once on load; after that, only the question.
    await firstPoll;
    requests.length = 0;
    await page.waitForTimeout(7_500);
    const prefetches = requests.filter((u) => u.includes('_rsc='));
    const polls = requests.filter((u) => u.endsWith('/api/v1/cluster'));
    expect(prefetches, 'no route is prefetched again while the page waits').toEqual([]);
    expect(polls.length).toBeGreaterThanOrEqual(2);
    expect(polls.length).toBeLessThanOrEqual(4);
    await page.screenshot({ path: path.join(ARTIFACTS, 'startup-unreachable.png') });
    const text = readFileSync(log, 'utf8');
    expect(text).toContain(`PSP Dashboard is serving context "gone" of kubeconfig ${kubeconfig} (API server https://127.0.0.1:9) on http://127.0.0.1:4512`);
    expect(text).toMatch(/psp-dashboard: ERROR: .*127\.0\.0\.1:9 is unreachable/);
    expect(text).toContain('the dashboard keeps trying');
    expect(text).not.toContain('not-a-real-token');
  } finally {
    server.kill();
  }
});
