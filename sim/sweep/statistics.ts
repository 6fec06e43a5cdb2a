/**
 * Distribution of one metric across the seeds of a sweep: mean, sample sd, quantiles and the 95%
 * confidence interval of the mean (Student's t with n - 1 degrees of freedom).
 */
import { mean, quantile, sampleStandardDeviation } from 'simple-statistics';

/** Two-sided 95% Student t critical values for 1..30 degrees of freedom; beyond, the normal 1.96. */
const T_95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];
const Z_95 = 1.96;

export interface Distribution {
  n: number;
  mean: number;
  sd: number | null;
  min: number;
  p05: number;
  p50: number;
  p95: number;
  max: number;
  /** 95% confidence interval of the mean; null with fewer than 2 values. */
  ci95: [number, number] | null;
}

export function tCritical95(degreesOfFreedom: number): number {
  return T_95[degreesOfFreedom - 1] ?? Z_95;
}

const round = (value: number): number => Math.round(value * 1_000) / 1_000;

export function distribution(values: readonly number[]): Distribution | null {
  if (values.length === 0) return null;
  const m = mean([...values]);
  const sd = values.length > 1 ? sampleStandardDeviation([...values]) : null;
  const half = sd === null ? null : (tCritical95(values.length - 1) * sd) / Math.sqrt(values.length);
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: values.length,
    mean: round(m),
    sd: sd === null ? null : round(sd),
    min: round(sorted[0]!),
    p05: round(quantile(sorted, 0.05)),
    p50: round(quantile(sorted, 0.5)),
    p95: round(quantile(sorted, 0.95)),
    max: round(sorted.at(-1)!),
    ci95: half === null ? null : [round(m - half), round(m + half)],
  };
}
