/** The shapes of a gate evaluation: facts that must match exactly, and statistical comparisons. */
import type { CalibrationFigure } from './calibration-file.js';

export interface FactCheck {
  name: string;
  passed: boolean;
  detail: string;
}

export type Direction = 'lower-is-better' | 'higher-is-better';
export type ComparisonVerdict = 'pass' | 'regression' | 'improvement' | 'info';

export interface MetricComparison {
  metric: string;
  direction: Direction;
  /** measured: wall-clock, machine dependent; modelled: deterministic (configured distributions). */
  kind: 'measured' | 'modelled';
  normalized: boolean;
  baseline: number[];
  candidate: number[];
  baselineMedian: number | null;
  candidateMedian: number | null;
  /** candidateMedian / baselineMedian. */
  ratio: number | null;
  /** Bootstrap 95% CI of mean(candidate) / mean(baseline). */
  ratioCi95: [number, number] | null;
  /** One-sided Mann-Whitney p that the candidate is worse; null when not tested. */
  pWorse: number | null;
  /** The ratio beyond which the candidate is worse (e.g. 1.25 or 0.8). */
  limit: number;
  verdict: ComparisonVerdict;
  note: string;
}

export interface CalibrationUse {
  baseline: CalibrationFigure | null;
  candidate: CalibrationFigure | null;
  /** candidate ns / baseline ns: > 1 when the candidate's machine (or moment) was slower. */
  factor: number | null;
  note: string;
}

export interface GateEvaluation {
  scenario: string;
  mode: string;
  baselineSource: string;
  candidateSource: string;
  seeds: number[];
  calibration: CalibrationUse;
  facts: FactCheck[];
  /** Per-seed metrics compared across seeds. */
  metrics: MetricComparison[];
  /** Percentiles of the histograms merged across seeds. */
  percentiles: MetricComparison[];
  regressions: string[];
  verdict: 'pass' | 'regression';
}
