/**
 * `lobsim compare <baseline> <candidate>`: the gate's evaluation without its decision rules on
 * reruns: every fact and metric side by side with deltas and verdicts, as plain text and
 * optionally as an HTML page.
 */
import { writeFileSync } from 'node:fs';
import { evaluate } from './gate/evaluate.js';
import { formatEvaluation } from './gate/format-text.js';
import type { GateOptions } from './gate/options.js';
import type { GateEvaluation } from './gate/verdicts.js';
import { compareReportHtml } from './html/compare-report.js';
import { readRunSet } from './run-set.js';

export interface Comparison {
  evaluation: GateEvaluation;
  text: string;
  htmlFile: string | null;
}

export function compareRunSets(baselinePath: string, candidatePath: string, options: GateOptions, htmlFile?: string): Comparison {
  const baseline = readRunSet(baselinePath);
  const candidate = readRunSet(candidatePath);
  const evaluation = evaluate(baseline, candidate, options, false);
  if (htmlFile !== undefined) writeFileSync(htmlFile, compareReportHtml(baseline, candidate, evaluation));
  const verdict = evaluation.verdict === 'pass' ? 'no regression' : `${evaluation.regressions.length} regression(s)`;
  return { evaluation, text: `${formatEvaluation(evaluation)}\n${verdict}`, htmlFile: htmlFile ?? null };
}
