/**
 * Position-manager options: one defaults object (units in the names and comments), validated once
 * at construction. Unknown keys are rejected; every failure is a ConfigError naming the field and
 * the allowed range, e.g. `pm.childQuantityMax: must be an integer in [0, 4294967295], got -1`.
 */
import { ConfigError } from '../errors.js';
import { show, validateEngineOptions } from '../options.js';
import { ORDER_QUANTITY_MAX } from '../protocol.js';
import type { InstrumentConfig } from '../types.js';
import { PRICE_POLICIES, type PricePolicyName } from './price-policy.js';

/** Largest owner id (32 bits in the core). */
export const OWNER_MAX = 0xffffffff;
/** Largest time option, ns (2^52 ns, about 52 days; keeps sums of times safe integers). */
export const TIME_NS_MAX = 2 ** 52;
export const CROSS_TICKS_MAX = 1_000_000;
export const TARGET_QUEUE_MAX_LIMIT = 1 << 24;
export const CLOSED_ORDERS_MAX_LIMIT = 1 << 24;
export const REJECT_RETRIES_MAX_LIMIT = 1_000;
/** Largest client order id: the engine's (a safe integer). The PM never issues one above it. */
export const CLIENT_ORDER_ID_MAX = Number.MAX_SAFE_INTEGER;
/**
 * Largest clientOrderIdStart, and the largest id reconcileWithEngine adopts past the PM's counter
 * (the PM issues new ids above every id it adopted). Either way at least 2^52 ids stay to issue:
 * 142 years at a million orders per second, so the counter never reaches CLIENT_ORDER_ID_MAX in
 * practice (only a journal whose counter is already near it can get there).
 */
export const CLIENT_ORDER_ID_START_MAX = 2 ** 52;

export const PM_DEFAULTS = {
  pricePolicy: 'cross' as PricePolicyName,
  /** Ticks beyond the best opposite price for 'cross' (0 = take at the touch). */
  crossTicks: 0,
  /** Largest child order, quantity units; 0 = the instrument's maxOrderQuantity. */
  childQuantityMax: 0,
  /** Live child orders per symbol and side (cancelling ones included). */
  childOrdersLiveMax: 4,
  /** Least time between two child orders of one symbol, ns. */
  childIntervalNs: 0,
  /** Least time between two cancel waves (cancel/replace) of one symbol, ns: the anti-thrash rate. */
  cancelWaveIntervalNs: 1_000_000,
  /** Order type of children: 'limit' rests its remainder, 'ioc' expires it (needs childIntervalNs >= 1). */
  orderType: 'limit' as PmOrderTypeName,
  /** Cancel a live order priced this many ticks or more from the policy price; 0 = never reprice. */
  repriceTicksMin: 0,
  /** With repricing on, re-check live orders' prices this often, ns (0 = only on events and onMarketData). */
  repriceIntervalNs: 0,
  /** Consecutive transient rejects of a symbol before its cooldown. */
  rejectRetriesMax: 5,
  /**
   * First backoff after a transient reject (BUSY, ENGINE_FULL, ...), ns; doubles per retry. Also
   * the retry delay after a dependency failed (gateway.send, marketData.bbo). At least 1: a
   * persistently failing dependency is retried later, never again at the same instant (a busy loop
   * for a simulator that ticks at nextWakeNs).
   */
  backoffBaseNs: 1_000_000,
  backoffMaxNs: 1_000_000_000,
  /** Pause of a symbol after rejectRetriesMax transient rejects in a row, ns. */
  cooldownNs: 5_000_000_000,
  /** Symbols with a queued target update (updates of one symbol coalesce). */
  targetQueueMax: 4_096,
  /** Terminal orders remembered for late and duplicate reports. */
  closedOrdersMax: 65_536,
  /** Anomalies and alerts kept in memory (all are counted). */
  anomaliesMax: 1_024,
  /** First client order id (later ids increase by one). */
  clientOrderIdStart: 1,
  engineEpoch: 0,
  /** Append-only JSON-lines journal; '' = no journal. */
  journalPath: '',
  journalFsync: false,
  /** O(n) self-check of the incremental aggregates after every operation (tests). */
  verify: false,
} as const;

export const PM_ORDER_TYPES = ['limit', 'ioc'] as const;
export type PmOrderTypeName = (typeof PM_ORDER_TYPES)[number];

