/**
 * Engine options: defaults, limits and the one validation both engines use (the native facade
 * passes the resolved object to the addon; the reference book builds its books from it).
 *
 * Every failure is a ConfigError whose message names the field and the allowed range, e.g.
 * `instruments[3].lotSize: must be an integer in [1, 4294967295], got 0`. Unknown keys are
 * rejected so that a misspelt option never silently falls back to its default.
 */
import { ConfigError } from './errors.js';
import { ORDER_QUANTITY_MAX, StpMode, type StpModeCode } from './protocol.js';
import type { EngineOptions, InstrumentConfig, StpModeName } from './types.js';

/** Instruments per engine (an instrument index fits in 16 bits). */
export const INSTRUMENTS_MAX = 65_536;
/** Characters per symbol. */
export const SYMBOL_LENGTH_MAX = 16;
/** Half-width of a price band, basis points of the reference price (100x the price). */
export const BAND_BPS_MAX = 1_000_000;
/** Largest resting-order capacity, orders. */
export const ORDERS_MAX_LIMIT = 2 ** 30;
/** Largest budget of direct price levels (native/core/matching_engine.hpp kDirectLevelsMaxLimit). */
export const DIRECT_LEVELS_MAX_LIMIT = 2 ** 24;

export const ENGINE_DEFAULTS = {
  stp: 'off' as StpModeName,
  /** Resting-order capacity, orders. */
  ordersMax: 4_194_304,
  /**
   * Price levels the native engine may reserve for direct ladders (one level per tick of a band of
   * at most 65,536 ticks; 40 bytes each), over all instruments; the threaded engine shares it among
   * its shards. Ladders past the budget are sorted. It changes speed and memory, never results.
   */
  directLevelsMax: 1_048_576,
} as const;

export const STP_MODES: Readonly<Record<StpModeName, StpModeCode>> = {
  off: StpMode.OFF,
  'cancel-incoming': StpMode.CANCEL_INCOMING,
  'cancel-resting': StpMode.CANCEL_RESTING,
};

/** EngineOptions with every default filled in; same shape, plain data, frozen. */
export interface ResolvedEngineOptions {
  readonly instruments: readonly Readonly<InstrumentConfig>[];
  readonly stp: StpModeName;
  readonly ordersMax: number;
  readonly directLevelsMax: number;
}

export const ENGINE_KEYS = ['instruments', 'stp', 'ordersMax', 'directLevelsMax'] as const;
const INSTRUMENT_KEYS = ['symbol', 'tickSize', 'lotSize', 'maxOrderQuantity', 'referencePrice', 'bandBps'] as const;

export function validateEngineOptions(options: unknown): ResolvedEngineOptions {
  const record = plainObject(options, 'options');
  rejectUnknownKeys(record, ENGINE_KEYS, 'options.');
  const instruments = validateInstruments(record.instruments);
  const stp = record.stp === undefined ? ENGINE_DEFAULTS.stp : record.stp;
  if (typeof stp !== 'string' || !Object.hasOwn(STP_MODES, stp)) {
    throw new ConfigError(`stp: must be one of ${Object.keys(STP_MODES).join(', ')}, got ${show(stp)}`);
  }
  const ordersMax = record.ordersMax === undefined ? ENGINE_DEFAULTS.ordersMax : record.ordersMax;
  integerIn(ordersMax, 1, ORDERS_MAX_LIMIT, 'ordersMax');
  const directLevelsMax = record.directLevelsMax === undefined ? ENGINE_DEFAULTS.directLevelsMax : record.directLevelsMax;
  integerIn(directLevelsMax, 0, DIRECT_LEVELS_MAX_LIMIT, 'directLevelsMax');
  return Object.freeze({
    instruments,
    stp: stp as StpModeName,
    ordersMax: ordersMax as number,
    directLevelsMax: directLevelsMax as number,
  });
}

function validateInstruments(value: unknown): readonly Readonly<InstrumentConfig>[] {
  if (!Array.isArray(value)) throw new ConfigError(`instruments: must be an array, got ${show(value)}`);
  if (value.length < 1 || value.length > INSTRUMENTS_MAX) {
    throw new ConfigError(`instruments: must hold 1 to ${INSTRUMENTS_MAX} instruments, got ${value.length}`);
  }
  const firstIndexBySymbol = new Map<string, number>();
  return Object.freeze(
    value.map((item: unknown, index) => {
      const instrument = validateInstrument(item, `instruments[${index}]`);
      const first = firstIndexBySymbol.get(instrument.symbol);
      if (first !== undefined) {
        throw new ConfigError(
          `instruments[${index}].symbol: duplicate of instruments[${first}].symbol (${show(instrument.symbol)})`,
        );
      }
      firstIndexBySymbol.set(instrument.symbol, index);
      return instrument;
    }),
  );
}

