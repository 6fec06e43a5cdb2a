/** The end-of-run summary table: what ran, the verdicts, the latencies, where the result went. */
import path from 'node:path';
import Table from 'cli-table3';
import type { RunResult } from '../sim/result/result.js';

const fixed = (value: number | null | undefined, digits = 1): string => (value === null || value === undefined ? '-' : value.toFixed(digits));
const verdict = (passed: boolean): string => (passed ? 'PASS' : 'FAIL');

export function formatRunSummary(result: RunResult, outDir: string): string {
  const { counts } = result.metrics;
  const head = [
    `scenario ${result.scenario.name}  seed ${result.seed}  mode ${result.mode}  version ${result.version.package}@${result.version.commit}`,
    `event hash ${result.eventHash} over ${result.events} events; ${result.metrics.eventsPerWallS.toLocaleString('en-US')} events/s of wall time`,
    `orders sent ${counts.orders}  cancels sent ${counts.cancels}  trades ${counts.trades}  filled ${counts.filledQuantity}  resting at end ${counts.restingOrders}`,
  ];

  const latency = new Table({ head: ['latency (us)', 'count', 'p50', 'p99', 'p99.9', 'max'], style: { head: [], border: [] } });
  for (const [operation, { corrected }] of Object.entries(result.metrics.latency)) {
    latency.push([operation, corrected.count, fixed(corrected.p50_us), fixed(corrected.p99_us), fixed(corrected.p999_us), fixed(corrected.max_us)]);
  }

  const verdicts = new Table({ head: ['check', 'verdict', 'detail'], style: { head: [], border: [] }, colWidths: [22, 9, 80], wordWrap: true });
  for (const check of result.checks) verdicts.push([check.name, verdict(check.passed), check.detail]);
  for (const threshold of result.thresholds) verdicts.push([threshold.text, verdict(threshold.passed), threshold.detail]);

  return [
    ...head,
    latency.toString(),
    verdicts.toString(),
    `${verdict(result.passed)}: result in ${path.join(outDir, 'result.json')}`,
  ].join('\n');
}
