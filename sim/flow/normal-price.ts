/**
 * Limit prices in whole ticks around a reference the caller passes on every draw (the current mid
 * and, when known, the best bid and ask).
 *
 * Model (sigma = sigmaFraction * midTicks, Z standard normal, one component per draw):
 * - CROSS with probability crossFraction: an order at or through the far touch, so it trades.
 *   buy:  bestAsk + round(sigma * |Z|)     sell: bestBid - round(sigma * |Z|)
 *   (without that quote the anchor is ceil(mid) for a buy, floor(mid) for a sell).
 * - DEPTH with probability depthFraction: a passive order well behind its own touch, building depth.
 *   buy:  bestBid - max(1, round(sigma * (depthOffsetSigmas + |Z|)))
 *   sell: bestAsk + max(1, round(sigma * (depthOffsetSigmas + |Z|)))
 *   (without that quote the anchor is floor(mid) for a buy, ceil(mid) for a sell).
 * - CORE otherwise: the seed's N(mid, sigma), side-independent: round(mid + sigma * Z). Orders on the
 *   wrong side of the mid cross, the rest rest near the touch.
 * Every price is then raised to at least one tick.
 *
 * Invariants: each draw takes one uniform (the component) and one normal, whatever the component, so
 * the fractions can change without shifting later draws' pairing; the result is an integer >= 1.
 * `lastRaw` and `lastComponent` describe the last draw before rounding (for tests and metrics).
 */
import { ConfigError } from '../../engine/errors.js';
import { Side, type SideCode } from '../../engine/protocol.js';
import type { RandomStream } from '../random/streams.js';
import { numberIn, optionRecord, rejectUnknownKeys } from './options.js';

export const PriceComponent = { CORE: 0, DEPTH: 1, CROSS: 2 } as const;
export type PriceComponentCode = (typeof PriceComponent)[keyof typeof PriceComponent];

/** Largest sigma, as a fraction of the mid. */
export const SIGMA_FRACTION_MAX = 1;
/** Largest depth offset, standard deviations. */
export const DEPTH_OFFSET_SIGMAS_MAX = 100;

export interface NormalPriceOptions {
  /** Standard deviation as a fraction of the mid, (0, 1]; default 0.005 (the seed: 0.5% of mid). */
  sigmaFraction?: number;
  /** Probability of a DEPTH order, [0, 1]; default 0.2. */
  depthFraction?: number;
  /** Probability of a CROSS order, [0, 1], depthFraction + crossFraction <= 1; default 0.1. */
  crossFraction?: number;
  /** Extra distance of DEPTH orders behind the touch, standard deviations, [0, 100]; default 2. */
  depthOffsetSigmas?: number;
}

export const NORMAL_PRICE_DEFAULTS = { sigmaFraction: 0.005, depthFraction: 0.2, crossFraction: 0.1, depthOffsetSigmas: 2 } as const;

const OPTION_KEYS = ['sigmaFraction', 'depthFraction', 'crossFraction', 'depthOffsetSigmas'] as const;

/** A quote that is absent (an empty side of the book). */
export const NO_QUOTE = 0;

export class NormalPrice {
  readonly sigmaFraction: number;
  readonly depthFraction: number;
  readonly crossFraction: number;
  readonly depthOffsetSigmas: number;
  /** The continuous price (ticks) behind the last draw, before rounding and the one-tick floor. */
  lastRaw: number;
  lastComponent: PriceComponentCode;
  private readonly stream: RandomStream;

  constructor(stream: RandomStream, options?: NormalPriceOptions) {
    const record = optionRecord(options, 'price');
    rejectUnknownKeys(record, OPTION_KEYS, 'price.');
    const d = NORMAL_PRICE_DEFAULTS;
    this.sigmaFraction = numberIn(record.sigmaFraction, d.sigmaFraction, { min: 0, max: SIGMA_FRACTION_MAX, minExclusive: true }, 'price.sigmaFraction');
    this.depthFraction = numberIn(record.depthFraction, d.depthFraction, { min: 0, max: 1 }, 'price.depthFraction');
    this.crossFraction = numberIn(record.crossFraction, d.crossFraction, { min: 0, max: 1 }, 'price.crossFraction');
    this.depthOffsetSigmas = numberIn(record.depthOffsetSigmas, d.depthOffsetSigmas, { min: 0, max: DEPTH_OFFSET_SIGMAS_MAX }, 'price.depthOffsetSigmas');
    if (this.depthFraction + this.crossFraction > 1) {
      throw new ConfigError(`price.crossFraction: depthFraction + crossFraction must be in [0, 1], got ${this.depthFraction + this.crossFraction}`);
    }
    this.stream = stream;
    this.lastRaw = 0;
    this.lastComponent = PriceComponent.CORE;
  }

  /**
   * A price in ticks (integer >= 1) for an order on `side`. midTicks > 0 may be fractional (a half
   * tick between the quotes); bestBidTicks and bestAskTicks are integers, NO_QUOTE when absent.
   */
  next(side: SideCode, midTicks: number, bestBidTicks: number = NO_QUOTE, bestAskTicks: number = NO_QUOTE): number {
    if (!(midTicks > 0) || !Number.isFinite(midTicks)) {
      throw new RangeError(`next: midTicks must be a finite number > 0, got ${midTicks}`);
    }
    const sigma = this.sigmaFraction * midTicks;
    const u = this.stream.next();
    const z = this.stream.normal(0, 1);
    const buy = side === Side.BUY;
    let raw: number;
    let price: number;
    if (u < this.crossFraction) {
      this.lastComponent = PriceComponent.CROSS;
      const anchor = buy ? quoteOr(bestAskTicks, Math.ceil(midTicks)) : quoteOr(bestBidTicks, Math.floor(midTicks));
      const offset = sigma * Math.abs(z);
      raw = buy ? anchor + offset : anchor - offset;
      price = buy ? anchor + Math.round(offset) : anchor - Math.round(offset);
    } else if (u < this.crossFraction + this.depthFraction) {
      this.lastComponent = PriceComponent.DEPTH;
      const anchor = buy ? quoteOr(bestBidTicks, Math.floor(midTicks)) : quoteOr(bestAskTicks, Math.ceil(midTicks));
      const offset = sigma * (this.depthOffsetSigmas + Math.abs(z));
      const ticks = Math.max(1, Math.round(offset));
      raw = buy ? anchor - offset : anchor + offset;
      price = buy ? anchor - ticks : anchor + ticks;
    } else {
      this.lastComponent = PriceComponent.CORE;
      raw = midTicks + sigma * z;
      price = Math.round(raw);
    }
    this.lastRaw = raw;
    return price < 1 ? 1 : price;
  }
}

function quoteOr(quoteTicks: number, fallback: number): number {
  return quoteTicks > 0 ? quoteTicks : fallback;
}
