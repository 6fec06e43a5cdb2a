/** The HTML comparison of two run sets: facts, per-metric deltas and verdicts, overlaid spectra. */
import type { GateEvaluation, MetricComparison } from '../gate/verdicts.js';
import { mergedOperation } from '../gate/merged-percentiles.js';
import type { RunSet } from '../run-set.js';
import { COLORS } from './chart-spec.js';
import { html, type Raw } from './escape.js';
import { fmt, pctDelta } from './format.js';
import { Page } from './page.js';
import { spectrumChart } from './spectrum-charts.js';
import { verdictBadge } from './summary-section.js';

const VERDICT_CLASS = { pass: 'pass', regression: 'fail', improvement: 'pass', info: 'info' } as const;

function comparisonTable(rows: readonly MetricComparison[]): Raw {
  return html`<table><thead><tr><th>metric</th><th>kind</th><th>baseline median</th><th>candidate median</th><th>delta</th><th>95% CI of ratio</th><th>limit</th><th>p (worse)</th><th>verdict</th><th>note</th></tr></thead><tbody>
${rows.map((row) => html`<tr><td>${row.metric}</td><td>${row.kind}${row.normalized ? ' (normalized)' : ''}</td><td class="num">${fmt(row.baselineMedian, 3)}</td><td class="num">${fmt(row.candidateMedian, 3)}</td><td class="num">${pctDelta(row.ratio)}</td><td class="num">${row.ratioCi95 ? `${fmt(row.ratioCi95[0], 3)} .. ${fmt(row.ratioCi95[1], 3)}` : '-'}</td><td class="num">${fmt(row.limit, 3)}</td><td class="num">${fmt(row.pWorse, 4)}</td><td class="${VERDICT_CLASS[row.verdict]}">${row.verdict}</td><td>${row.note}</td></tr>`)}
</tbody></table>`;
}

export function compareReportHtml(baseline: RunSet, candidate: RunSet, evaluation: GateEvaluation): string {
  const page = new Page(`lobsim compare ${evaluation.scenario}: ${evaluation.verdict}`);
  const thresholds = baseline.results[0]?.scenario.thresholds ?? [];
  const operations = Object.keys(baseline.results[0]?.histograms.operations ?? {});
  const spectra = operations.map((operation) =>
    spectrumChart(page, `${operation}: baseline against candidate (corrected, merged over seeds)`, operation, [
      { label: 'baseline', histogram: mergedOperation(baseline.results, operation, 'corrected'), color: COLORS.baseline, dash: [4, 3] },
      { label: 'candidate', histogram: mergedOperation(candidate.results, operation, 'corrected'), color: COLORS.candidate },
    ], thresholds) ?? html`<p class="note">${operation}: no values recorded</p>`,
  );
  const body = html`
<h1>lobsim compare: ${evaluation.scenario} ${verdictBadge(evaluation.verdict === 'pass')}</h1>
<dl class="facts">
<dt>baseline</dt><dd><code>${evaluation.baselineSource}</code> (${baseline.results.length} seeds, commit ${baseline.results[0]?.version.commit ?? '-'})</dd>
<dt>candidate</dt><dd><code>${evaluation.candidateSource}</code> (${candidate.results.length} seeds, commit ${candidate.results[0]?.version.commit ?? '-'})</dd>
<dt>mode</dt><dd>${evaluation.mode}</dd>
<dt>calibration</dt><dd>${evaluation.calibration.note}</dd>
</dl>
${evaluation.regressions.length > 0 ? html`<h2>Regressions</h2><ul>${evaluation.regressions.map((r) => html`<li class="fail">${r}</li>`)}</ul>` : html``}
<h2>Deterministic facts</h2>
<table><thead><tr><th>fact</th><th>verdict</th><th>detail</th></tr></thead><tbody>
${evaluation.facts.map((f) => html`<tr><td>${f.name}</td><td class="${f.passed ? 'pass' : 'fail'}">${f.passed ? 'same' : 'DIFFERS'}</td><td>${f.detail}</td></tr>`)}
</tbody></table>
<h2>Per-seed metrics across seeds</h2>
${comparisonTable(evaluation.metrics)}
<h2>Percentiles of the merged histograms</h2>
${comparisonTable(evaluation.percentiles)}
${spectra}
`;
  return page.render(body);
}
