/**
 * HDR histogram helpers shared by the latency recorder and the timeline: building, encoding,
 * exact merging, summaries and percentile spectra.
 *
 * Invariants:
 * - Values are recorded in integer nanoseconds in [0, latencyNsMax]. Callers clamp with
 *   clampLatencyNs, which never throws: the hot path counts adjustments instead.
 * - Histograms are the plain-JS build with 64-bit (Float64Array) counts: exact up to 2^53 per
 *   bucket (so merges across many seeds cannot overflow), they work in worker_threads without any
 *   WebAssembly initialisation, and they need no destroy().
 * - A merge is exact (bucket counts add) when all inputs share significant digits; mergeEncoded
 *   takes its parameters from the first input and asserts the others match.
 *
 * Performance (Node 20, this machine): recordValue about 6M values/s for 3 digits and a 60 s range
 * (the library computes indexes with floating-point log2); 32-bit counts are no faster and
 * 'packed' counts 5x slower. summarize() of a full histogram takes about 17 ms and
 * percentileSpectrum() about 6 ms: once per report, never per event.
 */
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, JsHistogram } from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import { InvariantError } from '../../engine/errors.js';
import type { LatencySummary, PercentilePoint, SparseCounts } from './types.js';

export type { SparseCounts };

/** Largest latency a histogram tracks: 60 s in ns. Larger values are clamped to it and counted. */
export const latencyNsMax = 60_000_000_000;
/** Relative precision of the run-wide histograms: 3 digits (0.1%). */
export const latencySignificantDigits = 3;
/** Percentile ticks per halving of the distance to 100%, as in HdrHistogram's default output. */
export const spectrumTicksPerHalfDistance = 5;

type SignificantDigits = 1 | 2 | 3 | 4 | 5;

/** Builds an empty histogram in ns over [0, latencyNsMax]. */
export function createLatencyHistogram(significantDigits: SignificantDigits = latencySignificantDigits): Histogram {
  return build({
    bitBucketSize: 64,
    useWebAssembly: false,
    autoResize: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: latencyNsMax,
    numberOfSignificantValueDigits: significantDigits,
  });
}

/**
 * The value to record for a latency: rounded to an integer nanosecond and clamped to
 * [0, latencyNsMax] (NaN becomes 0). Never throws; callers compare input and output to count
 * adjustments, because the hot path must not fail on one bad sample.
 */
export function clampLatencyNs(valueNs: number): number {
  if (valueNs > latencyNsMax) return latencyNsMax;
  if (!(valueNs >= 0)) return 0;
  return Math.round(valueNs);
}

/** HdrHistogram V2 compressed encoding, base64. Deterministic: the same counts give the same string. */
export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}

/** Decodes an encoding of encodeHistogram into a histogram with 64-bit counts. */
export function decodeHistogram(encoded: string): Histogram {
  const histogram = decodeFromCompressedBase64(encoded, 64, false);
  histogram.autoResize = true;
  return histogram;
}

/** Adds histograms into a new one (exact: bucket counts add). Throws on an empty list. */
export function mergeHistograms(list: readonly Histogram[]): Histogram {
  const first = list[0];
  if (first === undefined) throw new InvariantError('mergeHistograms: the list is empty');
  const merged = createLatencyHistogram(first.numberOfSignificantValueDigits as SignificantDigits);
  merged.autoResize = true;
  for (const histogram of list) {
    if (histogram.numberOfSignificantValueDigits !== first.numberOfSignificantValueDigits) {
      throw new InvariantError(
        `mergeHistograms: significant digits differ (${histogram.numberOfSignificantValueDigits} vs ${first.numberOfSignificantValueDigits}), the merge would not be exact`,
      );
    }
    merged.add(histogram);
  }
  return merged;
}

/** Exact merge of encodings; an empty list gives the encoding of an empty run-wide histogram. */
export function mergeEncoded(list: readonly string[]): string {
  if (list.length === 0) return encodeHistogram(createLatencyHistogram());
  return encodeHistogram(mergeHistograms(list.map(decodeHistogram)));
}

const nsPerUs = 1000;

function valueUs(histogram: Histogram, percentile: number): number {
  return histogram.getValueAtPercentile(percentile) / nsPerUs;
}

