/**
 * HDR histogram reading for reports: decode the result file's encodings (HdrHistogram V2
 * compressed base64, ns), merge them exactly, read percentiles and the percentile spectrum.
 * Uses the plain-JS build with 64-bit counts, as the writer does, so merges are exact.
 */
import { build, decodeFromCompressedBase64, JsHistogram, type Histogram } from 'hdr-histogram-js';
import { ReportInputError } from './errors.js';

const NS_PER_US = 1_000;
/** Percentile ticks per halving of the distance to 100%, as HdrHistogram's default output. */
export const SPECTRUM_TICKS_PER_HALF_DISTANCE = 5;
/** Percentiles compared one by one on merged histograms by compare and gate. */
export const COMPARED_PERCENTILES = [50, 90, 99, 99.9, 100] as const;

export interface SpectrumPoint {
  percentile: number;
  valueUs: number;
}

export function decodeEncoded(encoded: string, field: string): Histogram {
  try {
    const histogram = decodeFromCompressedBase64(encoded, 64, false);
    histogram.autoResize = true;
    return histogram;
  } catch (error) {
    throw new ReportInputError(`${field}: not an HdrHistogram V2 compressed base64 encoding (${(error as Error).message})`);
  }
}

/** Exact merge (bucket counts add); all inputs must share significant digits. */
export function mergeDecoded(list: readonly Histogram[], field: string): Histogram {
  const first = list[0];
  if (first === undefined) throw new ReportInputError(`${field}: nothing to merge`);
  const merged = build({
    bitBucketSize: 64,
    useWebAssembly: false,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: first.highestTrackableValue,
    numberOfSignificantValueDigits: first.numberOfSignificantValueDigits as 1 | 2 | 3 | 4 | 5,
  });
  for (const histogram of list) {
    if (histogram.numberOfSignificantValueDigits !== first.numberOfSignificantValueDigits) {
      throw new ReportInputError(`${field}: significant digits differ (${histogram.numberOfSignificantValueDigits} vs ${first.numberOfSignificantValueDigits}); the merge would not be exact`);
    }
    merged.add(histogram);
  }
  return merged;
}

export function percentileUs(histogram: Histogram, percentile: number): number | null {
  if (histogram.totalCount === 0) return null;
  return histogram.getValueAtPercentile(percentile) / NS_PER_US;
}

/** HdrHistogram's outputPercentileDistribution as data, ending at percentile 100 (the max). */
export function spectrum(histogram: Histogram, ticksPerHalfDistance = SPECTRUM_TICKS_PER_HALF_DISTANCE): SpectrumPoint[] {
  if (!(histogram instanceof JsHistogram)) throw new TypeError('spectrum: needs a plain-JS histogram');
  const points: SpectrumPoint[] = [];
  if (histogram.totalCount === 0) return points;
  const iterator = histogram.percentileIterator;
  iterator.reset(ticksPerHalfDistance);
  while (iterator.hasNext()) {
    const step = iterator.next();
    points.push({ percentile: step.percentileLevelIteratedTo, valueUs: step.valueIteratedTo / NS_PER_US });
  }
  return points;
}
