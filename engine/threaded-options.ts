/**
 * Options of the threaded engine: the inline engine's options (options.ts) plus shards and queue
 * limits. One defaults object; every failure is a ConfigError naming the field and its range;
 * unknown keys are rejected.
 */
import { availableParallelism } from 'node:os';
import { ConfigError } from './errors.js';
import { ENGINE_KEYS, validateEngineOptions, type ResolvedEngineOptions } from './options.js';

/** Matching threads per engine. */
export const SHARDS_MAX = 64;
/** Capacity bounds of every queue, records (powers of two). */
export const QUEUE_CAPACITY_MIN = 2;
export const QUEUE_CAPACITY_MAX = 2 ** 24;
export const BATCH_REPORTS_MAX_LIMIT = 65_536;
export const BATCHES_IN_FLIGHT_MAX_LIMIT = 1024;
export const JOURNAL_COMMANDS_MAX_LIMIT = 2 ** 32;
export const SPIN_NS_MAX = 10_000_000;

export const THREADED_DEFAULTS = {
  /** Matching threads: the cores left after the dispatcher thread, at least 1 (and at most one per instrument). */
  shards: (): number => Math.max(1, availableParallelism() - 1),
  /** Ingress queue per shard, commands. Full -> BUSY. */
  ingressCommandsMax: 65_536,
  /** Event queue per shard (shard -> dispatcher), reports. Full -> the shard waits. */
  eventsMax: 65_536,
  /** Records per delivery to a JS handler. */
  batchReportsMax: 4096,
  /** Batches a subscriber may hold at once (handed over, handler not yet returned). */
  batchesInFlightMax: 4,
  /** Commands journalled per shard; 0 disables the journal. */
  journalCommandsMax: 0,
  /** Busy-wait of an idle engine thread before it parks, ns. */
  spinNs: 50_000,
} as const;

export interface ThreadedEngineOptionsExtra {
  shards?: number;
  ingressCommandsMax?: number;
  eventsMax?: number;
  batchReportsMax?: number;
  batchesInFlightMax?: number;
  journalCommandsMax?: number;
  spinNs?: number;
}

export interface ResolvedThreadedOptions extends ResolvedEngineOptions {
  readonly shards: number;
  readonly ingressCommandsMax: number;
  readonly eventsMax: number;
  readonly batchReportsMax: number;
  readonly batchesInFlightMax: number;
  readonly journalCommandsMax: number;
  readonly spinNs: number;
}

const EXTRA_KEYS = ['shards', 'ingressCommandsMax', 'eventsMax', 'batchReportsMax', 'batchesInFlightMax', 'journalCommandsMax', 'spinNs'] as const;

export function validateThreadedOptions(options: unknown): ResolvedThreadedOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError('options: must be an object');
  }
  const record = options as Record<string, unknown>;
  // Checked here, not by the engine's check below: its list of allowed keys lacks the threaded ones.
  const allowed: readonly string[] = [...ENGINE_KEYS, ...EXTRA_KEYS];
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) throw new ConfigError(`options.${key}: unknown option (allowed: ${allowed.join(', ')})`);
  }
  const base: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (!(EXTRA_KEYS as readonly string[]).includes(key)) base[key] = value;
  }
  const resolved = validateEngineOptions(base);
  const instruments = resolved.instruments.length;
  const shards = integer(record.shards, Math.min(THREADED_DEFAULTS.shards(), instruments), 1, Math.min(SHARDS_MAX, instruments), 'shards');
  return Object.freeze({
    ...resolved,
    shards,
    ingressCommandsMax: powerOfTwo(record.ingressCommandsMax, THREADED_DEFAULTS.ingressCommandsMax, 'ingressCommandsMax'),
    eventsMax: powerOfTwo(record.eventsMax, THREADED_DEFAULTS.eventsMax, 'eventsMax'),
    batchReportsMax: integer(record.batchReportsMax, THREADED_DEFAULTS.batchReportsMax, 1, BATCH_REPORTS_MAX_LIMIT, 'batchReportsMax'),
    batchesInFlightMax: integer(record.batchesInFlightMax, THREADED_DEFAULTS.batchesInFlightMax, 1, BATCHES_IN_FLIGHT_MAX_LIMIT, 'batchesInFlightMax'),
    journalCommandsMax: integer(record.journalCommandsMax, THREADED_DEFAULTS.journalCommandsMax, 0, JOURNAL_COMMANDS_MAX_LIMIT, 'journalCommandsMax'),
    spinNs: integer(record.spinNs, THREADED_DEFAULTS.spinNs, 0, SPIN_NS_MAX, 'spinNs'),
  });
}

function integer(value: unknown, fallback: number, min: number, max: number, field: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${field}: must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

function powerOfTwo(value: unknown, fallback: number, field: string): number {
  const resolved = integer(value, fallback, QUEUE_CAPACITY_MIN, QUEUE_CAPACITY_MAX, field);
  if ((resolved & (resolved - 1)) !== 0) {
    throw new ConfigError(`${field}: must be a power of two in [${QUEUE_CAPACITY_MIN}, ${QUEUE_CAPACITY_MAX}], got ${resolved}`);
  }
  return resolved;
}