function validateInstrument(value: unknown, path: string): Readonly<InstrumentConfig> {
  const record = plainObject(value, path);
  rejectUnknownKeys(record, INSTRUMENT_KEYS, `${path}.`);
  const { symbol } = record;
  // ASCII only, so that the length in characters equals the byte length the C++ core checks.
  if (typeof symbol !== 'string' || symbol.length < 1 || symbol.length > SYMBOL_LENGTH_MAX || !/^[\x20-\x7e]*$/.test(symbol)) {
    throw new ConfigError(`${path}.symbol: must be a string of 1 to ${SYMBOL_LENGTH_MAX} printable ASCII characters, got ${show(symbol)}`);
  }
  const tickSize = integerIn(record.tickSize, 1, Number.MAX_SAFE_INTEGER, `${path}.tickSize`);
  const lotSize = integerIn(record.lotSize, 1, ORDER_QUANTITY_MAX, `${path}.lotSize`);
  const maxOrderQuantity = integerIn(record.maxOrderQuantity, lotSize, ORDER_QUANTITY_MAX, `${path}.maxOrderQuantity`);
  if (maxOrderQuantity % lotSize !== 0) {
    throw new ConfigError(`${path}.maxOrderQuantity: must be a multiple of lotSize ${lotSize}, got ${maxOrderQuantity}`);
  }
  const referencePrice = integerIn(record.referencePrice, 1, Number.MAX_SAFE_INTEGER, `${path}.referencePrice`);
  const bandBps = integerIn(record.bandBps, 1, BAND_BPS_MAX, `${path}.bandBps`);
  const instrument = Object.freeze({ symbol, tickSize, lotSize, maxOrderQuantity, referencePrice, bandBps });
  checkBandHoldsAPrice(`${path}.bandBps`, instrument);
  return instrument;
}

/**
 * An instrument whose band holds no price an order can carry (a positive multiple of the tick that
 * is a safe integer) would reject every order it is sent: a configuration mistake, said once. The
 * core checks the same, in the same words (engine_config.cpp).
 */
function checkBandHoldsAPrice(field: string, instrument: Readonly<InstrumentConfig>): void {
  const prices = tickBand(instrument);
  if (prices.low <= prices.high) return;
  const band = exactBand(instrument);
  throw new ConfigError(
    `${field}: the band [${band.low}, ${band.high}] around referencePrice ${instrument.referencePrice} must hold a multiple of tickSize ${instrument.tickSize} in [1, ${Number.MAX_SAFE_INTEGER}], got bandBps ${instrument.bandBps}`,
  );
}

/**
 * The inclusive price band [referencePrice - b, referencePrice + b], b = floor(referencePrice *
 * bandBps / 10000), computed exactly with BigInt (the product can exceed 2^53). A bound beyond the
 * safe range rounds when converted, but stays beyond every price a record can carry (prices are
 * safe integers), so comparisons against it remain exact.
 */
export function priceBand(instrument: Readonly<InstrumentConfig>): { low: number; high: number } {
  const band = exactBand(instrument);
  return { low: Number(band.low), high: Number(band.high) };
}

function exactBand(instrument: Readonly<InstrumentConfig>): { low: bigint; high: bigint } {
  const reference = BigInt(instrument.referencePrice);
  const half = (reference * BigInt(instrument.bandBps)) / 10_000n;
  return { low: reference - half, high: reference + half };
}

/**
 * The prices an order of the instrument can carry, as an on-tick range: the band's multiples of the
 * tick that are at least one tick and safe integers (a band can reach past 2^53: referencePrice up
 * to 2^53, bandBps up to 10^6). Clients clamp the prices they make to it; low > high when the band
 * holds no such price, which validateEngineOptions refuses.
 */
export function tickBand(instrument: Readonly<InstrumentConfig>): { low: number; high: number } {
  const band = exactBand(instrument);
  const tick = BigInt(instrument.tickSize);
  const lowest = band.low > tick ? band.low : tick;
  const highest = band.high < BigInt(Number.MAX_SAFE_INTEGER) ? band.high : BigInt(Number.MAX_SAFE_INTEGER);
  return { low: Number(((lowest + tick - 1n) / tick) * tick), high: Number((highest / tick) * tick) };
}

function plainObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${path}: must be an object, got ${show(value)}`);
  }
  return value as Record<string, unknown>;
}

function rejectUnknownKeys(record: Record<string, unknown>, allowed: readonly string[], prefix: string): void {
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) {
      throw new ConfigError(`${prefix}${key}: unknown option (allowed: ${allowed.join(', ')})`);
    }
  }
}

function integerIn(value: unknown, min: number, max: number, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${path}: must be an integer in [${min}, ${max}], got ${show(value)}`);
  }
  return value;
}

/** A value as an error message quotes it: strings quoted, objects and arrays named, not dumped. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
