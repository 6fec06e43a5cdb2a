/**
 * The result file (`result.json`): the contract between sim/ and reports/. Schema-versioned; the
 * README documents every field. Deterministic facts (eventHash, counts, checks) and measurements
 * (latency histograms, timelines, processing cost) live side by side; reports/ reads only this.
 */
import type { CheckResult } from '../checks/check.js';
import type { LatencyHistogramsRecord, LatencySummary, ProcessingCostSummary, TimelineExport } from '../metrics/types.js';
import type { BookDepth } from './book-depth.js';
import type { PmRunMetrics, PmSeriesPoint } from '../pm/pm-participant.js';
import type { RunMode, Scenario } from '../scenario/types.js';

export const RESULT_SCHEMA_VERSION = 1;

export interface ThresholdVerdict {
  text: string;
  passed: boolean;
  /** The measured value, in the threshold's unit; null when the metric had no data. */
  actual: number | null;
  detail: string;
}

export interface RunCounts {
  commands: number;
  reports: number;
  orders: number;
  cancels: number;
  trades: number;
  filledQuantity: number;
  restingOrders: number;
}

export interface RunMetrics {
  counts: RunCounts;
  /** Orders sent per second of (virtual or real) run time. */
  throughputOrdersPerS: number;
  /** Latency summaries per operation: corrected (from the planned send time) and raw. */
  latency: Record<string, { corrected: LatencySummary; raw: LatencySummary }>;
  /** Deterministic mode: the real cost of simulating each event. */
  processingCost: ProcessingCostSummary | null;
  /** Simulated events (commands + reports) per wall second. */
  eventsPerWallS: number;
  wallMs: number;
  /** Stress mode: worker threads, engine shards, commands refused BUSY. */
  stress?: { workers: number; shards: number; busy: number };
}

export interface RunResult {
  schemaVersion: typeof RESULT_SCHEMA_VERSION;
  scenario: Scenario;
  seed: number;
  mode: RunMode;
  version: { package: string; commit: string; node: string };
  startedAt: string;
  /**
   * Deterministic mode: hash of the event log (every command in, every report out, in order).
   * Stress mode: hash of the shards' journals (what each shard processed, in order). 16 hex digits.
   */
  eventHash: string;
  events: number;
  passed: boolean;
  checks: CheckResult[];
  thresholds: ThresholdVerdict[];
  metrics: RunMetrics;
  histograms: LatencyHistogramsRecord;
  timelines: Record<string, TimelineExport>;
  /** The position manager's figures and its position against target over time, when it ran. */
  pm?: { metrics: PmRunMetrics; positions: Record<string, PmSeriesPoint[]> };
  /** The book's depth at the end (top 20 levels per side), per symbol. */
  book: BookDepth[];
  /** The command that runs this exact scenario and seed again. */
  replayCommand: string;
}
