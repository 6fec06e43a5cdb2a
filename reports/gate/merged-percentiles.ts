/**
 * Per-percentile comparison of the corrected latency histograms merged (exactly) across seeds.
 * A percentile p is gated only when both merged histograms hold at least
 * TAIL_SAMPLES_MIN / (1 - p/100) values (p99.9 needs 10,000): above that, one value is noise.
 * The max (p100) is always informational.
 */
import type { Histogram } from 'hdr-histogram-js';
import { COMPARED_PERCENTILES, decodeEncoded, mergeDecoded, percentileUs } from '../hdr.js';
import type { RunResult } from '../result-shape.js';
import { compareSamples } from './compare-samples.js';
import { normalizeValue } from './metric-specs.js';
import type { GateOptions } from './options.js';
import type { MetricComparison } from './verdicts.js';

/** Values beyond a percentile needed to gate on it. */
export const TAIL_SAMPLES_MIN = 10;

export function mergedOperation(results: readonly RunResult[], operation: string, series: 'corrected' | 'raw'): Histogram | null {
  const encodings = results.flatMap((result) => {
    const encoded = result.histograms.operations[operation]?.[series];
    return encoded === undefined ? [] : [decodeEncoded(encoded.hdr, `seed ${result.seed} histograms.operations.${operation}.${series}.hdr`)];
  });
  return encodings.length === 0 ? null : mergeDecoded(encodings, `histograms.operations.${operation}.${series}`);
}

function enoughSamples(count: number, percentile: number): boolean {
  return percentile < 100 && count * (1 - percentile / 100) >= TAIL_SAMPLES_MIN;
}

export function compareMergedPercentiles(
  baseline: readonly RunResult[],
  candidate: readonly RunResult[],
  mode: string,
  options: GateOptions,
  factor: number | null,
): MetricComparison[] {
  const measured = mode !== 'deterministic';
  const operations = Object.keys(baseline[0]?.histograms.operations ?? {});
  return operations.flatMap((operation) => {
    const a = mergedOperation(baseline, operation, 'corrected');
    const b = mergedOperation(candidate, operation, 'corrected');
    if (a === null || b === null) return [];
    return COMPARED_PERCENTILES.map((percentile) => {
      const base = percentileUs(a, percentile);
      let cand = percentileUs(b, percentile);
      const normalized = measured && factor !== null;
      if (cand !== null && normalized) cand = normalizeValue(cand, 'lower-is-better', factor);
      const gated = enoughSamples(Math.min(a.totalCount, b.totalCount), percentile);
      const comparison = compareSamples(
        { metric: `${operation} p${percentile} (merged)`, direction: 'lower-is-better', kind: measured ? 'measured' : 'modelled', normalized, tolerance: options.latencyTolerance, alpha: options.alpha, informational: !gated },
        base === null ? [] : [base],
        cand === null ? [] : [cand],
      );
      const note = gated ? `merged over ${a.totalCount} / ${b.totalCount} values` : percentile === 100 ? 'the max: informational' : `too few values beyond p${percentile} to gate (${a.totalCount} / ${b.totalCount})`;
      return { ...comparison, note };
    });
  });
}
