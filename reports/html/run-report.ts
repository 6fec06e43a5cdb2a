/** The HTML report of one run (a result.json). */
import { decodeEncoded } from '../hdr.js';
import type { RunResult, TimelineExport } from '../result-shape.js';
import { COLORS } from './chart-spec.js';
import { html } from './escape.js';
import { latencyTable } from './latency-table.js';
import { Page } from './page.js';
import { bookSection, pmSection } from './pm-book-charts.js';
import { spectrumChart } from './spectrum-charts.js';
import { identity, verdictBadge, verdictTable } from './summary-section.js';
import { isTimelineExport, timelineCharts } from './timeline-charts.js';

export function runReportHtml(result: RunResult): string {
  const page = new Page(`lobsim ${result.scenario.name} seed ${result.seed}: ${result.passed ? 'PASS' : 'FAIL'}`);
  const thresholds = result.scenario.thresholds ?? [];
  const spectra = Object.entries(result.histograms.operations).map(([operation, pair]) =>
    spectrumChart(
      page,
      `${operation}: latency by percentile`,
      operation,
      [
        { label: 'corrected (from planned send)', histogram: decodeEncoded(pair.corrected.hdr, `histograms.operations.${operation}.corrected.hdr`), color: COLORS.corrected },
        { label: 'raw (from actual send)', histogram: decodeEncoded(pair.raw.hdr, `histograms.operations.${operation}.raw.hdr`), color: COLORS.raw, dash: [3, 3] },
      ],
      thresholds,
    ) ?? html`<p class="note">${operation}: no values recorded</p>`,
  );
  const timelines = Object.entries(result.timelines).filter(([, value]) => isTimelineExport(value)) as [string, TimelineExport][];
  const body = html`
<h1>lobsim report: ${result.scenario.name}, seed ${result.seed} ${verdictBadge(result.passed)}</h1>
${identity(result)}
<h2>Thresholds and checks</h2>
${verdictTable(result)}
<h2>Latency</h2>
<p class="note">Corrected latencies are measured from the planned send time (no coordinated omission); raw from the actual send time.${result.mode === 'deterministic' ? ' In deterministic mode latencies are modelled (configured distributions on virtual time): equal on every machine for the same event hash.' : ''}</p>
${latencyTable(result.metrics.latency)}
${spectra}
<h2>Timelines</h2>
${timelines.length === 0 ? html`<p class="note">no timelines in this result</p>` : timelines.map(([name, timeline]) => timelineCharts(page, name, timeline))}
<h2>Position manager</h2>
${pmSection(page, result.pm)}
<h2>Order book at the end</h2>
${bookSection(page, result.book)}
<h2>Run figures</h2>
<p>${Object.entries(result.metrics.counts).map(([key, value]) => `${key} ${value}`).join(', ')}; throughput ${result.metrics.throughputOrdersPerS} orders/s; ${result.metrics.eventsPerWallS} events per wall second; wall ${result.metrics.wallMs} ms${result.metrics.processingCost?.nsPerEvent ? `; processing cost ${Math.round(result.metrics.processingCost.nsPerEvent)} ns/event` : ''}</p>
`;
  return page.render(body);
}
