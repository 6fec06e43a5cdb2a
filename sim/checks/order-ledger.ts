/**
 * Follows every report of a run and checks, at the end:
 * - conservation: every accepted order ends filled, cancelled, expired or resting, and per order
 *   filled + cancelled + expired + resting leaves = its quantity (modify is not used by the flow;
 *   a REPLACED report resets the order's quantity); and the same in total;
 * - the trade ledger: per symbol the quantity bought equals the quantity sold, and the positions of
 *   all owners sum to zero.
 * Engine order ids are sequential from 1, so per-order state lives in one typed array indexed by
 * id, an order's fields side by side: a report about an old resting order then costs one cache miss,
 * not one per field (the harness feeds every report of a run through here).
 */
import { ExecKind, ReportSlot, Side } from '../../engine/protocol.js';
import { RESTING_SLOTS, RestingSlot } from '../../engine/records.js';
import { fail, pass, type CheckResult } from './check.js';

const ORDERS_INITIAL = 1 << 16;
/**
 * Largest order count taken from a caller's estimate (96 MiB of ledger): past it the ledger grows as
 * ids come. Sizing up front spares the copies of a doubling array and their page faults (each a few
 * microseconds on a virtual machine); a wrong estimate must not reserve much more than that.
 */
const ORDERS_PRESIZED_MAX = 1 << 22;
const FAILURES_SHOWN_MAX = 3;

/** Per order id, ORDER_SLOTS numbers: its accepted quantity, filled, cancelled or expired. */
const OrderSlot = { quantity: 0, filled: 1, closed: 2 } as const;
const ORDER_SLOTS = 3;

export class OrderLedger {
  private orders: Float64Array;
  private orderIdMax = 0;
  private readonly bought: Float64Array;
  private readonly sold: Float64Array;
  /** Net position per owner per symbol: index owner * symbols + symbol (owners are small integers). */
  private positions = new Float64Array(0);
  /** Per index of `positions`: 1 once the owner had a fill in the symbol. */
  private touched = new Uint8Array(0);
  acceptedQuantity = 0;
  filledQuantity = 0;
  trades = 0;

  /** `ordersExpected`: the number of orders the run will likely issue, to size the ledger once. */
  constructor(
    private readonly symbols: number,
    ordersExpected = ORDERS_INITIAL,
  ) {
    if (!(ordersExpected >= 0)) throw new RangeError(`order ledger: ordersExpected must be >= 0, got ${ordersExpected}`);
    const orders = Math.max(ORDERS_INITIAL, Math.min(Math.ceil(ordersExpected), ORDERS_PRESIZED_MAX));
    this.orders = new Float64Array((orders + 1) * ORDER_SLOTS);
    this.bought = new Float64Array(symbols);
    this.sold = new Float64Array(symbols);
  }

  /**
   * Applies the report record at slot offset `at` of `records` (protocol.ts ReportSlot layout);
   * `takerFill`: the record is the taker's fill of a trade (counted once per trade). The ledger
   * reads the record itself: the harness feeds it every report of a run, and eight numbers passed
   * one by one are eight values to box.
   */
  onReport(records: Float64Array, at: number, takerFill: boolean): void {
    const orderId = records[at + ReportSlot.orderId]!;
    if (orderId === 0) return;
    const kind = records[at + ReportSlot.kind]!;
    const owner = records[at + ReportSlot.owner]!;
    const symbol = records[at + ReportSlot.symbol]!;
    const side = records[at + ReportSlot.side]!;
    const quantity = records[at + ReportSlot.quantity]!;
    const lastQuantity = records[at + ReportSlot.lastQuantity]!;
    const leaves = records[at + ReportSlot.leavesQuantity]!;
    this.ensure(orderId);
    const orders = this.orders;
    const slot = orderId * ORDER_SLOTS;
    switch (kind) {
      case ExecKind.ACCEPTED:
        orders[slot + OrderSlot.quantity] = quantity;
        this.acceptedQuantity += quantity;
        break;
      case ExecKind.REPLACED:
        this.acceptedQuantity += quantity - orders[slot + OrderSlot.quantity]!;
        orders[slot + OrderSlot.quantity] = quantity;
        break;
      case ExecKind.PARTIALLY_FILLED:
      case ExecKind.FILLED:
        orders[slot + OrderSlot.filled]! += lastQuantity;
        if (side === Side.BUY) this.bought[symbol]! += lastQuantity;
        else this.sold[symbol]! += lastQuantity;
        {
          const key = owner * this.symbols + symbol;
          if (key >= this.positions.length) this.growPositions(key);
          this.positions[key]! += side === Side.BUY ? lastQuantity : -lastQuantity;
          this.touched[key] = 1;
        }
        if (takerFill) {
          this.trades++;
          this.filledQuantity += lastQuantity;
        }
        break;
      case ExecKind.CANCELLED:
      case ExecKind.EXPIRED:
        orders[slot + OrderSlot.closed]! += orders[slot + OrderSlot.quantity]! - orders[slot + OrderSlot.filled]! - leaves;
        break;
    }
  }

