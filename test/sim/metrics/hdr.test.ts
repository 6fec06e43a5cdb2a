/**
 * HDR helpers: encoding round trip, exact merge, summaries against known data, percentile spectrum.
 */
import { describe, expect, it } from 'vitest';
import type { Histogram } from 'hdr-histogram-js';
import { InvariantError } from '../../../engine/errors.js';
import {
  addSparseCounts,
  clampLatencyNs,
  createLatencyHistogram,
  decodeHistogram,
  encodeHistogram,
  fillFromSparse,
  latencyNsMax,
  mergeEncoded,
  mergeHistograms,
  percentileSpectrum,
  sparseCountsOf,
  summarize,
} from '../../../sim/metrics/hdr.js';

/** A small seeded generator (LCG) so the data is the same on every run. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Heavy-tailed latencies in ns: 1 us to about 50 ms. */
function latencies(seed: number, n: number): number[] {
  const next = lcg(seed);
  return Array.from({ length: n }, () => Math.round(1000 + next() ** 6 * 5e7));
}

function histogramOf(values: readonly number[], digits: 2 | 3 = 3): Histogram {
  const histogram = createLatencyHistogram(digits);
  for (const value of values) histogram.recordValue(value);
  return histogram;
}

const checkedPercentiles = [0, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100];

describe('encodeHistogram / decodeHistogram', () => {
  it('round-trips counts, percentiles and max, and re-encodes to the same string', () => {
    const original = histogramOf(latencies(1, 20_000));
    const encoded = encodeHistogram(original);
    const decoded = decodeHistogram(encoded);
    expect(decoded.totalCount).toBe(20_000);
    for (const p of checkedPercentiles) expect(decoded.getValueAtPercentile(p)).toBe(original.getValueAtPercentile(p));
    expect(encodeHistogram(decoded)).toBe(encoded);
  });

  it('is deterministic: the same values give the same encoding', () => {
    expect(encodeHistogram(histogramOf(latencies(7, 5_000)))).toBe(encodeHistogram(histogramOf(latencies(7, 5_000))));
    expect(encodeHistogram(histogramOf(latencies(7, 5_000)))).not.toBe(encodeHistogram(histogramOf(latencies(8, 5_000))));
  });
});

describe('mergeEncoded', () => {
  const workers = [11, 12, 13, 14].map((seed, i) => latencies(seed, 5_000 + i * 1_000));
  const all = histogramOf(workers.flat());

  it('equals recording everything in one histogram (same counts, percentiles, encoding)', () => {
    const merged = mergeEncoded(workers.map((values) => encodeHistogram(histogramOf(values))));
    const decoded = decodeHistogram(merged);
    expect(decoded.totalCount).toBe(all.totalCount);
    expect(decoded.maxValue).toBe(decodeHistogram(encodeHistogram(all)).maxValue);
    expect(decoded.mean).toBe(all.mean);
    for (const p of checkedPercentiles) expect(decoded.getValueAtPercentile(p)).toBe(all.getValueAtPercentile(p));
    expect(merged).toBe(encodeHistogram(all));
  });

  it('does not depend on the order of the inputs', () => {
    const encodings = workers.map((values) => encodeHistogram(histogramOf(values)));
    expect(mergeEncoded([...encodings].reverse())).toBe(mergeEncoded(encodings));
  });

  it('merges 2-digit histograms at 2 digits, so interval merges stay exact', () => {
    const merged = decodeHistogram(mergeEncoded(workers.map((values) => encodeHistogram(histogramOf(values, 2)))));
    const single = histogramOf(workers.flat(), 2);
    expect(merged.numberOfSignificantValueDigits).toBe(2);
    for (const p of checkedPercentiles) expect(merged.getValueAtPercentile(p)).toBe(single.getValueAtPercentile(p));
  });

  it('refuses to mix precisions, and an empty list is an empty histogram', () => {
    expect(() => mergeHistograms([histogramOf([5], 3), histogramOf([5], 2)])).toThrow(InvariantError);
    expect(decodeHistogram(mergeEncoded([])).totalCount).toBe(0);
  });
});