export interface PmOptions {
  /** The engine owner id of every command the PM sends. */
  owner: number;
  /** The engine's instruments, in engine order (index = symbol). */
  instruments: InstrumentConfig[];
  pricePolicy?: PricePolicyName;
  crossTicks?: number;
  childQuantityMax?: number;
  childOrdersLiveMax?: number;
  childIntervalNs?: number;
  cancelWaveIntervalNs?: number;
  orderType?: PmOrderTypeName;
  repriceTicksMin?: number;
  repriceIntervalNs?: number;
  rejectRetriesMax?: number;
  backoffBaseNs?: number;
  backoffMaxNs?: number;
  cooldownNs?: number;
  targetQueueMax?: number;
  closedOrdersMax?: number;
  anomaliesMax?: number;
  clientOrderIdStart?: number;
  engineEpoch?: number;
  journalPath?: string;
  journalFsync?: boolean;
  verify?: boolean;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type ResolvedPmOptions = Readonly<
  Required<Omit<PmOptions, 'instruments' | 'pricePolicy' | 'orderType' | 'journalFsync' | 'verify' | 'journalPath'>> & {
    instruments: readonly Readonly<InstrumentConfig>[];
    pricePolicy: PricePolicyName;
    orderType: PmOrderTypeName;
    journalPath: string;
    journalFsync: boolean;
    verify: boolean;
  }
>;

/** [key, min, max] of every integer option. */
const INTEGER_RANGES: readonly (readonly [keyof typeof PM_DEFAULTS, number, number])[] = [
  ['crossTicks', 0, CROSS_TICKS_MAX],
  ['childQuantityMax', 0, ORDER_QUANTITY_MAX],
  ['childOrdersLiveMax', 1, 1 << 30],
  ['childIntervalNs', 0, TIME_NS_MAX],
  ['cancelWaveIntervalNs', 0, TIME_NS_MAX],
  ['repriceTicksMin', 0, CROSS_TICKS_MAX],
  ['repriceIntervalNs', 0, TIME_NS_MAX],
  ['rejectRetriesMax', 1, REJECT_RETRIES_MAX_LIMIT],
  ['backoffBaseNs', 1, TIME_NS_MAX],
  ['backoffMaxNs', 0, TIME_NS_MAX],
  ['cooldownNs', 0, TIME_NS_MAX],
  ['targetQueueMax', 1, TARGET_QUEUE_MAX_LIMIT],
  ['closedOrdersMax', 0, CLOSED_ORDERS_MAX_LIMIT],
  ['anomaliesMax', 0, 1 << 20],
  ['clientOrderIdStart', 1, CLIENT_ORDER_ID_START_MAX],
  ['engineEpoch', 0, Number.MAX_SAFE_INTEGER],
];

const KEYS = ['owner', 'instruments', ...Object.keys(PM_DEFAULTS)];

export function validatePmOptions(options: unknown): ResolvedPmOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`pm: must be an object, got ${show(options)}`);
  }
  const record = options as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!KEYS.includes(key)) throw new ConfigError(`pm.${key}: unknown option (allowed: ${KEYS.join(', ')})`);
  }
  const resolved: Mutable<Record<string, unknown>> = { ...PM_DEFAULTS };
  resolved.owner = integerIn(record.owner, 0, OWNER_MAX, 'pm.owner');
  resolved.instruments = validateEngineOptions({ instruments: record.instruments }).instruments;
  for (const [key, min, max] of INTEGER_RANGES) {
    if (record[key] !== undefined) resolved[key] = integerIn(record[key], min, max, `pm.${key}`);
  }
  oneOf(record, resolved, 'pricePolicy', PRICE_POLICIES);
  oneOf(record, resolved, 'orderType', PM_ORDER_TYPES);
  if (resolved.orderType === 'ioc' && (resolved.childIntervalNs as number) < 1) {
    throw new ConfigError(`pm.childIntervalNs: must be >= 1 with orderType 'ioc' (an expired remainder is resent at most once per interval), got ${String(resolved.childIntervalNs)}`);
  }
  for (const key of ['journalFsync', 'verify'] as const) {
    if (record[key] === undefined) continue;
    if (typeof record[key] !== 'boolean') throw new ConfigError(`pm.${key}: must be a boolean, got ${show(record[key])}`);
    resolved[key] = record[key];
  }
  if (record.journalPath !== undefined) {
    if (typeof record.journalPath !== 'string') throw new ConfigError(`pm.journalPath: must be a string, got ${show(record.journalPath)}`);
    resolved.journalPath = record.journalPath;
  }
  if ((resolved.backoffMaxNs as number) < (resolved.backoffBaseNs as number)) {
    throw new ConfigError(`pm.backoffMaxNs: must be >= backoffBaseNs ${String(resolved.backoffBaseNs)}, got ${String(resolved.backoffMaxNs)}`);
  }
  return Object.freeze(resolved) as unknown as ResolvedPmOptions;
}

function oneOf(record: Record<string, unknown>, resolved: Record<string, unknown>, key: string, allowed: readonly string[]): void {
  const value = record[key];
  if (value === undefined) return;
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw new ConfigError(`pm.${key}: must be one of ${allowed.join(', ')}, got ${show(value)}`);
  }
  resolved[key] = value;
}

function integerIn(value: unknown, min: number, max: number, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${path}: must be an integer in [${min}, ${max}], got ${show(value)}`);
  }
  return value;
}

