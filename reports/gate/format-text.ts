/** The gate's plain-text verdict: facts, compared metrics and the decision, for a CI log. */
import Table from 'cli-table3';
import type { GateOutcome } from './gate.js';
import type { GateEvaluation, MetricComparison } from './verdicts.js';

const num = (value: number | null | undefined): string =>
  value === null || value === undefined ? '-' : value.toLocaleString('en-US', { maximumFractionDigits: 3 });

function delta(ratio: number | null): string {
  if (ratio === null) return '-';
  const pct = (ratio - 1) * 100;
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(1)}%`;
}

const VERDICT_TEXT = { pass: 'ok', regression: 'REGRESSION', improvement: 'better', info: 'info' } as const;

export function metricsTable(rows: readonly MetricComparison[], labels = { baseline: 'baseline', candidate: 'candidate' }): string {
  const table = new Table({ head: ['metric', 'kind', `${labels.baseline} median`, `${labels.candidate} median`, 'delta', '95% CI ratio', 'limit', 'p', 'verdict'], style: { head: [], border: [] } });
  for (const row of rows) {
    table.push([
      row.metric,
      `${row.kind}${row.normalized ? '*' : ''}`,
      num(row.baselineMedian),
      num(row.candidateMedian),
      delta(row.ratio),
      row.ratioCi95 ? `${num(row.ratioCi95[0])}..${num(row.ratioCi95[1])}` : '-',
      num(row.limit),
      num(row.pWorse),
      VERDICT_TEXT[row.verdict],
    ]);
  }
  return table.toString();
}

export function formatEvaluation(evaluation: GateEvaluation): string {
  const lines = [
    `gate ${evaluation.scenario} (${evaluation.mode}) seeds ${evaluation.seeds.join(',')}`,
    `  baseline  ${evaluation.baselineSource}`,
    `  candidate ${evaluation.candidateSource}`,
    `  calibration: ${evaluation.calibration.note}${evaluation.calibration.factor === null ? '' : ` (factor ${evaluation.calibration.factor}; * = normalized)`}`,
  ];
  const failedFacts = evaluation.facts.filter((fact) => !fact.passed);
  lines.push(`facts: ${evaluation.facts.length - failedFacts.length}/${evaluation.facts.length} match`);
  for (const fact of failedFacts) lines.push(`  DIFFERS ${fact.name}: ${fact.detail}`);
  lines.push('per-seed metrics across seeds:', metricsTable(evaluation.metrics));
  lines.push('percentiles of the merged histograms:', metricsTable(evaluation.percentiles));
  return lines.join('\n');
}

export function formatGateOutcome(outcome: GateOutcome): string {
  const parts = outcome.attempts.map((evaluation, index) => `${index === 0 ? '' : '\nrerun (a suspected regression is rerun once before failing):\n'}${formatEvaluation(evaluation)}`);
  const last = outcome.attempts.at(-1)!;
  if (outcome.verdict === 'pass') {
    const cleared = outcome.attempts.length > 1 ? ' (the first attempt regressed; the rerun cleared it)' : '';
    parts.push(`GATE PASS${cleared}`);
  } else {
    parts.push(`GATE FAIL: ${last.regressions.length} regression(s)`, ...last.regressions.map((reason) => `  - ${reason}`));
  }
  return parts.join('\n');
}