describe('sparseCountsOf / fillFromSparse / addSparseCounts', () => {
  it('round-trips to the histogram a decode gives: counts, percentiles, max, encoding', () => {
    for (const digits of [2, 3] as const) {
      const original = histogramOf(latencies(3, 20_000), digits);
      const sparse = sparseCountsOf(original);
      expect(sparse.counts.reduce((a, b) => a + b, 0)).toBe(20_000);
      const filled = fillFromSparse(createLatencyHistogram(digits), sparse);
      const decoded = decodeHistogram(encodeHistogram(original));
      expect(filled.totalCount).toBe(20_000);
      expect(filled.maxValue).toBe(decoded.maxValue);
      expect(filled.minNonZeroValue).toBe(decoded.minNonZeroValue);
      for (const p of checkedPercentiles) expect(filled.getValueAtPercentile(p)).toBe(original.getValueAtPercentile(p));
      expect(encodeHistogram(filled)).toBe(encodeHistogram(original));
    }
  });

  it('refills a used histogram to exactly the sparse counts (nothing of its old content stays)', () => {
    const used = histogramOf(latencies(4, 1_000), 2);
    const wanted = histogramOf([5_000, 5_000, 70_000], 2);
    const filled = fillFromSparse(used, sparseCountsOf(wanted));
    expect(filled.totalCount).toBe(3);
    expect(encodeHistogram(filled)).toBe(encodeHistogram(wanted));
    expect(sparseCountsOf(createLatencyHistogram(2))).toEqual({ indexes: [], counts: [] });
  });

  it('adds exactly: the sum equals recording everything in one histogram, in any order', () => {
    const workers = [21, 22, 23].map((seed) => latencies(seed, 3_000));
    const parts = workers.map((values) => sparseCountsOf(histogramOf(values, 2)));
    const sum = addSparseCounts(parts);
    expect(sum).toEqual(sparseCountsOf(histogramOf(workers.flat(), 2)));
    expect(addSparseCounts([...parts].reverse())).toEqual(sum);
  });

  it('refuses entries out of order, out of range or not positive, naming the entry', () => {
    const histogram = createLatencyHistogram(2);
    expect(() => fillFromSparse(histogram, { indexes: [5, 3], counts: [1, 1] })).toThrow(/entry 1/);
    expect(() => fillFromSparse(histogram, { indexes: [1e9], counts: [1] })).toThrow(/entry 0/);
    expect(() => fillFromSparse(histogram, { indexes: [4], counts: [0] })).toThrow(/entry 0/);
    expect(() => fillFromSparse(histogram, { indexes: [4, 5], counts: [1] })).toThrow(/differ in length/);
  });
});

describe('clampLatencyNs', () => {
  it('clamps to [0, latencyNsMax], rounds, and maps NaN to 0', () => {
    expect(clampLatencyNs(latencyNsMax + 1)).toBe(latencyNsMax);
    expect(clampLatencyNs(-5)).toBe(0);
    expect(clampLatencyNs(Number.NaN)).toBe(0);
    expect(clampLatencyNs(1234.6)).toBe(1235);
  });
});

describe('summarize', () => {
  it('matches 1..100000 us uniform data within HDR precision (0.1%)', () => {
    const histogram = createLatencyHistogram();
    for (let us = 1; us <= 100_000; us++) histogram.recordValue(us * 1000);
    const summary = summarize(histogram);
    const near = (actual: number | null, expected: number): void => {
      expect(actual).not.toBeNull();
      expect(Math.abs(actual! - expected) / expected).toBeLessThanOrEqual(0.001);
    };
    expect(summary.count).toBe(100_000);
    near(summary.min_us, 1);
    near(summary.mean_us, 50_000.5);
    near(summary.p50_us, 50_000);
    near(summary.p90_us, 90_000);
    near(summary.p99_us, 99_000);
    near(summary.p999_us, 99_900);
    near(summary.p9999_us, 99_990);
    near(summary.max_us, 100_000);
  });

  it('gives the same summary for a live histogram and its decoded encoding', () => {
    const live = histogramOf(latencies(3, 10_000));
    expect(summarize(decodeHistogram(encodeHistogram(live)))).toEqual(summarize(live));
  });

  it('gives nulls for an empty histogram', () => {
    const summary = summarize(createLatencyHistogram());
    expect(summary).toEqual({
      count: 0, min_us: null, mean_us: null, p50_us: null, p90_us: null, p99_us: null, p999_us: null, p9999_us: null, max_us: null,
    });
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
  });
});

describe('percentileSpectrum', () => {
  it('matches outputPercentileDistribution tick by tick and ends at 100 with the max', () => {
    const histogram = histogramOf(latencies(21, 10_000));
    const spectrum = percentileSpectrum(histogram);
    const lines = histogram
      .outputPercentileDistribution(5, 1000)
      .split('\n')
      .filter((line) => /^\s+\d/.test(line))
      .map((line) => line.trim().split(/\s+/).map(Number));
    expect(spectrum.length).toBe(lines.length);
    spectrum.forEach((point, i) => {
      const [valueUs, fraction, count] = lines[i]!;
      expect(point.valueUs).toBeCloseTo(valueUs!, 2);
      expect(point.percentile / 100).toBeCloseTo(fraction!, 9);
      expect(point.count).toBe(count);
    });
    const last = spectrum[spectrum.length - 1]!;
    expect(last.percentile).toBe(100);
    expect(last.valueUs).toBe(histogram.getValueAtPercentile(100) / 1000);
    expect(last.count).toBe(10_000);
  });

  it('is non-decreasing, denser near 100, and empty for an empty histogram', () => {
    const spectrum = percentileSpectrum(histogramOf(latencies(22, 10_000)), 5);
    for (let i = 1; i < spectrum.length; i++) {
      expect(spectrum[i]!.percentile).toBeGreaterThan(spectrum[i - 1]!.percentile);
      expect(spectrum[i]!.valueUs).toBeGreaterThanOrEqual(spectrum[i - 1]!.valueUs);
    }
    expect(spectrum.filter((p) => p.percentile >= 99 && p.percentile < 99.9).length).toBeGreaterThanOrEqual(5);
    expect(percentileSpectrum(createLatencyHistogram())).toEqual([]);
    expect(() => percentileSpectrum(createLatencyHistogram(), 0)).toThrow(InvariantError);
  });
});
