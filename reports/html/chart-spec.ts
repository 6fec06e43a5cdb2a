/**
 * The data a report embeds for each chart; the in-page script turns each spec into a uPlot chart.
 * Every series shares the spec's x array (uPlot's aligned data); null is a gap.
 */

export interface SeriesSpec {
  label: string;
  values: (number | null)[];
  color: string;
  dash?: number[];
  /** Draw points only (no line): per-seed values. */
  pointsOnly?: boolean;
  /** Join across null gaps (sampled series such as RSS). */
  spanGaps?: boolean;
  /** Step line (book depth). */
  stepped?: boolean;
}

export interface ChartSpec {
  id: string;
  title: string;
  x: number[];
  series: SeriesSpec[];
  xLabel: string;
  yLabel: string;
  /** 'percentile': x is 1/(1-p), log scale, labelled as percentiles. */
  xAxis: 'linear' | 'percentile';
  yLog: boolean;
}

export const COLORS = {
  corrected: '#1f6fb2',
  raw: '#e07b1a',
  threshold: '#c62828',
  baseline: '#6a6a6a',
  candidate: '#1f6fb2',
  p50: '#2e7d32',
  p99: '#e07b1a',
  max: '#c62828',
  line: '#1f6fb2',
  target: '#8e24aa',
  bid: '#2e7d32',
  ask: '#c62828',
} as const;
