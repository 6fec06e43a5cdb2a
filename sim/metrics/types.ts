/**
 * JSON shapes of the metrics section of a result file. The runner writes them, reports/ reads them,
 * and the result-file schema references them; each is plain data (numbers, strings, null, arrays
 * and records), so it survives JSON.stringify and structured clone between worker threads.
 *
 * Units are in the key names: `Ns` nanoseconds, `Us` microseconds, `Ms` milliseconds, `Mb` MiB
 * (2^20 bytes), `PerS` per second. A value that does not exist (a percentile of an empty
 * histogram, a queue depth never sampled in an interval) is null, never NaN or 0.
 */

/** Quantiles of one latency histogram, in microseconds (float). Every value is null when count is 0. */
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

/**
 * One tick of a percentile spectrum, HdrHistogram's outputPercentileDistribution as data: ticks
 * get denser towards 100 (a fixed number per halving of the distance to 100%), so a report can
 * plot valueUs against 1 / (1 - percentile / 100) on a log axis. The last tick is percentile 100
 * (the max), whose x coordinate is infinite: a report clips it.
 */
export interface PercentilePoint {
  /** Percentile level in [0, 100]. */
  percentile: number;
  /** Highest value equivalent (within HDR precision) to the value at this percentile. */
  valueUs: number;
  /** Number of recorded values at or below valueUs. */
  count: number;
}

/** One HDR histogram with the values the recorder had to adjust before recording. */
export interface EncodedHistogram {
  /** HdrHistogram V2 compressed encoding, base64; values in nanoseconds. Decodes in any HdrHistogram port. */
  hdr: string;
  /** Values above latencyNsMax, recorded as latencyNsMax. */
  clampedCount: number;
  /** Values below zero or not a number (clock misuse), recorded as 0. */
  invalidCount: number;
}

/**
 * The two histograms of one operation. `corrected` measures from the planned send time of an
 * open-loop schedule, so a stalled sender does not hide the queueing it caused (no coordinated
 * omission); `raw` measures from the actual send time, which is what a closed-loop client sees.
 */
export interface EncodedOperationHistograms {
  corrected: EncodedHistogram;
  raw: EncodedHistogram;
}

/** The `histograms` section of a result file: mergeable exactly across workers and seeds. */
export interface LatencyHistogramsRecord {
  unit: 'ns';
  latencyNsMax: number;
  significantDigits: number;
  /** Keyed by operation name ('ack', 'fill', 'cancel', or an extension), in recorder order. */
  operations: Record<string, EncodedOperationHistograms>;
}

/**
 * A histogram as its nonzero bucket counts, in counts-array order: counts[i] values fell in bucket
 * indexes[i]. Taking it is one pass over the counts and giving it back (hdr.ts fillFromSparse) one store
 * per entry, with no compression either way; it is exact, and histograms of one layout merge by
 * adding counts at equal indexes (hdr.ts addSparseCounts). The timeline keeps interval histograms so: the
 * compressed encoding cost a zlib deflate per interval inside the simulation loop.
 */
export interface SparseCounts {
  readonly indexes: readonly number[];
  readonly counts: readonly number[];
}

/** Per-interval data of one timeline bucket, mergeable (the form workers send to the main thread). */
export interface TimelineBucketSnapshot {
  /** Bucket index: floor(tNs / intervalNs). */
  index: number;
  /** Event counts by kind, one entry per kind of the timeline. */
  counts: Record<string, number>;
  /** Latency histogram of this interval (ns, 2 significant digits) as its nonzero counts, or null when none was recorded. */
  latency: SparseCounts | null;
  queueDepthMax: number | null;
  queueDepthLast: number | null;
  rssMbMax: number | null;
  rssMbLast: number | null;
}

/** A whole timeline in mergeable form. Buckets are sorted by index; absent buckets had no data. */
export interface TimelineSnapshot {
  intervalNs: number;
  bucketsMax: number;
  kinds: string[];
  /** Kind whose rate is reported as `throughput` in the export. */
  throughputKind: string;
  /** Events whose bucket index fell outside [0, bucketsMax): not in any bucket. */
  droppedCount: number;
  /** Latencies above latencyNsMax recorded as latencyNsMax, or invalid ones recorded as 0. */
  latencyAdjustedCount: number;
  buckets: TimelineBucketSnapshot[];
}

/** One interval of an exported timeline, for charts. */
export interface TimelinePoint {
  /** Start of the interval, ms since the run start (virtual or real time). */
  tMs: number;
  /** Events of the timeline's throughputKind per second in this interval. */
  throughput: number;
  /** Raw event counts by kind in this interval. */
  counts: Record<string, number>;
  /** Latencies recorded in this interval. */
  latencyCount: number;
  p50Us: number | null;
  p99Us: number | null;
  maxUs: number | null;
  /** Largest queue depth sampled in the interval. */
  queueDepth: number | null;
  /** Largest RSS sampled in the interval, MiB. */
  rssMb: number | null;
}

/** The exported timeline in a result file: one point per interval from the first bucket to the last. */
export interface TimelineExport {
  intervalMs: number;
  throughputKind: string;
  droppedCount: number;
  points: TimelinePoint[];
}

/** Real (wall-clock) cost of processing simulated events, deterministic mode only. */
export interface ProcessingCostSummary {
  events: number;
  batches: number;
  totalMs: number;
  /** totalMs per event in ns, null when no event was measured. */
  nsPerEvent: number | null;
  eventsPerS: number | null;
  /** Worst batch, ns per event, null when no batch was measured. */
  batchNsPerEventMax: number | null;
}

/** The metrics part of a result file. */
export interface MetricsRecord {
  histograms: LatencyHistogramsRecord;
  timelines: Record<string, TimelineExport>;
  /** Present in deterministic mode. */
  processingCost?: ProcessingCostSummary;
}
