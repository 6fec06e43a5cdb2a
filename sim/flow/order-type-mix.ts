/**
 * Order-type mix: a categorical draw over the engine's order types with the given weights. The
 * seed's "90% GTC, 10% FAK" is { LIMIT: 0.9, IOC: 0.1 } (a resting limit order is GTC; FAK is IOC).
 *
 * Invariants: one uniform per draw; the weights are normalized once; categories are scanned in the
 * fixed order ORDER_TYPE_NAMES, so the mapping from uniforms to types never depends on key order.
 */
import { ConfigError } from '../../engine/errors.js';
import { OrderType, type OrderTypeCode } from '../../engine/protocol.js';
import type { RandomStream } from '../random/streams.js';
import { numberIn, optionRecord, rejectUnknownKeys } from './options.js';

export const ORDER_TYPE_NAMES = ['LIMIT', 'IOC', 'FOK', 'MARKET', 'POST_ONLY'] as const;
export type OrderTypeName = (typeof ORDER_TYPE_NAMES)[number];

/** Relative weights, each a finite number >= 0, at least one > 0; missing types weigh 0. */
export type OrderTypeWeights = Partial<Record<OrderTypeName, number>>;

export const ORDER_TYPE_MIX_DEFAULTS: Readonly<OrderTypeWeights> = { LIMIT: 0.9, IOC: 0.1 };

/** Largest weight (weights are relative; this only keeps sums finite). */
export const ORDER_TYPE_WEIGHT_MAX = 1e12;

export class OrderTypeMix {
  /** Normalized probabilities in ORDER_TYPE_NAMES order. */
  readonly probabilities: readonly number[];
  private readonly cumulative: Float64Array;
  private readonly codes: readonly OrderTypeCode[];
  private readonly stream: RandomStream;

  constructor(stream: RandomStream, weights: OrderTypeWeights = ORDER_TYPE_MIX_DEFAULTS) {
    const record = optionRecord(weights, 'orderTypes');
    rejectUnknownKeys(record, ORDER_TYPE_NAMES, 'orderTypes.');
    const raw = ORDER_TYPE_NAMES.map((name) => numberIn(record[name], 0, { min: 0, max: ORDER_TYPE_WEIGHT_MAX }, `orderTypes.${name}`));
    const total = raw.reduce((sum, w) => sum + w, 0);
    if (!(total > 0)) throw new ConfigError('orderTypes: at least one weight must be > 0, got all 0');
    this.probabilities = Object.freeze(raw.map((w) => w / total));
    this.cumulative = new Float64Array(raw.length);
    let running = 0;
    raw.forEach((w, i) => {
      running += w;
      this.cumulative[i] = running / total;
    });
    // The last positive category absorbs the rounding of the running sum, so every uniform maps to a type.
    let lastPositive = raw.length - 1;
    while ((raw[lastPositive] as number) === 0) lastPositive--;
    this.cumulative.fill(Infinity, lastPositive);
    this.codes = ORDER_TYPE_NAMES.map((name) => OrderType[name]);
    this.stream = stream;
  }

  next(): OrderTypeCode {
    const u = this.stream.next();
    let i = 0;
    while (u >= (this.cumulative[i] as number)) i++;
    return this.codes[i] as OrderTypeCode;
  }
}
