/**
 * Evaluates a scenario's thresholds (`ack.p99 <= 100us`, `throughput >= 9000`) against a run's
 * metrics. Latency metrics read the corrected summaries (from the planned send time).
 */
import type { Threshold } from '../scenario/types.js';
import type { RunMetrics, ThresholdVerdict } from './result.js';

const US_PER_UNIT: Record<string, number> = { ns: 0.001, us: 1, ms: 1_000, s: 1_000_000 };
const STAT_KEYS: Record<string, string> = {
  min: 'min_us', mean: 'mean_us', p50: 'p50_us', p90: 'p90_us', p99: 'p99_us', p999: 'p999_us', p9999: 'p9999_us', max: 'max_us',
};

function measured(metric: string, unit: string, metrics: RunMetrics): number | null {
  if (metric === 'throughput') return metrics.throughputOrdersPerS;
  const [operation, stat] = metric.split('.');
  const summary = operation === undefined ? undefined : metrics.latency[operation]?.corrected;
  const key = stat === undefined ? undefined : STAT_KEYS[stat];
  if (summary === undefined || key === undefined) return null;
  const valueUs = (summary as unknown as Record<string, number | null>)[key];
  if (valueUs === null || valueUs === undefined) return null;
  return valueUs / (US_PER_UNIT[unit] ?? 1);
}

function compare(actual: number, operator: Threshold['operator'], value: number): boolean {
  switch (operator) {
    case '<=': return actual <= value;
    case '<': return actual < value;
    case '>=': return actual >= value;
    case '>': return actual > value;
    case '==': return actual === value;
  }
}

export function evaluateThresholds(thresholds: readonly Threshold[], metrics: RunMetrics): ThresholdVerdict[] {
  return thresholds.map((threshold) => {
    const actual = measured(threshold.metric, threshold.unit, metrics);
    if (actual === null) return { text: threshold.text, passed: false, actual, detail: `no data for ${threshold.metric}` };
    const rounded = Math.round(actual * 1_000) / 1_000;
    const passed = compare(actual, threshold.operator, threshold.value);
    return { text: threshold.text, passed, actual: rounded, detail: `measured ${rounded}${threshold.unit}` };
  });
}
