/**
 * Thresholds: pass/fail limits on a run's metrics, written `<metric> <op> <number><unit>`.
 *
 * - metric: `<operation>.<statistic>` for latencies, operation one of LATENCY_OPERATIONS (ack, fill,
 *   cancel), statistic one of THRESHOLD_STATISTICS (min, mean, p50, p90, p99, p999, p9999, max);
 *   or `throughput`, orders per second over the run.
 * - op: <=, <, >=, > or ==.
 * - number: a plain decimal (`100`, `0.5`, `1e3`); unit: ns, us, ms or s for latencies (required),
 *   none for throughput. Spaces between the parts are optional.
 *
 * The parsed value and unit are kept as written; thresholdValueUs converts a latency to the
 * microseconds the metrics summaries use.
 */
import { LATENCY_OPERATIONS } from '../metrics/latency-recorder.js';
import type { ScenarioIssue } from './errors.js';
import type { Threshold } from './types.js';

export const THRESHOLD_STATISTICS = ['min', 'mean', 'p50', 'p90', 'p99', 'p999', 'p9999', 'max'] as const;
export const THRESHOLD_OPERATORS = ['<=', '<', '>=', '>', '=='] as const;
/** Microseconds per unit of a latency threshold. */
export const THRESHOLD_TIME_UNITS_US: Readonly<Record<string, number>> = { ns: 1e-3, us: 1, ms: 1e3, s: 1e6 };
export const THROUGHPUT_METRIC = 'throughput';

const GRAMMAR = /^\s*([A-Za-z0-9_.]+)\s*(<=|>=|==|<|>)\s*([0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)\s*([A-Za-z]*)\s*$/;
const GRAMMAR_TEXT = `must be "<metric> <op> <number><unit>" with <op> one of ${THRESHOLD_OPERATORS.join(' ')} and <unit> one of ${Object.keys(THRESHOLD_TIME_UNITS_US).join(' ')} (none for throughput), e.g. "ack.p99 <= 100us"`;

export function isLatencyMetric(metric: string): boolean {
  const [operation, statistic, extra] = metric.split('.');
  return (
    extra === undefined &&
    (LATENCY_OPERATIONS as readonly string[]).includes(operation ?? '') &&
    (THRESHOLD_STATISTICS as readonly string[]).includes(statistic ?? '')
  );
}

/** The threshold, or the issue that names what is wrong with it. `path` is e.g. `thresholds[2]`. */
export function parseThreshold(text: string, path: string): Threshold | ScenarioIssue {
  const match = GRAMMAR.exec(text);
  if (match === null) return { path, message: `${JSON.stringify(text)} is not allowed (${GRAMMAR_TEXT})` };
  const [, metric = '', operator = '', number = '', unit = ''] = match;
  const latency = isLatencyMetric(metric);
  if (!latency && metric !== THROUGHPUT_METRIC) {
    const metrics = `<${LATENCY_OPERATIONS.join('|')}>.<${THRESHOLD_STATISTICS.join('|')}> or ${THROUGHPUT_METRIC}`;
    return { path, message: `${JSON.stringify(text)}: metric ${JSON.stringify(metric)} is not allowed (must be ${metrics})` };
  }
  const units = Object.keys(THRESHOLD_TIME_UNITS_US);
  if (latency && !units.includes(unit)) {
    return { path, message: `${JSON.stringify(text)}: unit ${JSON.stringify(unit)} is not allowed (${metric} needs one of ${units.join(', ')})` };
  }
  if (!latency && unit !== '') {
    return { path, message: `${JSON.stringify(text)}: unit ${JSON.stringify(unit)} is not allowed (${THROUGHPUT_METRIC} takes no unit: orders per second)` };
  }
  const value = Number(number);
  if (!Number.isFinite(value)) return { path, message: `${JSON.stringify(text)}: ${number} is not allowed (must be a finite number)` };
  return { text, metric, operator: operator as Threshold['operator'], value, unit };
}

export function isThreshold(value: Threshold | ScenarioIssue): value is Threshold {
  return (value as Threshold).metric !== undefined;
}

/** A latency threshold's value in microseconds (the unit of the metrics summaries). */
export function thresholdValueUs(threshold: Threshold): number {
  const perUnit = THRESHOLD_TIME_UNITS_US[threshold.unit];
  if (perUnit === undefined) throw new RangeError(`thresholdValueUs: ${threshold.text} is not a latency threshold`);
  return threshold.value * perUnit;
}

/** Whether `actual` (microseconds for latencies, orders per second for throughput) meets the threshold. */
export function thresholdHolds(threshold: Threshold, actual: number): boolean {
  const limit = threshold.metric === THROUGHPUT_METRIC ? threshold.value : thresholdValueUs(threshold);
  switch (threshold.operator) {
    case '<=':
      return actual <= limit;
    case '<':
      return actual < limit;
    case '>=':
      return actual >= limit;
    case '>':
      return actual > limit;
    case '==':
      return actual === limit;
  }
}
