/**
 * The shape of the result files reports/ reads, declared here from what sim/result/result.ts,
 * sim/sweep/summary.ts and sim/metrics/types.ts write (schemaVersion 1). reports/ never imports
 * sim/: the JSON file is the contract. Only the fields reports/ uses are declared; readers
 * validate each of them and name the field when one is missing or of the wrong type.
 *
 * Optional sections (rendered when present):
 * - `pm`: the position manager's metrics and its position against target per symbol over time.
 * - `book`: the book's depth at the end, per symbol (BookDepth[]).
 */

export const RESULT_SCHEMA_VERSION = 1;
export const SUMMARY_SCHEMA_VERSION = 1;

export interface LatencySummary {
  count: number;
  min_us: number | null;
  mean_us: number | null;
  p50_us: number | null;
  p90_us: number | null;
  p99_us: number | null;
  p999_us: number | null;
  p9999_us: number | null;
  max_us: number | null;
}

export interface EncodedHistogram {
  /** HdrHistogram V2 compressed, base64, values in ns. */
  hdr: string;
  clampedCount: number;
  invalidCount: number;
}

export interface HistogramsRecord {
  unit: 'ns';
  latencyNsMax: number;
  significantDigits: number;
  operations: Record<string, { corrected: EncodedHistogram; raw: EncodedHistogram }>;
}

export interface TimelinePoint {
  tMs: number;
  throughput: number;
  counts: Record<string, number>;
  latencyCount: number;
  p50Us: number | null;
  p99Us: number | null;
  maxUs: number | null;
  queueDepth: number | null;
  rssMb: number | null;
}

export interface TimelineExport {
  intervalMs: number;
  throughputKind: string;
  droppedCount: number;
  points: TimelinePoint[];
}

/** One sample of the PM's position and target (quantity units); target null before the first one. */
export interface PmSeriesPoint {
  tMs: number;
  position: number;
  target: number | null;
}

/** The `pm` section: run metrics (tracking error, slippage, ...) and the series per symbol. */
export interface PmSection {
  metrics: Record<string, number | null>;
  positions: Record<string, PmSeriesPoint[]>;
}

/** `book`: depth at the end of the run (top levels per side), price and quantity units. */
export interface BookDepth {
  symbol: string;
  bids: { price: number; quantity: number }[];
  asks: { price: number; quantity: number }[];
}

export interface CheckResult {
  name: string;
  passed: boolean;
  detail: string;
}

export interface ThresholdVerdict {
  text: string;
  passed: boolean;
  actual: number | null;
  detail: string;
}

export interface ScenarioThreshold {
  text: string;
  metric: string;
  operator: '<=' | '<' | '>=' | '>' | '==';
  value: number;
  unit: string;
}

export interface ProcessingCost {
  events: number;
  batches: number;
  totalMs: number;
  nsPerEvent: number | null;
  eventsPerS: number | null;
  batchNsPerEventMax: number | null;
}

export interface RunMetrics {
  counts: Record<string, number>;
  throughputOrdersPerS: number;
  latency: Record<string, { corrected: LatencySummary; raw: LatencySummary }>;
  processingCost: ProcessingCost | null;
  eventsPerWallS: number;
  wallMs: number;
}

export interface RunResult {
  schemaVersion: typeof RESULT_SCHEMA_VERSION;
  scenario: { name: string; description?: string; durationMs?: number; thresholds?: ScenarioThreshold[] } & Record<string, unknown>;
  seed: number;
  mode: string;
  version: { package: string; commit: string; node: string };
  startedAt: string;
  eventHash: string;
  events: number;
  passed: boolean;
  checks: CheckResult[];
  thresholds: ThresholdVerdict[];
  metrics: RunMetrics;
  histograms: HistogramsRecord;
  timelines: Record<string, TimelineExport>;
  pm?: PmSection;
  replayCommand: string;
  book?: BookDepth[];
}

export interface Distribution {
  n: number;
  mean: number;
  sd: number | null;
  min: number;
  p05: number;
  p50: number;
  p95: number;
  max: number;
  ci95: [number, number] | null;
}

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
  metrics: Record<string, Distribution | null>;
  histograms: HistogramsRecord;
  mergedLatency: Record<string, { corrected: LatencySummary; raw: LatencySummary }>;
  outcomes: SeedOutcome[];
  failingSeeds: SeedOutcome[];
}
