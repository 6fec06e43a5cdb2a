/**
 * A Monte Carlo sweep's summary (`summary.json`): per-metric distributions across seeds, the latency
 * histograms merged exactly across seeds, and the failing seeds with the commands that replay them.
 */
import { mergeLatencyRecords, summarizeRecord } from '../metrics/latency-recorder.js';
import type { LatencyHistogramsRecord, LatencySummary } from '../metrics/types.js';
import type { RunResult } from '../result/result.js';
import { distribution, type Distribution } from './statistics.js';

export const SUMMARY_SCHEMA_VERSION = 1;

export interface SeedOutcome {
  seed: number;
  passed: boolean;
  eventHash: string;
  result: string;
  failed: string[];
  replayCommand: string;
}

export interface SweepSummary {
  schemaVersion: typeof SUMMARY_SCHEMA_VERSION;
  scenario: string;
  mode: string;
  seeds: number[];
  passed: boolean;
  version: RunResult['version'];
  /** Per metric (e.g. `ack.p99_us`, `counts.trades`), its distribution across seeds. */
  metrics: Record<string, Distribution | null>;
  /** Latency histograms merged across every seed (exact). */
  histograms: LatencyHistogramsRecord;
  /** Summaries of the merged histograms. */
  mergedLatency: Record<string, { corrected: LatencySummary; raw: LatencySummary }>;
  outcomes: SeedOutcome[];
  failingSeeds: SeedOutcome[];
}

const LATENCY_STATS = ['p50_us', 'p99_us', 'p999_us', 'max_us', 'mean_us'] as const;

/** The per-seed values of each metric the summary tracks. */
function metricValues(results: readonly RunResult[]): Record<string, number[]> {
  const values: Record<string, number[]> = {};
  const add = (key: string, value: number | null | undefined) => {
    if (value === null || value === undefined || !Number.isFinite(value)) return;
    (values[key] ??= []).push(value);
  };
  for (const result of results) {
    for (const [key, value] of Object.entries(result.metrics.counts)) add(`counts.${key}`, value);
    add('throughputOrdersPerS', result.metrics.throughputOrdersPerS);
    add('eventsPerWallS', result.metrics.eventsPerWallS);
    for (const [operation, { corrected }] of Object.entries(result.metrics.latency)) {
      for (const stat of LATENCY_STATS) add(`${operation}.${stat}`, corrected[stat]);
    }
  }
  return values;
}

export function summarizeSweep(results: readonly RunResult[], resultFiles: readonly string[]): SweepSummary {
  if (results.length === 0) throw new Error('a sweep summary needs at least one result');
  const outcomes = results.map((result, index) => ({
    seed: result.seed,
    passed: result.passed,
    eventHash: result.eventHash,
    result: resultFiles[index]!,
    failed: [...result.checks.filter((check) => !check.passed).map((check) => check.name), ...result.thresholds.filter((t) => !t.passed).map((t) => t.text)],
    replayCommand: result.replayCommand,
  }));
  const metrics = Object.fromEntries(Object.entries(metricValues(results)).map(([key, values]) => [key, distribution(values)]));
  const histograms = mergeLatencyRecords(results.map((result) => result.histograms));
  return {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    scenario: results[0]!.scenario.name,
    mode: results[0]!.mode,
    seeds: results.map((result) => result.seed),
    passed: outcomes.every((outcome) => outcome.passed),
    version: results[0]!.version,
    metrics,
    histograms,
    mergedLatency: summarizeRecord(histograms),
    outcomes,
    failingSeeds: outcomes.filter((outcome) => !outcome.passed),
  };
}
