/**
 * Which per-seed metrics the gate compares, and how. Wall-clock figures (events per wall second,
 * processing cost per event, and every latency in stress mode) are measured and normalized by the
 * calibration workload; deterministic-mode latencies are modelled facts, compared unnormalized.
 */
import type { RunResult } from '../result-shape.js';
import type { GateOptions } from './options.js';
import type { Direction } from './verdicts.js';

export interface PerSeedMetric {
  metric: string;
  direction: Direction;
  kind: 'measured' | 'modelled';
  tolerance: number;
  /** The value of one seed's result, or null when it has none. */
  read: (result: RunResult) => number | null;
}

const LATENCY_STATS = ['p50_us', 'p99_us', 'p999_us'] as const;

export function perSeedMetrics(results: readonly RunResult[], mode: string, options: GateOptions): PerSeedMetric[] {
  const latencyKind = mode === 'deterministic' ? 'modelled' : 'measured';
  const operations = [...new Set(results.flatMap((result) => Object.keys(result.metrics.latency)))];
  const specs: PerSeedMetric[] = [
    { metric: 'eventsPerWallS', direction: 'higher-is-better', kind: 'measured', tolerance: options.throughputTolerance, read: (r) => r.metrics.eventsPerWallS },
    { metric: 'processingCost.nsPerEvent', direction: 'lower-is-better', kind: 'measured', tolerance: options.costTolerance, read: (r) => r.metrics.processingCost?.nsPerEvent ?? null },
  ];
  if (mode !== 'deterministic') {
    specs.push({ metric: 'throughputOrdersPerS', direction: 'higher-is-better', kind: 'measured', tolerance: options.throughputTolerance, read: (r) => r.metrics.throughputOrdersPerS });
  }
  for (const operation of operations) {
    for (const stat of LATENCY_STATS) {
      specs.push({ metric: `${operation}.${stat}`, direction: 'lower-is-better', kind: latencyKind, tolerance: options.latencyTolerance, read: (r) => r.metrics.latency[operation]?.corrected[stat] ?? null });
    }
  }
  return specs;
}

/**
 * Puts a candidate's wall-clock value on the baseline machine's scale. `factor` is candidate
 * calibration ns / baseline calibration ns: a slower machine (factor 1.3) has its costs divided by
 * 1.3 and its rates multiplied by 1.3.
 */
export function normalizeValue(value: number, direction: Direction, factor: number): number {
  return direction === 'lower-is-better' ? value / factor : value * factor;
}
