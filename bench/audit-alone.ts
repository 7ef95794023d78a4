// The audit bench alone: `npx tsx bench/audit-alone.ts` (wall and CPU time, medians).
import { generateLargeCluster } from '../lib/testing/large-cluster';
import { benchAudit } from './audit';

function time<T>(label: string, runs: number, fn: () => T): T {
  let result!: T;
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    result = fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`${label.padEnd(56)} median ${median(wall).toFixed(1).padStart(7)} ms wall ${median(cpu).toFixed(1).padStart(7)} ms CPU   (${runs} runs)`);
  return result;
}

benchAudit(generateLargeCluster(), time);
