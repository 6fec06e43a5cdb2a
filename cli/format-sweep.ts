/** The end-of-sweep table: each metric's distribution across seeds, and the failing seeds. */
import path from 'node:path';
import Table from 'cli-table3';
import type { SweepSummary } from '../sim/sweep/summary.js';

const SHOWN_METRICS = ['counts.orders', 'counts.trades', 'throughputOrdersPerS', 'ack.p50_us', 'ack.p99_us', 'ack.p999_us', 'fill.p99_us', 'cancel.p99_us', 'eventsPerWallS'];
const num = (value: number | undefined | null) => (value === undefined || value === null ? '-' : value.toLocaleString('en-US', { maximumFractionDigits: 1 }));

export function formatSweepSummary(summary: SweepSummary, outDir: string): string {
  const table = new Table({ head: ['metric', 'n', 'mean', 'sd', 'p05', 'p50', 'p95', '95% CI of mean'], style: { head: [], border: [] } });
  for (const key of SHOWN_METRICS) {
    const d = summary.metrics[key];
    if (!d) continue;
    table.push([key, d.n, num(d.mean), num(d.sd), num(d.p05), num(d.p50), num(d.p95), d.ci95 ? `${num(d.ci95[0])} .. ${num(d.ci95[1])}` : '-']);
  }
  const lines = [`sweep ${summary.scenario} over ${summary.seeds.length} seeds (${summary.mode}): ${summary.failingSeeds.length} failing`, table.toString()];
  for (const failing of summary.failingSeeds) lines.push(`FAIL seed ${failing.seed}: ${failing.failed.join(', ')}\n  replay: ${failing.replayCommand}`);
  lines.push(`${summary.passed ? 'PASS' : 'FAIL'}: summary in ${path.join(outDir, 'summary.json')}`);
  return lines.join('\n');
}
