/**
 * Cancellation of a client's own live orders (the seed: 20% of active orders per minute).
 *
 * Model: every live order is cancelled at hazard rate f per minute (f = fractionPerMinute), so the
 * client's cancels form a Poisson process of rate f * n(t) / 60 s, where n(t) is its live-order count,
 * and each cancel picks one live order uniformly. ("20% per minute" is a rate: a static set with no
 * replenishment loses 1 - e^-0.2 = 18.1% of its orders in the first minute.)
 *
 * Simulation is exact with a state-dependent rate: the policy holds a unit-exponential mass and
 * spends f * n / 60e9 of it per nanosecond; whenever n changes the caller calls `update`, which spends
 * the mass for the elapsed interval at the old count and recomputes the due time at the new count.
 * When the mass runs out the caller calls `fire`, which picks the victim and draws a fresh mass.
 * Changing n therefore costs no draws, and the draws depend only on how many cancels fired.
 *
 * Determinism: the victim is an index into the caller's LiveOrders, an array with swap-remove whose
 * order depends only on the (deterministic) sequence of adds and removes, never on hashing.
 */
import type { RandomStream } from '../random/streams.js';
import { numberIn, optionRecord, rejectUnknownKeys } from './options.js';

/** The due time when no cancel is pending (no live orders, or a zero rate). */
export const NEVER_NS = Number.MAX_SAFE_INTEGER;
/** Largest cancel rate, fraction of live orders per minute. */
export const CANCEL_FRACTION_PER_MINUTE_MAX = 1e6;
const NS_PER_MINUTE = 60e9;

export interface CancelPolicyOptions {
  /** Hazard of each live order, per minute, [0, 1e6]; default 0.2 (the seed). */
  fractionPerMinute?: number;
}

export const CANCEL_POLICY_DEFAULTS = { fractionPerMinute: 0.2 } as const;

export class CancelPolicy {
  readonly fractionPerMinute: number;
  private readonly ratePerOrderPerNs: number;
  private readonly stream: RandomStream;
  private remainingMass: number;
  private lastNs: number;
  private activeCount: number;
  private dueNs: number;

  constructor(stream: RandomStream, options?: CancelPolicyOptions) {
    const record = optionRecord(options, 'cancel');
    rejectUnknownKeys(record, ['fractionPerMinute'], 'cancel.');
    this.fractionPerMinute = numberIn(
      record.fractionPerMinute,
      CANCEL_POLICY_DEFAULTS.fractionPerMinute,
      { min: 0, max: CANCEL_FRACTION_PER_MINUTE_MAX },
      'cancel.fractionPerMinute',
    );
    this.ratePerOrderPerNs = this.fractionPerMinute / NS_PER_MINUTE;
    this.stream = stream;
    this.remainingMass = -Math.log(1 - stream.next());
    this.lastNs = 0;
    this.activeCount = 0;
    this.dueNs = NEVER_NS;
  }

  /** The time (integer ns) the next cancel is due at the current count, or NEVER_NS. */
  get nextCancelNs(): number {
    return this.dueNs;
  }

  /** The live count became activeCount at nowNs; returns the new due time. */
  update(nowNs: number, activeCount: number): number {
    this.advance(nowNs);
    if (!Number.isSafeInteger(activeCount) || activeCount < 0) {
      throw new RangeError(`update: activeCount must be an integer >= 0, got ${activeCount}`);
    }
    this.activeCount = activeCount;
    return this.reschedule();
  }

  /**
   * The due cancel fires at nowNs: returns the index in [0, activeCount) of the live order to cancel
   * and draws the next mass. The caller removes that order and calls update(nowNs, activeCount - 1).
   */
  fire(nowNs: number, activeCount: number): number {
    if (!Number.isSafeInteger(activeCount) || activeCount < 1) {
      throw new RangeError(`fire: activeCount must be an integer >= 1, got ${activeCount}`);
    }
    this.advance(nowNs);
    const index = Math.floor(this.stream.next() * activeCount);
    this.remainingMass = -Math.log(1 - this.stream.next());
    this.activeCount = activeCount;
    this.reschedule();
    return index;
  }

