/**
 * One metric, baseline seeds against candidate seeds. The candidate is a regression when both
 * (1) its median is worse than the baseline's by more than the tolerance, and (2) the difference
 * is significant: the one-sided Mann-Whitney U test gives p < alpha. When the samples are too small
 * for the test to ever reach alpha (fewer than 4 seeds a side), the ratio alone decides and the
 * gate's rerun-once guards against noise. The bootstrap CI of the ratio of means is reported for
 * the reader; it does not decide.
 */
import { bootstrapRatioCi } from '../stats/bootstrap.js';
import { median } from '../stats/describe.js';
import { mannWhitneyGreater } from '../stats/mann-whitney.js';
import type { ComparisonVerdict, Direction, MetricComparison } from './verdicts.js';

export interface SampleSpec {
  metric: string;
  direction: Direction;
  kind: 'measured' | 'modelled';
  normalized: boolean;
  /** Fractional tolerance: 0.25 means 25% worse is still a pass. */
  tolerance: number;
  alpha: number;
  /** Informational only: never a regression (e.g. the max, one sample of the tail). */
  informational?: boolean;
}

/** Smallest one-sided p the exact test can give for these sizes: 1 / C(n1 + n2, n1). */
export function smallestP(n1: number, n2: number): number {
  let combinations = 1;
  for (let k = 1; k <= n1; k += 1) combinations = (combinations * (n2 + k)) / k;
  return 1 / combinations;
}

const round = (value: number, digits = 4): number => Math.round(value * 10 ** digits) / 10 ** digits;

export function compareSamples(spec: SampleSpec, baseline: number[], candidate: number[]): MetricComparison {
  const lowerBetter = spec.direction === 'lower-is-better';
  const limit = lowerBetter ? 1 + spec.tolerance : 1 - spec.tolerance;
  const base = { metric: spec.metric, direction: spec.direction, kind: spec.kind, normalized: spec.normalized, baseline, candidate, limit: round(limit) };
  if (baseline.length === 0 || candidate.length === 0) {
    return { ...base, baselineMedian: null, candidateMedian: null, ratio: null, ratioCi95: null, pWorse: null, verdict: 'info', note: 'no data on one side' };
  }
  const baselineMedian = median(baseline);
  const candidateMedian = median(candidate);
  const ratio = baselineMedian === 0 ? (candidateMedian === 0 ? 1 : null) : candidateMedian / baselineMedian;
  const ci = bootstrapRatioCi(baseline, candidate);
  const test = lowerBetter ? mannWhitneyGreater(baseline, candidate) : mannWhitneyGreater(candidate, baseline);
  const reverse = lowerBetter ? mannWhitneyGreater(candidate, baseline) : mannWhitneyGreater(baseline, candidate);
  const testable = smallestP(baseline.length, candidate.length) < spec.alpha;
  const worse = ratio !== null && (lowerBetter ? ratio > limit : ratio < limit);
  const better = ratio !== null && (lowerBetter ? ratio < 1 / limit : ratio > 1 / limit);
  const significant = !testable || test.pGreater < spec.alpha;
  let verdict: ComparisonVerdict = 'pass';
  let note = testable ? `Mann-Whitney ${test.method} p=${round(test.pGreater, 3)}` : `${baseline.length} vs ${candidate.length} samples: too few for a test, ratio only`;
  if (spec.informational) verdict = 'info';
  else if (worse && significant) verdict = 'regression';
  else if (worse) note += `; worse than the limit but not significant (alpha ${spec.alpha})`;
  else if (better && (!testable || reverse.pGreater < spec.alpha)) verdict = 'improvement';
  return {
    ...base,
    baselineMedian: round(baselineMedian),
    candidateMedian: round(candidateMedian),
    ratio: ratio === null ? null : round(ratio),
    ratioCi95: ci === null ? null : [round(ci[0]), round(ci[1])],
    pWorse: testable ? round(test.pGreater, 4) : null,
    verdict,
    note,
  };
}
