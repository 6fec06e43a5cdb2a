/**
 * The gate: evaluate a candidate against a baseline; when the only regressions are statistical
 * and the candidate can be produced again (`--run`), run it once more and decide on the rerun.
 * Fact failures are exact and never rerun. Exit codes: 0 pass, 1 regression (2 is bad input,
 * thrown as a ReportInputError before any verdict).
 */
import type { RunSet } from '../run-set.js';
import { evaluate, onlyPerformanceRegressions } from './evaluate.js';
import type { GateOptions } from './options.js';
import type { GateEvaluation } from './verdicts.js';

export const EXIT_GATE_PASS = 0;
export const EXIT_GATE_REGRESSION = 1;

export interface GateInput {
  baseline: RunSet;
  /** Produces the candidate; called again once for a rerun when `rerunnable`. */
  candidate: (attempt: number) => Promise<RunSet>;
  rerunnable: boolean;
  options: GateOptions;
}

export interface GateOutcome {
  /** The first evaluation, and the rerun's when there was one; the last decides. */
  attempts: GateEvaluation[];
  verdict: 'pass' | 'regression';
  exitCode: number;
}

export async function runGate(input: GateInput): Promise<GateOutcome> {
  const first = evaluate(input.baseline, await input.candidate(1), input.options);
  const attempts = [first];
  if (input.rerunnable && onlyPerformanceRegressions(first, input.options)) {
    attempts.push(evaluate(input.baseline, await input.candidate(2), input.options));
  }
  const verdict = attempts.at(-1)!.verdict;
  return { attempts, verdict, exitCode: verdict === 'pass' ? EXIT_GATE_PASS : EXIT_GATE_REGRESSION };
}
