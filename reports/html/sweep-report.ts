/**
 * The HTML report of a sweep folder: per-metric distributions across seeds with 95% confidence
 * intervals of the mean, the percentile spectrum of the histograms merged across seeds, and the
 * failing seeds with the commands that replay them.
 */
import { decodeEncoded } from '../hdr.js';
import type { SweepFolder } from '../read-sweep.js';
import type { Distribution, RunResult } from '../result-shape.js';
import { COLORS } from './chart-spec.js';
import { html, type Raw } from './escape.js';
import { fmt } from './format.js';
import { latencyTable } from './latency-table.js';
import { Page } from './page.js';
import { spectrumChart } from './spectrum-charts.js';
import { verdictBadge } from './summary-section.js';

/** Per-seed readers of the metrics charted (the table lists every metric of the summary). */
function charted(results: readonly RunResult[]): { key: string; read: (r: RunResult) => number | null | undefined }[] {
  const operations = Object.keys(results[0]?.metrics.latency ?? {});
  return [
    { key: 'throughputOrdersPerS', read: (r) => r.metrics.throughputOrdersPerS },
    { key: 'eventsPerWallS', read: (r) => r.metrics.eventsPerWallS },
    { key: 'counts.trades', read: (r) => r.metrics.counts.trades },
    ...operations.map((op) => ({ key: `${op}.p99_us`, read: (r: RunResult) => r.metrics.latency[op]?.corrected.p99_us })),
  ];
}

function distributionChart(page: Page, key: string, results: readonly RunResult[], read: (r: RunResult) => number | null | undefined, d: Distribution | null | undefined): Raw {
  const x = results.map((r) => r.seed);
  const constant = (value: number | undefined) => x.map(() => value ?? null);
  return page.chart(`dist-${key}`, {
    title: `${key} across seeds`,
    x,
    series: [
      { label: 'per seed', values: results.map((r) => read(r) ?? null), color: COLORS.line, pointsOnly: true },
      { label: 'mean', values: constant(d?.mean), color: COLORS.p50 },
      { label: '95% CI low', values: constant(d?.ci95?.[0]), color: COLORS.p99, dash: [5, 4] },
      { label: '95% CI high', values: constant(d?.ci95?.[1]), color: COLORS.p99, dash: [5, 4] },
    ],
    xLabel: 'seed',
    yLabel: key,
    xAxis: 'linear',
    yLog: false,
  });
}

function distributionTable(metrics: Record<string, Distribution | null>): Raw {
  return html`<table><thead><tr><th>metric</th><th>n</th><th>mean</th><th>sd</th><th>95% CI of mean</th><th>min</th><th>p05</th><th>p50</th><th>p95</th><th>max</th></tr></thead><tbody>
${Object.entries(metrics).map(([key, d]) => (d === null ? html`<tr><td>${key}</td><td colspan="9" class="info">no data</td></tr>` : html`<tr><td>${key}</td><td class="num">${d.n}</td><td class="num">${fmt(d.mean)}</td><td class="num">${fmt(d.sd)}</td><td class="num">${d.ci95 ? `${fmt(d.ci95[0])} .. ${fmt(d.ci95[1])}` : '-'}</td><td class="num">${fmt(d.min)}</td><td class="num">${fmt(d.p05)}</td><td class="num">${fmt(d.p50)}</td><td class="num">${fmt(d.p95)}</td><td class="num">${fmt(d.max)}</td></tr>`))}
</tbody></table>`;
}

function outcomesTable(sweep: SweepFolder): Raw {
  return html`<table><thead><tr><th>seed</th><th>verdict</th><th>event hash</th><th>failed</th><th>replay</th></tr></thead><tbody>
${sweep.summary.outcomes.map((o) => html`<tr><td>${o.seed}</td><td class="${o.passed ? 'pass' : 'fail'}">${o.passed ? 'PASS' : 'FAIL'}</td><td><code>${o.eventHash}</code></td><td>${o.failed.join(', ')}</td><td><code>${o.replayCommand}</code></td></tr>`)}
</tbody></table>`;
}

export function sweepReportHtml(sweep: SweepFolder): string {
  const { summary, results } = sweep;
  const page = new Page(`lobsim sweep ${summary.scenario}: ${summary.passed ? 'PASS' : 'FAIL'}`);
  const thresholds = results[0]?.scenario.thresholds ?? [];
  const failing = summary.failingSeeds.length === 0
    ? html`<p class="pass">every seed passed</p>`
    : html`<ul>${summary.failingSeeds.map((o) => html`<li class="fail">seed ${o.seed}: ${o.failed.join(', ')}<br><code>${o.replayCommand}</code></li>`)}</ul>`;
  const spectra = Object.entries(summary.histograms.operations).map(([operation, pair]) =>
    spectrumChart(page, `${operation}: merged over ${summary.seeds.length} seeds`, operation, [
      { label: 'corrected (merged)', histogram: decodeEncoded(pair.corrected.hdr, `summary.histograms.operations.${operation}.corrected.hdr`), color: COLORS.corrected },
      { label: 'raw (merged)', histogram: decodeEncoded(pair.raw.hdr, `summary.histograms.operations.${operation}.raw.hdr`), color: COLORS.raw, dash: [3, 3] },
    ], thresholds) ?? html`<p class="note">${operation}: no values recorded</p>`,
  );
  const body = html`
<h1>lobsim sweep: ${summary.scenario} over ${summary.seeds.length} seeds ${verdictBadge(summary.passed)}</h1>
<dl class="facts">
<dt>scenario</dt><dd>${summary.scenario}</dd><dt>mode</dt><dd>${summary.mode}</dd>
<dt>seeds</dt><dd>${summary.seeds.join(', ')}</dd>
<dt>version</dt><dd>lobsim ${summary.version.package}, commit ${summary.version.commit}, node ${summary.version.node}</dd>
</dl>
<h2>Failing seeds</h2>
${failing}
<h2>Seeds</h2>
${outcomesTable(sweep)}
<h2>Distributions across seeds</h2>
<p class="note">Dots are the seeds; the solid line is the mean and the dashed lines its 95% confidence interval (Student's t).</p>
${charted(results).map(({ key, read }) => distributionChart(page, key, results, read, summary.metrics[key]))}
${distributionTable(summary.metrics)}
<h2>Latency merged across seeds</h2>
${latencyTable(summary.mergedLatency)}
${spectra}
`;
  return page.render(body);
}
