/**
 * Percentile-bootstrap confidence interval of the ratio mean(candidate) / mean(baseline): both
 * samples are resampled with replacement, independently, BOOTSTRAP_RESAMPLES times, from a fixed
 * seed, so the same inputs always give the same interval.
 */
import { quantileSorted } from './describe.js';
import { mulberry32 } from './prng.js';

export const BOOTSTRAP_RESAMPLES = 2_000;
export const BOOTSTRAP_SEED = 0x10b5;

function resampledMean(values: readonly number[], next: () => number): number {
  let sum = 0;
  for (let index = 0; index < values.length; index += 1) sum += values[Math.floor(next() * values.length)]!;
  return sum / values.length;
}

export function bootstrapRatioCi(
  baseline: readonly number[],
  candidate: readonly number[],
  confidence = 0.95,
  resamples = BOOTSTRAP_RESAMPLES,
): [number, number] | null {
  if (baseline.length === 0 || candidate.length === 0) return null;
  const next = mulberry32(BOOTSTRAP_SEED);
  const ratios: number[] = [];
  for (let index = 0; index < resamples; index += 1) {
    const denominator = resampledMean(baseline, next);
    if (denominator === 0) continue;
    ratios.push(resampledMean(candidate, next) / denominator);
  }
  if (ratios.length === 0) return null;
  ratios.sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  return [quantileSorted(ratios, tail), quantileSorted(ratios, 1 - tail)];
}