/**
 * Count, min, mean, percentiles up to p99.99 and max, in microseconds; null values when empty.
 * Every value is read from the bucket counts (max is the highest value equivalent to the largest
 * recorded one, as HdrHistogram reports it), so a live histogram and its decoded encoding give
 * the same summary.
 */
export function summarize(histogram: Histogram): LatencySummary {
  const count = histogram.totalCount;
  if (count === 0) {
    return { count, min_us: null, mean_us: null, p50_us: null, p90_us: null, p99_us: null, p999_us: null, p9999_us: null, max_us: null };
  }
  return {
    count,
    min_us: valueUs(histogram, 0),
    mean_us: histogram.mean / nsPerUs,
    p50_us: valueUs(histogram, 50),
    p90_us: valueUs(histogram, 90),
    p99_us: valueUs(histogram, 99),
    p999_us: valueUs(histogram, 99.9),
    p9999_us: valueUs(histogram, 99.99),
    max_us: valueUs(histogram, 100),
  };
}

/**
 * The percentile distribution HdrHistogram prints (outputPercentileDistribution), as data: one
 * point per tick, ticksPerHalfDistance ticks per halving of the distance to 100%, ending at 100.
 */
export function percentileSpectrum(
  histogram: Histogram,
  ticksPerHalfDistance: number = spectrumTicksPerHalfDistance,
): PercentilePoint[] {
  if (!(histogram instanceof JsHistogram)) throw new InvariantError('percentileSpectrum: needs a plain-JS histogram');
  if (!Number.isInteger(ticksPerHalfDistance) || ticksPerHalfDistance < 1) {
    throw new InvariantError(`percentileSpectrum: ticksPerHalfDistance must be an integer >= 1, got ${ticksPerHalfDistance}`);
  }
  const points: PercentilePoint[] = [];
  if (histogram.totalCount === 0) return points;
  const iterator = histogram.percentileIterator;
  iterator.reset(ticksPerHalfDistance);
  while (iterator.hasNext()) {
    const step = iterator.next();
    points.push({
      percentile: step.percentileLevelIteratedTo,
      valueUs: step.valueIteratedTo / nsPerUs,
      count: step.totalCountToThisValue,
    });
  }
  return points;
}

/** The internals of the plain-JS histogram that recordInto and the sparse form use (public in the JS build). */
interface JsHistogramInternals {
  subBucketHalfCountMagnitude: number;
  subBucketHalfCount: number;
  unitMagnitude: number;
  countsArrayLength: number;
  maxValue: number;
  minNonZeroValue: number;
  incrementCountAtIndex(index: number): void;
  incrementTotalCount(): void;
  updateMinAndMax(value: number): void;
  recordValue(value: number): void;
  getCountAtIndex(index: number): number;
  setCountAtIndex(index: number, count: number): void;
  countsArrayIndex(value: number): number;
  establishInternalTackingValues(lengthToCover?: number): void;
}

function internalsOf(histogram: Histogram, caller: string): JsHistogramInternals {
  if (!(histogram instanceof JsHistogram)) throw new InvariantError(`${caller}: needs a plain-JS histogram`);
  return histogram as unknown as JsHistogramInternals;
}

/** The nonzero counts of a plain-JS histogram (see SparseCounts in types.ts). */
export function sparseCountsOf(histogram: Histogram): SparseCounts {
  const h = internalsOf(histogram, 'sparseCountsOf');
  const indexes: number[] = [];
  const counts: number[] = [];
  if (histogram.totalCount === 0) return { indexes, counts };
  // No count lies above the max value's bucket.
  const end = Math.min(h.countsArrayLength, h.countsArrayIndex(h.maxValue) + 1);
  for (let index = 0; index < end; index++) {
    const count = h.getCountAtIndex(index);
    if (count !== 0) {
      indexes.push(index);
      counts.push(count);
    }
  }
  return { indexes, counts };
}

/**
 * Resets `histogram` to hold exactly `sparse` (taken from a histogram of the same layout) and
 * returns it. Total count, min and max are derived from the counts, as a decoded histogram's are.
 */
