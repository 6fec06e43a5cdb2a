/**
 * The bounded target queue (seed question 10: backpressure). Updates coalesce per symbol: a symbol
 * is queued at most once and its latest target wins, so the queue holds at most one entry per
 * symbol and never more than `capacity`. An update for a new symbol when the queue is full is shed
 * (dropped and counted; the caller sees 'shed' and may retry). FIFO by first enqueue, so draining
 * is deterministic. Storage is preallocated: a ring of symbol indices plus a per-symbol slot.
 */
import { InvariantError } from '../errors.js';
import type { TargetOutcome } from './types.js';

export class TargetQueue {
  queued = 0;
  coalesced = 0;
  shed = 0;
  private readonly ring: Int32Array;
  private head = 0;
  private count = 0;
  private readonly pending: Float64Array;
  private readonly isQueued: Uint8Array;

  constructor(
    readonly capacity: number,
    symbolCount: number,
  ) {
    this.ring = new Int32Array(capacity);
    this.pending = new Float64Array(symbolCount);
    this.isQueued = new Uint8Array(symbolCount);
  }

  get size(): number {
    return this.count;
  }

  push(symbol: number, quantity: number): TargetOutcome {
    if (this.isQueued[symbol] === 1) {
      this.pending[symbol] = quantity;
      this.coalesced += 1;
      return 'coalesced';
    }
    if (this.count === this.capacity) {
      this.shed += 1;
      return 'shed';
    }
    this.ring[(this.head + this.count) % this.capacity] = symbol;
    this.count += 1;
    this.pending[symbol] = quantity;
    this.isQueued[symbol] = 1;
    this.queued += 1;
    return 'queued';
  }

  /** Removes the oldest entry and hands it to `apply`; false when empty. */
  shift(apply: (symbol: number, quantity: number) => void): boolean {
    if (this.count === 0) return false;
    const symbol = this.ring[this.head] as number;
    if (this.isQueued[symbol] !== 1) throw new InvariantError(`pm: target queue entry ${symbol} not marked queued`);
    this.head = (this.head + 1) % this.capacity;
    this.count -= 1;
    this.isQueued[symbol] = 0;
    apply(symbol, this.pending[symbol] as number);
    return true;
  }
}
