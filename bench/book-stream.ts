/**
 * The order-book benchmark's command stream: seeded, deterministic, one symbol, one owner.
 *
 * - 80% NEW limit orders, 20% CANCEL of a uniformly drawn, previously submitted GTC order (often
 *   already filled or cancelled: the engine answers CANCEL_REJECTED, which is part of the load).
 * - NEW: side 50/50, 90% GTC (LIMIT) / 10% IOC, price round(N(10000, 50)) ticks, quantity
 *   max(1, round(LogNormal)) with mean 100 and standard deviation 200.
 * - Client order ids 1..N in submission order; cancels address (owner, clientOrderId), orderId 0.
 *
 * Sizes are not capped: the instrument's maxOrderQuantity (10,000,000) sits about 9.5 sigma above
 * the lognormal's log-mean, so no order of any realistic stream is rejected for size (asserted).
 * Prices are likewise far inside the band (10000 +- 5000).
 */
import { endianness } from 'node:os';
import { writeFileSync } from 'node:fs';
import seedrandom from 'seedrandom';
import { Action, COMMAND_SLOTS, CommandSlot, OrderType, Side } from '../engine/protocol.js';
import type { EngineOptions } from '../engine/types.js';

export const OWNER = 1;
const NEW_SHARE = 0.8;
const BUY_SHARE = 0.5;
const GTC_SHARE = 0.9;
const PRICE_MEAN_TICKS = 10_000;
const PRICE_SD_TICKS = 50;
const QUANTITY_MEAN = 100;
const QUANTITY_SD = 200;
const QUANTITY_MAX = 10_000_000;

/** The one instrument every engine of the benchmark is configured with. */
export const BENCH_ENGINE_OPTIONS: EngineOptions = {
  instruments: [
    {
      symbol: 'BENCH',
      tickSize: 1,
      lotSize: 1,
      maxOrderQuantity: QUANTITY_MAX,
      referencePrice: PRICE_MEAN_TICKS,
      bandBps: 5_000,
    },
  ],
};

// A lognormal with mean m and sd s has sigma^2 = ln(1 + s^2/m^2) and mu = ln(m) - sigma^2/2.
const SIGMA_SQUARED = Math.log(1 + (QUANTITY_SD * QUANTITY_SD) / (QUANTITY_MEAN * QUANTITY_MEAN));
const LOG_SIGMA = Math.sqrt(SIGMA_SQUARED);
const LOG_MU = Math.log(QUANTITY_MEAN) - SIGMA_SQUARED / 2;

export interface BookStream {
  /** count * COMMAND_SLOTS float64 slots (engine/protocol.ts CommandSlot layout). */
  records: Float64Array;
  count: number;
  news: number;
  cancels: number;
  iocs: number;
}

export function generateBookStream(count: number, seed: number): BookStream {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count: must be an integer >= 1, got ${count}`);
  const rng = seedrandom(`lobsim-book-bench-${seed}`);
  // Box-Muller; 1 - rng() lies in (0, 1], so the logarithm is finite.
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const records = new Float64Array(count * COMMAND_SLOTS);
  const gtcIds = new Float64Array(count);
  let gtcCount = 0;
  let news = 0;
  let iocs = 0;
  for (let i = 0; i < count; i++) {
    const at = i * COMMAND_SLOTS;
    records[at + CommandSlot.owner] = OWNER;
    // The very first commands can have no GTC order to cancel yet: they become NEW orders.
    if (rng() >= NEW_SHARE && gtcCount > 0) {
      records[at + CommandSlot.action] = Action.CANCEL;
      records[at + CommandSlot.clientOrderId] = gtcIds[Math.floor(rng() * gtcCount)]!;
      continue;
    }
    const clientOrderId = ++news;
    const side = rng() < BUY_SHARE ? Side.BUY : Side.SELL;
    const gtc = rng() < GTC_SHARE;
    const price = Math.round(PRICE_MEAN_TICKS + PRICE_SD_TICKS * normal());
    const quantity = Math.max(1, Math.round(Math.exp(LOG_MU + LOG_SIGMA * normal())));
    if (quantity > QUANTITY_MAX || price <= 0) throw new RangeError(`stream draw out of range at command ${i}`);
    records[at + CommandSlot.action] = Action.NEW;
    records[at + CommandSlot.clientOrderId] = clientOrderId;
    records[at + CommandSlot.side] = side;
    records[at + CommandSlot.type] = gtc ? OrderType.LIMIT : OrderType.IOC;
    records[at + CommandSlot.price] = price;
    records[at + CommandSlot.quantity] = quantity;
    if (gtc) gtcIds[gtcCount++] = clientOrderId;
    else iocs++;
  }
  return { records, count, news, cancels: count - news, iocs };
}

/** Raw little-endian float64 slots, the format native/bench/book_bench.cpp reads. */
export function writeBookStream(stream: BookStream, file: string): void {
  // A Float64Array is stored in the machine's byte order; the C++ reader assumes little-endian.
  if (endianness() !== 'LE') throw new Error('book-stream: a big-endian host cannot write the raw stream file');
  writeFileSync(file, new Uint8Array(stream.records.buffer, stream.records.byteOffset, stream.records.byteLength));
}