export function fillFromSparse(histogram: Histogram, sparse: SparseCounts): Histogram {
  const h = internalsOf(histogram, 'fillFromSparse');
  if (sparse.indexes.length !== sparse.counts.length) throw new InvariantError('fillFromSparse: indexes and counts differ in length');
  histogram.reset();
  let end = 0;
  for (let i = 0; i < sparse.indexes.length; i++) {
    const index = sparse.indexes[i]!;
    const count = sparse.counts[i]!;
    if (!(Number.isInteger(index) && index >= end && index < h.countsArrayLength) || !(count > 0)) {
      throw new InvariantError(`fillFromSparse: entry ${i} (index ${index}, count ${count}) is out of order, out of range or not positive`);
    }
    h.setCountAtIndex(index, count);
    end = index + 1;
  }
  h.establishInternalTackingValues(end);
  return histogram;
}

/** The sum of sparse counts of one layout (an exact merge), in counts-array order. */
export function addSparseCounts(list: readonly SparseCounts[]): SparseCounts {
  if (list.length === 1) return list[0]!;
  const sums = new Map<number, number>();
  for (const sparse of list) {
    for (let i = 0; i < sparse.indexes.length; i++) {
      const index = sparse.indexes[i]!;
      sums.set(index, (sums.get(index) ?? 0) + sparse.counts[i]!);
    }
  }
  const indexes = [...sums.keys()].sort((a, b) => a - b);
  return { indexes, counts: indexes.map((index) => sums.get(index)!) };
}

const TWO_POW_32 = 2 ** 32;

/**
 * histogram.recordValue(value) for an integer value in [0, latencyNsMax] (clampLatencyNs output),
 * with the same effect, faster: the bucket index comes from Math.clz32 instead of a floating-point
 * log2 for values below 2^32 (floor(log2(v)) = 31 - clz32(v) exactly for integers in [1, 2^32)),
 * and the sub-bucket from a shift. Anything else goes through recordValue.
 */
export function recordInto(histogram: Histogram, value: number): void {
  const index = fastIndex(histogram, value);
  if (index >= 0) bump(histogram as unknown as JsHistogramInternals, index, value);
  else histogram.recordValue(value);
}

/**
 * recordInto(first, value) and recordInto(second, value), computing the counts index once when the
 * two histograms share their layout (the corrected and raw histograms of one operation).
 */
export function recordIntoBoth(first: Histogram, second: Histogram, value: number): void {
  const index = fastIndex(first, value);
  if (index < 0 || !sameLayout(first, second)) {
    recordInto(first, value);
    recordInto(second, value);
    return;
  }
  bump(first as unknown as JsHistogramInternals, index, value);
  bump(second as unknown as JsHistogramInternals, index, value);
}

function sameLayout(a: Histogram, b: Histogram): boolean {
  const x = a as unknown as JsHistogramInternals;
  const y = b as unknown as JsHistogramInternals;
  return (
    b instanceof JsHistogram &&
    x.unitMagnitude === y.unitMagnitude &&
    x.subBucketHalfCountMagnitude === y.subBucketHalfCountMagnitude &&
    x.subBucketHalfCount === y.subBucketHalfCount &&
    x.countsArrayLength === y.countsArrayLength
  );
}

/** The counts index of value (as recordValue computes it), or -1 when the fast path does not apply. */
function fastIndex(histogram: Histogram, value: number): number {
  const h = histogram as unknown as JsHistogramInternals;
  if (!(value < TWO_POW_32 && h.unitMagnitude === 0 && histogram instanceof JsHistogram)) return -1;
  const magnitude = h.subBucketHalfCountMagnitude;
  const log2 = 31 - Math.clz32(value);
  const bucketIndex = log2 - magnitude > 0 ? log2 - magnitude : 0;
  // Shifts, not 2 ** n: V8 calls its ieee754 pow for a variable exponent (3.7% of a baseline run).
  // value < 2^32 and bucketIndex <= 31, so the unsigned shift is exact; the index fits 31 bits.
  const subBucketIndex = value >>> bucketIndex;
  const index = ((bucketIndex + 1) << magnitude) + (subBucketIndex - h.subBucketHalfCount);
  return index < h.countsArrayLength ? index : -1;
}

function bump(h: JsHistogramInternals, index: number, value: number): void {
  h.incrementCountAtIndex(index);
  h.updateMinAndMax(value);
  h.incrementTotalCount();
}
