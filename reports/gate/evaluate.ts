/**
 * One gate evaluation: baseline run set against candidate run set. Deterministic facts first
 * (exact), then per-seed metrics across seeds (Mann-Whitney U, bootstrap CI) and percentiles of
 * the merged histograms, each against its tolerance. Wall-clock metrics are normalized by the
 * calibration factor when both sides carry a calibration figure.
 */
import { ReportInputError } from '../errors.js';
import type { RunSet } from '../run-set.js';
import type { CalibrationFigure } from './calibration-file.js';
import { compareSamples } from './compare-samples.js';
import { compareFacts } from './facts.js';
import { compareMergedPercentiles } from './merged-percentiles.js';
import { normalizeValue, perSeedMetrics } from './metric-specs.js';
import type { GateOptions } from './options.js';
import type { CalibrationUse, GateEvaluation, MetricComparison } from './verdicts.js';

export function calibrationUse(baseline: CalibrationFigure | null, candidate: CalibrationFigure | null, options: GateOptions): CalibrationUse {
  if (!options.normalize) return { baseline, candidate, factor: null, note: 'normalization off (--no-normalize)' };
  if (baseline === null || candidate === null) return { baseline, candidate, factor: null, note: `no calibration figure for the ${baseline === null ? 'baseline' : 'candidate'}: wall-clock metrics compared as measured` };
  if (baseline.workload !== candidate.workload) return { baseline, candidate, factor: null, note: `calibration workloads differ (${baseline.workload} vs ${candidate.workload}): not normalized` };
  const factor = Math.round((candidate.nsPerRound / baseline.nsPerRound) * 10_000) / 10_000;
  return { baseline, candidate, factor, note: `candidate machine ${factor >= 1 ? `${Math.round((factor - 1) * 100)}% slower` : `${Math.round((1 / factor - 1) * 100)}% faster`} on the calibration workload` };
}

function assertComparable(baseline: RunSet, candidate: RunSet, requireCommonSeed: boolean): void {
  if (baseline.scenario !== candidate.scenario) throw new ReportInputError(`scenario differs: baseline ${baseline.source} is '${baseline.scenario}', candidate ${candidate.source} is '${candidate.scenario}'`);
  if (baseline.mode !== candidate.mode) throw new ReportInputError(`mode differs: baseline ${baseline.source} is ${baseline.mode}, candidate ${candidate.source} is ${candidate.mode}`);
  const seeds = new Set(candidate.results.map((result) => result.seed));
  if (requireCommonSeed && !baseline.results.some((result) => seeds.has(result.seed))) {
    throw new ReportInputError(`no common seed: baseline has ${baseline.results.map((r) => r.seed).join(',')}, candidate has ${[...seeds].join(',')}`);
  }
}

/** `requireCommonSeed`: the gate needs seeds to pair; compare may set two different seeds side by side. */
export function evaluate(baseline: RunSet, candidate: RunSet, options: GateOptions, requireCommonSeed = true): GateEvaluation {
  assertComparable(baseline, candidate, requireCommonSeed);
  const mode = baseline.mode;
  const calibration = calibrationUse(baseline.calibration, candidate.calibration, options);
  const facts = compareFacts(baseline.results, candidate.results, mode);
  const metrics: MetricComparison[] = perSeedMetrics(baseline.results, mode, options).map((spec) => {
    const normalized = spec.kind === 'measured' && calibration.factor !== null;
    const values = (results: RunSet['results'], scale: boolean) =>
      results.flatMap((result) => {
        const value = spec.read(result);
        if (value === null || !Number.isFinite(value)) return [];
        return [scale ? normalizeValue(value, spec.direction, calibration.factor!) : value];
      });
    return compareSamples({ ...spec, normalized, alpha: options.alpha }, values(baseline.results, false), values(candidate.results, normalized));
  });
  const percentiles = compareMergedPercentiles(baseline.results, candidate.results, mode, options, calibration.factor);
  const failedFacts = facts.filter((fact) => !fact.passed);
  const regressions = [
    ...(options.allowFactChanges ? [] : failedFacts.map((fact) => `${fact.name}: ${fact.detail}`)),
    ...[...metrics, ...percentiles].filter((m) => m.verdict === 'regression').map((m) => `${m.metric}: ratio ${m.ratio} beyond limit ${m.limit} (${m.note})`),
  ];
  return {
    scenario: baseline.scenario,
    mode,
    baselineSource: baseline.source,
    candidateSource: candidate.source,
    seeds: baseline.results.map((result) => result.seed),
    calibration,
    facts,
    metrics,
    percentiles,
    regressions,
    verdict: regressions.length === 0 ? 'pass' : 'regression',
  };
}

/** True when every regression is statistical (a rerun may clear it); fact failures are never rerun. */
export function onlyPerformanceRegressions(evaluation: GateEvaluation, options: GateOptions): boolean {
  const factFailed = !options.allowFactChanges && evaluation.facts.some((fact) => !fact.passed);
  return evaluation.verdict === 'regression' && !factFailed;
}
