/** Timelines per interval: throughput, latency p50/p99/max, queue depth, RSS. */
import type { TimelineExport } from '../result-shape.js';
import { COLORS } from './chart-spec.js';
import { html, type Raw } from './escape.js';
import type { Page } from './page.js';

const positive = (value: number | null): number | null => (value === null || value <= 0 ? null : value);

export function isTimelineExport(value: unknown): value is TimelineExport {
  const points = (value as TimelineExport | undefined)?.points;
  return Array.isArray(points) && (points.length === 0 || typeof points[0]?.throughput === 'number');
}

export function timelineCharts(page: Page, name: string, timeline: TimelineExport): Raw {
  const points = timeline.points;
  if (points.length === 0) return html`<p class="note">timeline ${name}: no intervals recorded</p>`;
  const x = points.map((p) => p.tMs);
  const charts = [
    page.chart(`${name}-throughput`, { title: `${name}: throughput (${timeline.throughputKind} per s)`, x, series: [{ label: `${timeline.throughputKind}/s`, values: points.map((p) => p.throughput), color: COLORS.line }], xLabel: 'time (ms)', yLabel: 'per second', xAxis: 'linear', yLog: false }),
    page.chart(`${name}-latency`, {
      title: `${name}: latency per interval`,
      x,
      series: [
        { label: 'p50', values: points.map((p) => positive(p.p50Us)), color: COLORS.p50 },
        { label: 'p99', values: points.map((p) => positive(p.p99Us)), color: COLORS.p99 },
        { label: 'max', values: points.map((p) => positive(p.maxUs)), color: COLORS.max },
      ],
      xLabel: 'time (ms)',
      yLabel: 'latency (µs)',
      xAxis: 'linear',
      yLog: true,
    }),
    page.chart(`${name}-queue`, { title: `${name}: queue depth (max per interval)`, x, series: [{ label: 'queue depth', values: points.map((p) => p.queueDepth), color: COLORS.line, spanGaps: true }], xLabel: 'time (ms)', yLabel: 'depth', xAxis: 'linear', yLog: false }),
    page.chart(`${name}-rss`, { title: `${name}: RSS (max per interval)`, x, series: [{ label: 'RSS MiB', values: points.map((p) => p.rssMb), color: COLORS.line, spanGaps: true }], xLabel: 'time (ms)', yLabel: 'MiB', xAxis: 'linear', yLog: false }),
  ];
  const dropped = timeline.droppedCount > 0 ? html`<p class="note">${timeline.droppedCount} events fell outside the timeline's buckets</p>` : html``;
  return html`<h3>timeline ${name} (interval ${timeline.intervalMs.toFixed(2)} ms)</h3>${dropped}${charts}`;
}
