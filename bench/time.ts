/**
 * Times `fn` over `runs` runs and prints the medians: wall time, and this process's CPU time next to
 * it (on a shared machine the wall clock also measures the neighbours).
 */
export function time<T>(label: string, runs: number, fn: () => T): T {
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
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const median = (xs: number[]) => xs[Math.floor(xs.length / 2)];
  console.log(`${label.padEnd(48)} median ${median(wall).toFixed(1).padStart(7)} ms   min ${wall[0].toFixed(1).padStart(7)} ms   CPU median ${median(cpu).toFixed(1).padStart(7)} ms   (${runs} runs)`);
  return result;
}