  /** Spends the mass for [lastNs, nowNs) at the count that held over it. */
  private advance(nowNs: number): void {
    if (!Number.isSafeInteger(nowNs) || nowNs < this.lastNs) {
      throw new RangeError(`cancel policy: time must be a safe integer >= the last time ${this.lastNs}, got ${nowNs}`);
    }
    const spent = this.ratePerOrderPerNs * this.activeCount * (nowNs - this.lastNs);
    this.remainingMass = Math.max(0, this.remainingMass - spent);
    this.lastNs = nowNs;
  }

  private reschedule(): number {
    const rate = this.ratePerOrderPerNs * this.activeCount;
    const due = rate > 0 ? this.lastNs + Math.round(this.remainingMass / rate) : NEVER_NS;
    this.dueNs = due < NEVER_NS ? due : NEVER_NS;
    return this.dueNs;
  }
}

/**
 * A client's live orders in a deterministic order: an array with swap-remove plus an id -> index
 * table (a typed array for small integer ids, the client order ids of a run; a Map for any other).
 * The order of `at(i)` depends only on the sequence of adds and removes.
 */
export class LiveOrders {
  private ids = new Float64Array(64);
  private count = 0;
  /** Per order id (a small non-negative integer): its index + 1 in `ids`, 0 when not live. */
  private indexById = new Int32Array(256);
  /** Ids that are not small non-negative integers (rare): id -> index. */
  private readonly other = new Map<number, number>();

  get size(): number {
    return this.count;
  }

  has(orderId: number): boolean {
    return this.indexOf(orderId) >= 0;
  }

  at(index: number): number {
    if (!(index >= 0 && index < this.count) || !Number.isInteger(index)) {
      throw new RangeError(`at: index must be in [0, ${this.count - 1}], got ${index}`);
    }
    return this.ids[index]!;
  }

  add(orderId: number): void {
    if (this.indexOf(orderId) >= 0) throw new RangeError(`add: order ${orderId} is already live`);
    if (this.count === this.ids.length) {
      const grown = new Float64Array(this.ids.length * 2);
      grown.set(this.ids);
      this.ids = grown;
    }
    this.setIndex(orderId, this.count);
    this.ids[this.count++] = orderId;
  }

  /** Removes the order (moving the last one into its slot); false if it was not live. */
  remove(orderId: number): boolean {
    const index = this.indexOf(orderId);
    if (index < 0) return false;
    const last = this.ids[--this.count]!;
    if (last !== orderId) {
      this.ids[index] = last;
      this.setIndex(last, index);
    }
    this.clearIndex(orderId);
    return true;
  }

  private indexOf(orderId: number): number {
    if (orderId >= 0 && orderId <= 0x3fffffff && (orderId | 0) === orderId) {
      return orderId < this.indexById.length ? this.indexById[orderId]! - 1 : -1;
    }
    return this.other.get(orderId) ?? -1;
  }

  private setIndex(orderId: number, index: number): void {
    if (orderId >= 0 && orderId <= 0x3fffffff && (orderId | 0) === orderId) {
      if (orderId >= this.indexById.length) {
        let length = this.indexById.length * 2;
        while (length <= orderId) length *= 2;
        const grown = new Int32Array(length);
        grown.set(this.indexById);
        this.indexById = grown;
      }
      this.indexById[orderId] = index + 1;
    } else {
      this.other.set(orderId, index);
    }
  }

  private clearIndex(orderId: number): void {
    if (orderId >= 0 && orderId <= 0x3fffffff && (orderId | 0) === orderId) this.indexById[orderId] = 0;
    else this.other.delete(orderId);
  }
}
