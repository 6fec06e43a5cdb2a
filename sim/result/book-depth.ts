/** The book's depth at the end of a run, per symbol: the result's `book` section. */
import { Side } from '../../engine/protocol.js';
import type { RestingOrder } from '../../engine/types.js';

/** Levels per side kept in the result. */
export const BOOK_LEVELS_MAX = 20;

export interface BookDepth {
  symbol: string;
  /** Best first; price in price units, quantity in quantity units (the level's total leaves). */
  bids: { price: number; quantity: number }[];
  asks: { price: number; quantity: number }[];
}

/** Aggregates a symbol's resting orders (snapshot order: bids best first, then asks best first). */
export function bookDepth(symbol: string, orders: readonly RestingOrder[]): BookDepth {
  const depth: BookDepth = { symbol, bids: [], asks: [] };
  for (const order of orders) {
    const levels = order.side === Side.BUY ? depth.bids : depth.asks;
    const last = levels.at(-1);
    if (last !== undefined && last.price === order.price) last.quantity += order.leaves;
    else if (levels.length < BOOK_LEVELS_MAX) levels.push({ price: order.price, quantity: order.leaves });
  }
  return depth;
}
