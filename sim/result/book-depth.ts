/** The book's depth at the end of a run, per symbol: the result's `book` section. */
import { Side } from '../../engine/protocol.js';
import { RESTING_SLOTS, RestingSlot } from '../../engine/records.js';

/** Levels per side kept in the result. */
export const BOOK_LEVELS_MAX = 20;

export interface BookDepth {
  symbol: string;
  /** Best first; price in price units, quantity in quantity units (the level's total leaves). */
  bids: { price: number; quantity: number }[];
  asks: { price: number; quantity: number }[];
}

/** Aggregates a symbol's resting-order records (RestingSlot layout, in snapshot order: bids best first, then asks best first). */
export function bookDepth(symbol: string, records: Float64Array): BookDepth {
  const depth: BookDepth = { symbol, bids: [], asks: [] };
  for (let at = 0; at < records.length; at += RESTING_SLOTS) {
    const levels = records[at + RestingSlot.side] === Side.BUY ? depth.bids : depth.asks;
    const price = records[at + RestingSlot.price]!;
    const leaves = records[at + RestingSlot.leaves]!;
    const last = levels.at(-1);
    if (last !== undefined && last.price === price) last.quantity += leaves;
    else if (levels.length < BOOK_LEVELS_MAX) levels.push({ price, quantity: leaves });
  }
  return depth;
}

/** The number of resting orders in per-symbol records (RestingSlot layout). */
export function restingCount(books: readonly Float64Array[]): number {
  return books.reduce((sum, records) => sum + records.length / RESTING_SLOTS, 0);
}
