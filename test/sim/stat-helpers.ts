/**
 * Small goodness-of-fit helpers for the statistical tests of sim/random and sim/flow: the
 * Kolmogorov-Smirnov statistic and its asymptotic p-value (Stephens' small-sample correction), and
 * Pearson's chi-square with its p-value from the regularized upper incomplete gamma function.
 * Distribution functions come from simple-statistics where it has them (errorFunction, gammaln).
 */
import { errorFunction, gammaln } from 'simple-statistics';

export type Cdf = (x: number) => number;

export const normalCdf = (mean: number, sd: number): Cdf => (x) => 0.5 * (1 + errorFunction((x - mean) / (sd * Math.SQRT2)));
export const exponentialCdf = (rate: number): Cdf => (x) => (x <= 0 ? 0 : 1 - Math.exp(-rate * x));
export const uniformCdf: Cdf = (x) => (x <= 0 ? 0 : x >= 1 ? 1 : x);
/** |Z| for Z ~ N(0, 1). */
export const halfNormalCdf: Cdf = (x) => (x <= 0 ? 0 : errorFunction(x / Math.SQRT2));

export interface TestResult {
  statistic: number;
  pValue: number;
}

/** One-sample KS test of a continuous sample against a fully specified CDF. */
export function ksTest(sample: readonly number[], cdf: Cdf): TestResult {
  const sorted = Float64Array.from(sample).sort();
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i] as number);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return { statistic: d, pValue: kolmogorovQ((Math.sqrt(n) + 0.12 + 0.11 / Math.sqrt(n)) * d) };
}

/** P(K > lambda) for the Kolmogorov distribution. */
function kolmogorovQ(lambda: number): number {
  if (lambda < 0.2) return 1;
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = 2 * (k % 2 === 1 ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-12) break;
  }
  return Math.min(1, Math.max(0, sum));
}

/** Pearson chi-square of observed counts against expected counts; df = categories - 1 - fittedParams. */
export function chiSquareTest(observed: readonly number[], expected: readonly number[], fittedParams = 0): TestResult & { df: number } {
  let statistic = 0;
  for (let i = 0; i < observed.length; i++) {
    const e = expected[i] as number;
    if (!(e >= 5)) throw new Error(`chiSquareTest: expected count ${e} in cell ${i} is below 5`);
    statistic += ((observed[i] as number) - e) ** 2 / e;
  }
  const df = observed.length - 1 - fittedParams;
  return { statistic, df, pValue: gammaQ(df / 2, statistic / 2) };
}

/** Upper tail P(X > statistic) of chi-square with df degrees of freedom. */
export const chiSquareUpperTail = (statistic: number, df: number): number => gammaQ(df / 2, statistic / 2);

/** Regularized upper incomplete gamma Q(a, x) (series below a + 1, continued fraction above). */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const logPrefix = -x + a * Math.log(x) - gammaln(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 1000 && Math.abs(term) > Math.abs(sum) * 1e-15; n++) {
      term *= x / (a + n);
      sum += term;
    }
    return 1 - sum * Math.exp(logPrefix);
  }
  // Lentz's continued fraction for Q.
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.exp(logPrefix) * h;
}

/** Two-sided p-value of a count against a Poisson mean, by the normal approximation (mean >= 100). */
export function poissonCountPValue(count: number, mean: number): TestResult {
  const z = (count - mean) / Math.sqrt(mean);
  return { statistic: z, pValue: 1 - errorFunction(Math.abs(z) / Math.SQRT2) };
}

/** Counts of values in [0, cells) (integers). */
export function histogram(values: Iterable<number>, cells: number): number[] {
  const counts = new Array<number>(cells).fill(0);
  for (const v of values) counts[v] = (counts[v] as number) + 1;
  return counts;
}

/** Prints one line per statistical test so the figures at the fixed seeds are visible in the log. */
export function report(label: string, result: TestResult & { df?: number }): void {
  const df = result.df === undefined ? '' : ` df=${result.df}`;
  console.log(`[stat] ${label}: statistic=${result.statistic.toPrecision(5)}${df} p=${result.pValue.toPrecision(4)}`);
}

/** The significance level each goodness-of-fit test must clear at its fixed seed. */
export const ALPHA = 0.001;
