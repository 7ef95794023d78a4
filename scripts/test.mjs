#!/usr/bin/env node
// npm test: type check, unit tests, integration tests against real API servers, browser tests.
// Prints one closing line "N passed, N failed" over all of them; exits non-zero if anything failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'test-results');
mkdirSync(out, { recursive: true });
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const only = process.argv.slice(2);
const wanted = (stage) => only.length === 0 || only.includes(stage);

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];

function run(stage, cmd, args, env = {}) {
  console.log(`\n━━ ${stage} ━━ ${[path.basename(cmd), ...args].join(' ')}`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  console.log(`━━ ${stage}: exit ${r.status ?? r.signal} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return r.status === 0;
}

function countVitest(stage, file, ok) {
  if (!existsSync(file)) {
    failed++;
    failures.push(`${stage}: no report (the runner did not start)`);
    return;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  // A failing suite (an error outside any test) counts as a failure too.
  const suiteErrors = r.testResults.filter((s) => s.status === 'failed' && s.assertionResults.every((a) => a.status !== 'failed')).length;
  failed += suiteErrors;
  if (!ok || r.numFailedTests || suiteErrors) failures.push(stage);
}

if (wanted('typecheck')) {
  if (run('typecheck', bin('tsc'), ['--noEmit', '-p', '.'])) passed++;
  else {
    failed++;
    failures.push('typecheck');
  }
}

for (const project of ['unit', 'integration']) {
  if (!wanted(project)) continue;
  const report = path.join(out, `${project}.json`);
  rmSync(report, { force: true });
  const ok = run(project, bin('vitest'), ['run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
  countVitest(project, report, ok);
}

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (wanted('e2e') && !existsSync(chromium)) {
  const msg = `browser tests need Debian's Chromium at ${chromium} (apt-get install chromium fonts-noto-color-emoji; .ci/run does it)`;
  if (process.env.CI) {
    failed++;
    failures.push(`e2e: ${msg}`);
  } else console.warn(`\n*** SKIPPING e2e: ${msg} ***\n`);
} else if (wanted('e2e')) {
  const report = path.join(out, 'e2e.json');
  rmSync(report, { force: true });
  const ok = run('e2e', bin('playwright'), ['test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: report });
  if (existsSync(report)) {
    const s = JSON.parse(readFileSync(report, 'utf8')).stats;
    passed += s.expected + (s.flaky ?? 0);
    failed += s.unexpected;
    skipped += s.skipped;
    if (!ok || s.unexpected) failures.push('e2e');
  } else {
    failed++;
    failures.push('e2e: no report (the runner did not start)');
  }
}

console.log(`\n${failures.length ? `Failed stages: ${failures.join(', ')}` : 'All stages passed.'}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || failures.length > 0 ? 1 : 0);
