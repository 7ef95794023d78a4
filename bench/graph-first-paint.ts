// Time to first graph in Chromium: from navigation to the first node drawn, for the demo and the
// large generated cluster (a snapshot). Starts its own two servers on the current build (npm start
// builds it when the sources changed) and Debian's Chromium. Prints figures; asserts nothing.
//   npx tsx bench/graph-first-paint.ts      (or as part of npm run bench; BENCH_GRAPH=0 skips it)
import { chromium, type Browser } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS } from '../playwright.config';
import { serve } from '../e2e/pages/serve';
import { generateLargeCluster } from '../lib/testing/large-cluster';

const PORT = Number(process.env.BENCH_GRAPH_PORT ?? 4490);
const RUNS = Number(process.env.BENCH_GRAPH_RUNS ?? 7);

/**
 * Set in the page before anything loads: the time (ms since navigation start) the first node became
 * visible. A string, not a function: tsx's compiled functions call helpers the page does not have.
 */
const WATCH_FIRST_NODE = `(() => {
  const check = () => {
    const el = document.querySelector('.react-flow__node');
    if (el && getComputedStyle(el).visibility !== 'hidden' && el.getBoundingClientRect().width > 0) window.__firstGraph = performance.now();
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();`;

async function firstGraph(browser: Browser, url: string, context?: Awaited<ReturnType<Browser['newContext']>>): Promise<number> {
  const ctx = context ?? (await browser.newContext({ viewport: { width: 1440, height: 900 } }));
  const page = await ctx.newPage();
  await page.addInitScript(WATCH_FIRST_NODE);
  await page.goto(url, { waitUntil: 'commit' });
  const ms = await (await page.waitForFunction(() => (window as unknown as { __firstGraph?: number }).__firstGraph, undefined, { timeout: 60_000 })).jsonValue();
  const nav = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    return { responseEnd: n.responseEnd, domContentLoaded: n.domContentLoadedEventEnd };
  });
  await page.close();
  if (!context) await ctx.close();
  phases.push(nav);
  return ms as number;
}

/** Where the time went, per measured navigation: the HTML received, the scripts run (DOMContentLoaded). */
const phases: { responseEnd: number; domContentLoaded: number }[] = [];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${s[Math.floor(s.length / 2)].toFixed(0).padStart(5)} ms   min ${s[0].toFixed(0).padStart(5)} ms   max ${s[s.length - 1].toFixed(0).padStart(5)} ms`;
};

export async function benchGraphFirstPaint() {
  const dir = mkdtempSync(path.join(tmpdir(), 'pspd-bench-graph-'));
  const large = path.join(dir, 'large.json');
  writeFileSync(large, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: generateLargeCluster() }));
  const servers: ChildProcess[] = [];
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const targets = [
      { label: 'demo', args: ['--demo'], path: '/' },
      { label: 'large cluster (overview)', args: ['--snapshot', large], path: '/?view=graph' },
      { label: 'large cluster, one PSP (chains)', args: ['--snapshot', large], path: '/?psp=psp-03' },
    ];
    const ports = new Map<string, number>();
    for (const t of targets) {
      const key = t.args.join(' ');
      if (!ports.has(key)) {
        ports.set(key, PORT + ports.size);
        // The first start builds the app when its sources changed (several minutes on a busy machine).
        servers.push(await serve(ports.get(key)!, t.args, { timeoutMs: 1_200_000 }));
      }
      const url = `http://127.0.0.1:${ports.get(key)}${t.path}`;
      const first = await firstGraph(browser, url);
      phases.length = 0;
      const fresh: number[] = [];
      for (let i = 0; i < RUNS; i++) fresh.push(await firstGraph(browser, url));
      const html = median(phases.map((p) => p.responseEnd)), dcl = median(phases.map((p) => p.domContentLoaded));
      // A returning visitor: the same browser context, scripts in its cache.
      const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      await firstGraph(browser, url, ctx);
      const cached: number[] = [];
      for (let i = 0; i < RUNS; i++) cached.push(await firstGraph(browser, url, ctx));
      await ctx.close();
      console.log(`first graph, ${t.label.padEnd(32)} first visit after server start ${first.toFixed(0).padStart(5)} ms`);
      console.log(`  new browser context (${RUNS} runs)${' '.repeat(17)}${stats(fresh)}   (HTML in ${html.toFixed(0)} ms, DOMContentLoaded ${dcl.toFixed(0)} ms)`);
      console.log(`  returning, scripts cached (${RUNS} runs)${' '.repeat(10)}${stats(cached)}`);
    }
  } finally {
    await browser.close();
    for (const s of servers) s.kill();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchGraphFirstPaint();
