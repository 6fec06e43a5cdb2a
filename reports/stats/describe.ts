/** Plain descriptive statistics over small samples (a sweep's seeds); every function rejects an empty sample. */

function nonEmpty(values: readonly number[], name: string): void {
  if (values.length === 0) throw new RangeError(`${name}: the sample is empty`);
}

export function mean(values: readonly number[]): number {
  nonEmpty(values, 'mean');
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

export function median(values: readonly number[]): number {
  nonEmpty(values, 'median');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Linear-interpolated quantile (type 7, as R and numpy default), q in [0, 1]. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  nonEmpty(sorted, 'quantileSorted');
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}
