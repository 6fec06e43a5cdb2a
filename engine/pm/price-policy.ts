/**
 * Limit price of a child order from the best bid and offer.
 *
 * - join:  rest at the best price of the own side (buy at the bid, sell at the ask).
 * - cross: take liquidity, k ticks beyond the best opposite price (buy at ask + k ticks).
 * - mid:   peg to the mid price, rounded away from crossing (buy down, sell up to the tick).
 * A missing side falls back to the other side one tick away from crossing, and an empty book to the
 * instrument's reference price. The result is always on the tick and inside the instrument's band,
 * so the engine never rejects it for price (PRICE_OFF_TICK, PRICE_OUT_OF_BAND, PRICE_INVALID).
 */
import { tickBand } from '../options.js';
import { Side, type SideCode } from '../protocol.js';
import type { Bbo, InstrumentConfig } from '../types.js';

export const PRICE_POLICIES = ['join', 'cross', 'mid'] as const;
export type PricePolicyName = (typeof PRICE_POLICIES)[number];

export interface PriceGrid {
  tickSize: number;
  referencePrice: number;
  /** Lowest and highest price an order can carry (options.ts tickBand). */
  bandLowTick: number;
  bandHighTick: number;
}

export function priceGrid(instrument: Readonly<InstrumentConfig>): PriceGrid {
  const band = tickBand(instrument);
  return { tickSize: instrument.tickSize, referencePrice: instrument.referencePrice, bandLowTick: band.low, bandHighTick: band.high };
}

export function limitPrice(policy: PricePolicyName, crossTicks: number, side: SideCode, bbo: Bbo, grid: PriceGrid): number {
  const buy = side === Side.BUY;
  const tick = grid.tickSize;
  const bid = bbo.bid?.price;
  const ask = bbo.ask?.price;
  let price: number;
  if (policy === 'cross' && (buy ? ask : bid) !== undefined) {
    price = buy ? (ask as number) + crossTicks * tick : (bid as number) - crossTicks * tick;
  } else if (policy === 'mid' && bid !== undefined && ask !== undefined) {
    price = (bid + ask) / 2;
  } else {
    price = joinPrice(buy, bid, ask, tick, grid.referencePrice);
  }
  const onTick = buy ? Math.floor(price / tick) * tick : Math.ceil(price / tick) * tick;
  return Math.min(grid.bandHighTick, Math.max(grid.bandLowTick, onTick));
}

function joinPrice(buy: boolean, bid: number | undefined, ask: number | undefined, tick: number, reference: number): number {
  if (buy) return bid ?? (ask !== undefined ? ask - tick : reference);
  return ask ?? (bid !== undefined ? bid + tick : reference);
}