  /** The net position of `owner` in `symbol` from every fill so far. */
  position(owner: number, symbol: number): number {
    const key = owner * this.symbols + symbol;
    return key < this.positions.length ? this.positions[key]! : 0;
  }

  /**
   * Conservation per order and in total, given every resting order at the end: `books` holds each
   * symbol's resting orders as records in RestingSlot layout.
   */
  conservation(books: readonly Float64Array[]): CheckResult {
    const restingLeaves = new Float64Array(this.orderIdMax + 1);
    let restingTotal = 0;
    for (const records of books) {
      for (let at = 0; at < records.length; at += RESTING_SLOTS) {
        const leaves = records[at + RestingSlot.leaves]!;
        restingLeaves[records[at + RestingSlot.orderId]!] = leaves;
        restingTotal += leaves;
      }
    }
    const failures: string[] = [];
    let closedTotal = 0;
    let filledTotal = 0;
    // Counted, not orderIdMax: shards interleave their ids, so ids can have gaps.
    let acceptedOrders = 0;
    const orders = this.orders;
    for (let id = 1; id <= this.orderIdMax; id++) {
      const at = id * ORDER_SLOTS;
      const quantity = orders[at + OrderSlot.quantity]!;
      const filled = orders[at + OrderSlot.filled]!;
      const closed = orders[at + OrderSlot.closed]!;
      if (quantity > 0) acceptedOrders++;
      closedTotal += closed;
      filledTotal += filled;
      if (filled + closed + restingLeaves[id]! !== quantity && failures.length < FAILURES_SHOWN_MAX) {
        failures.push(`order ${id}: quantity ${quantity} but filled ${filled} + closed ${closed} + resting ${restingLeaves[id]}`);
      }
    }
    // Each trade fills two orders: the accepted quantity counts both sides.
    const total = `${acceptedOrders} orders accepted; quantity ${this.acceptedQuantity} accepted = ${filledTotal} filled (both sides) + ${closedTotal} cancelled or expired + ${restingTotal} resting`;
    if (failures.length > 0) return fail('conservation', `${failures.join('; ')}`);
    if (filledTotal + closedTotal + restingTotal !== this.acceptedQuantity) return fail('conservation', `totals do not balance: ${total}`);
    return pass('conservation', total);
  }

  /** Bought equals sold per symbol; positions over all owners sum to zero per symbol. */
  tradeLedger(): CheckResult {
    const failures: string[] = [];
    const net = new Float64Array(this.symbols);
    const owners = new Set<number>();
    for (let key = 0; key < this.positions.length; key++) {
      if (this.touched[key] === 0) continue;
      net[key % this.symbols]! += this.positions[key]!;
      owners.add(Math.floor(key / this.symbols));
    }
    for (let symbol = 0; symbol < this.symbols; symbol++) {
      if (this.bought[symbol] !== this.sold[symbol]) failures.push(`symbol ${symbol}: bought ${this.bought[symbol]} != sold ${this.sold[symbol]}`);
      if (net[symbol] !== 0) failures.push(`symbol ${symbol}: positions sum to ${net[symbol]}`);
    }
    if (failures.length > 0) return fail('trade-ledger', failures.slice(0, FAILURES_SHOWN_MAX).join('; '));
    const volume = this.bought.reduce((sum, value) => sum + value, 0);
    return pass('trade-ledger', `${this.trades} trades, ${volume} bought = ${volume} sold over ${this.symbols} symbols; positions of ${owners.size} owners sum to 0`);
  }

  private growPositions(key: number): void {
    if (!Number.isSafeInteger(key) || key < 0 || key > 1 << 26) throw new RangeError(`order ledger: owner * symbols + symbol = ${key} out of range`);
    const size = Math.max(key + 1, this.positions.length * 2, 64);
    const positions = new Float64Array(size);
    positions.set(this.positions);
    this.positions = positions;
    const touched = new Uint8Array(size);
    touched.set(this.touched);
    this.touched = touched;
  }

  private ensure(orderId: number): void {
    if (orderId > this.orderIdMax) this.orderIdMax = orderId;
    if ((orderId + 1) * ORDER_SLOTS <= this.orders.length) return;
    const orderCount = Math.max(orderId + 1, (2 * this.orders.length) / ORDER_SLOTS);
    const grown = new Float64Array(orderCount * ORDER_SLOTS);
    grown.set(this.orders);
    this.orders = grown;
  }
}
