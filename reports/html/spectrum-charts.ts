/**
 * Percentile spectra, HdrHistogram style: latency against 1/(1-p) on a log axis, so p90, p99,
 * p99.9 are evenly spaced. The max (p100) has an infinite x and is left out (the tables show it).
 */
import type { Histogram } from 'hdr-histogram-js';
import { percentileUs, spectrum } from '../hdr.js';
import type { ScenarioThreshold } from '../result-shape.js';
import { COLORS, type SeriesSpec } from './chart-spec.js';
import type { Raw } from './escape.js';
import type { Page } from './page.js';

const US_PER_UNIT: Record<string, number> = { ns: 0.001, us: 1, ms: 1_000, s: 1_000_000 };

/** The x grid: the first histogram's spectrum percentiles below 100, as 1/(1-p). */
function grid(histogram: Histogram): number[] {
  const percentiles = spectrum(histogram).map((point) => point.percentile).filter((p) => p < 100);
  return [...new Set(percentiles)];
}

const xOf = (percentile: number): number => 1 / (1 - percentile / 100);

function valuesAt(histogram: Histogram | null, percentiles: number[]): (number | null)[] {
  return percentiles.map((p) => {
    const value = histogram === null ? null : percentileUs(histogram, p);
    return value === null || value <= 0 ? null : value;
  });
}

/** Threshold lines for one operation, in µs (`ack.p99 <= 1ms` draws a line at 1000 µs). */
export function thresholdSeries(operation: string, thresholds: readonly ScenarioThreshold[], length: number): SeriesSpec[] {
  return thresholds
    .filter((t) => t.metric.startsWith(`${operation}.`) && US_PER_UNIT[t.unit] !== undefined)
    .map((t) => ({ label: `threshold ${t.text}`, values: new Array<number>(length).fill(t.value * US_PER_UNIT[t.unit]!), color: COLORS.threshold, dash: [6, 4] }));
}

export function spectrumChart(page: Page, title: string, operation: string, lines: { label: string; histogram: Histogram | null; color: string; dash?: number[] }[], thresholds: readonly ScenarioThreshold[]): Raw | null {
  const first = lines.find((line) => line.histogram !== null && line.histogram.totalCount > 0)?.histogram;
  if (first === undefined || first === null) return null;
  const percentiles = grid(first);
  const series: SeriesSpec[] = lines.map((line) => ({ label: line.label, values: valuesAt(line.histogram, percentiles), color: line.color, ...(line.dash ? { dash: line.dash } : {}) }));
  series.push(...thresholdSeries(operation, thresholds, percentiles.length));
  return page.chart(`spectrum-${operation}`, { title, x: percentiles.map(xOf), series, xLabel: 'percentile', yLabel: 'latency (µs)', xAxis: 'percentile', yLog: true });
}
