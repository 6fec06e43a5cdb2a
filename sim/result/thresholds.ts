/**
 * Evaluates a scenario's thresholds (`ack.p99 <= 100us`, `throughput >= 9000`) against a run's
 * metrics. Latency metrics read the corrected summaries (from the planned send time).
 */
import { THRESHOLD_TIME_UNITS_US, THROUGHPUT_METRIC, thresholdHolds } from '../scenario/thresholds.js';
import type { Threshold } from '../scenario/types.js';
import type { RunMetrics, ThresholdVerdict } from './result.js';

/** The measured value: microseconds for latencies, orders per second for throughput; null if none. */
function measured(metric: string, metrics: RunMetrics): number | null {
  if (metric === THROUGHPUT_METRIC) return metrics.throughputOrdersPerS;
  const [operation, stat] = metric.split('.');
  const summary = operation === undefined ? undefined : metrics.latency[operation]?.corrected;
  const value = summary === undefined ? undefined : (summary as unknown as Record<string, number | null>)[`${stat}_us`];
  return value ?? null;
}

export function evaluateThresholds(thresholds: readonly Threshold[], metrics: RunMetrics): ThresholdVerdict[] {
  return thresholds.map((threshold) => {
    const actual = measured(threshold.metric, metrics);
    if (actual === null) return { text: threshold.text, passed: false, actual, detail: `no data for ${threshold.metric}` };
    // Shown in the threshold's own unit.
    const shown = Math.round((actual / (THRESHOLD_TIME_UNITS_US[threshold.unit] ?? 1)) * 1_000) / 1_000;
    return { text: threshold.text, passed: thresholdHolds(threshold, actual), actual: shown, detail: `measured ${shown}${threshold.unit}` };
  });
}
