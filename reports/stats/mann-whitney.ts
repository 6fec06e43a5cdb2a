/**
 * The Mann-Whitney U test (Wilcoxon rank-sum), one-sided: is sample `y` stochastically greater
 * than sample `x`? Rank-based, so it needs no normality and a single outlier seed cannot decide it.
 *
 * - Exact p-value (the permutation distribution of U, by dynamic programming) when there are no
 *   ties and n1 * n2 <= EXACT_PAIRS_MAX; with 4 seeds against 4 the smallest p is 1/70 = 0.014.
 * - Otherwise the normal approximation with tie correction and continuity correction.
 */

/** Pairs up to which the exact distribution is computed (its table has n1*n2+1 entries per size). */
export const EXACT_PAIRS_MAX = 2_500;

export interface MannWhitneyResult {
  /** U statistic of y: pairs (x_i, y_j) with y_j > x_i, ties counted one half. */
  uGreater: number;
  n1: number;
  n2: number;
  /** One-sided p-value of H0 "y is not stochastically greater than x". */
  pGreater: number;
  method: 'exact' | 'normal';
}

function ranks(values: readonly number[]): { ranks: number[]; tieTerm: number } {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const result = new Array<number>(values.length);
  let tieTerm = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.value === order[start]!.value) end += 1;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k += 1) result[order[k]!.index] = rank;
    const tied = end - start + 1;
    tieTerm += tied ** 3 - tied;
    start = end + 1;
  }
  return { ranks: result, tieTerm };
}

/** Number of arrangements giving each U for sizes (m, n): counts[m][n][u], built bottom-up. */
function exactUpperTail(n1: number, n2: number, u: number): number {
  // f(m, n, k): arrangements of m x's and n y's with exactly k (x < y) pairs.
  let previous: number[][] = Array.from({ length: n2 + 1 }, () => [1]);
  for (let m = 1; m <= n1; m += 1) {
    const current: number[][] = [[1]];
    for (let n = 1; n <= n2; n += 1) {
      const size = m * n + 1;
      const row = new Array<number>(size).fill(0);
      // The largest element is a y (adds m pairs: every x is below it) or an x (adds none).
      const withY = current[n - 1]!;
      const withX = previous[n]!;
      for (let k = 0; k < size; k += 1) row[k] = (k - m >= 0 ? withY[k - m] ?? 0 : 0) + (withX[k] ?? 0);
      current.push(row);
    }
    previous = current;
  }
  const distribution = previous[n2]!;
  const total = distribution.reduce((sum, count) => sum + count, 0);
  let tail = 0;
  for (let k = Math.ceil(u); k < distribution.length; k += 1) tail += distribution[k]!;
  return tail / total;
}

/** Standard normal upper tail, Abramowitz-Stegun 7.1.26 (error below 1.5e-7). */
export function normalUpperTail(z: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(z) / Math.SQRT2);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erfc = poly * Math.exp(-(z * z) / 2);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

export function mannWhitneyGreater(x: readonly number[], y: readonly number[]): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new RangeError(`mannWhitneyGreater: both samples need values (got ${n1} and ${n2})`);
  const { ranks: all, tieTerm } = ranks([...x, ...y]);
  const rankSumY = all.slice(n1).reduce((sum, rank) => sum + rank, 0);
  const uGreater = rankSumY - (n2 * (n2 + 1)) / 2;
  if (tieTerm === 0 && n1 * n2 <= EXACT_PAIRS_MAX) {
    return { uGreater, n1, n2, pGreater: exactUpperTail(n1, n2, uGreater), method: 'exact' };
  }
  const n = n1 + n2;
  const meanU = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { uGreater, n1, n2, pGreater: 1, method: 'normal' };
  const z = (uGreater - meanU - 0.5) / Math.sqrt(variance);
  return { uGreater, n1, n2, pGreater: normalUpperTail(z), method: 'normal' };
}
