/**
 * The ledger behind the conservation and trade-ledger checks, fed by hand: each check passes on a
 * consistent account and fails, naming the order or symbol, when one quantity is off.
 */
import { describe, expect, it } from 'vitest';
import { ExecKind, REPORT_SLOTS, Side } from '../../engine/protocol.js';
import type { ExecutionReport } from '../../engine/types.js';
import { encodeReport, encodeRestingOrders } from '../../engine/records.js';
import { OrderLedger } from '../../sim/checks/order-ledger.js';

const SYMBOL = 0;
const record = new Float64Array(REPORT_SLOTS);

/** Feeds the ledger one report record with these fields (the rest zero). */
function feed(ledger: OrderLedger, kind: number, orderId: number, owner: number, symbol: number, side: number, quantity: number, lastQuantity: number, leavesQuantity: number, takerFill: boolean): void {
  const report = { seq: 0, kind, reason: 0, orderId, owner, clientOrderId: orderId, symbol, side, price: 100, quantity, lastQuantity, lastPrice: 0, cumQuantity: 0, leavesQuantity, tradeId: 0, tsReceiveNs: 0, tsMatchNs: 0, tsDispatchNs: 0 };
  encodeReport(report as ExecutionReport, record, 0);
  ledger.onReport(record, 0, takerFill);
}

/** Order 1 (owner 1) buys 100 and rests; order 2 (owner 2) sells 30 into it; order 3 (owner 1) is cancelled. */
function tradedLedger(): OrderLedger {
  const ledger = new OrderLedger(1);
  feed(ledger, ExecKind.ACCEPTED, 1, 1, SYMBOL, Side.BUY, 100, 0, 100, false);
  feed(ledger, ExecKind.ACCEPTED, 2, 2, SYMBOL, Side.SELL, 30, 0, 30, false);
  feed(ledger, ExecKind.FILLED, 2, 2, SYMBOL, Side.SELL, 30, 30, 0, true);
  feed(ledger, ExecKind.PARTIALLY_FILLED, 1, 1, SYMBOL, Side.BUY, 100, 30, 70, false);
  feed(ledger, ExecKind.ACCEPTED, 3, 1, SYMBOL, Side.BUY, 40, 0, 40, false);
  feed(ledger, ExecKind.CANCELLED, 3, 1, SYMBOL, Side.BUY, 40, 0, 0, false);
  return ledger;
}

const restingOrder1 = (leaves: number) => ({ side: Side.BUY, price: 100, orderId: 1, owner: 1, clientOrderId: 1, quantity: 100, leaves });

describe('OrderLedger', () => {
  it('balances every order and the totals when the book holds what the reports left', () => {
    const ledger = tradedLedger();
    const check = ledger.conservation([encodeRestingOrders([restingOrder1(70)])]);
    expect(check).toEqual({ name: 'conservation', passed: true, detail: '3 orders accepted; quantity 170 accepted = 60 filled (both sides) + 40 cancelled or expired + 70 resting' });
    expect(ledger.tradeLedger().passed).toBe(true);
    expect(ledger.trades).toBe(1);
    expect(ledger.filledQuantity).toBe(30);
    expect(ledger.position(1, SYMBOL)).toBe(30);
    expect(ledger.position(2, SYMBOL)).toBe(-30);
  });

  it('fails conservation naming the order whose resting leaves do not balance', () => {
    const check = tradedLedger().conservation([encodeRestingOrders([restingOrder1(69)])]);
    expect(check.passed).toBe(false);
    expect(check.detail).toBe('order 1: quantity 100 but filled 30 + closed 0 + resting 69');
  });

  it('fails conservation when a resting order is missing from the book', () => {
    const check = tradedLedger().conservation([new Float64Array(0)]);
    expect(check.passed).toBe(false);
    expect(check.detail).toContain('order 1: quantity 100 but filled 30 + closed 0 + resting 0');
  });

  it('fails the trade ledger when one side of a trade is missing', () => {
    const ledger = new OrderLedger(1);
    feed(ledger, ExecKind.ACCEPTED, 1, 1, SYMBOL, Side.BUY, 10, 0, 10, false);
    feed(ledger, ExecKind.FILLED, 1, 1, SYMBOL, Side.BUY, 10, 10, 0, true);
    const check = ledger.tradeLedger();
    expect(check.passed).toBe(false);
    expect(check.detail).toBe('symbol 0: bought 10 != sold 0; symbol 0: positions sum to 10');
  });

  it('keeps every order when ids outgrow the size it was given, and refuses a negative size', () => {
    // Past the smallest size the ledger takes (2^16 orders), whatever it is told.
    const ledger = new OrderLedger(1, 2);
    const orders = 70_000;
    for (let id = 1; id <= orders; id++) {
      feed(ledger, ExecKind.ACCEPTED, id, 1, SYMBOL, Side.BUY, id, 0, id, false);
      if (id % 2 === 0) feed(ledger, ExecKind.CANCELLED, id, 1, SYMBOL, Side.BUY, id, 0, 0, false);
    }
    const resting = [];
    for (let id = 1; id <= orders; id += 2) resting.push({ side: Side.BUY, price: 100, orderId: id, owner: 1, clientOrderId: id, quantity: id, leaves: id });
    const check = ledger.conservation([encodeRestingOrders(resting)]);
    expect(check.passed, check.detail).toBe(true);
    const accepted = (orders * (orders + 1)) / 2;
    const cancelled = (orders / 2) * (orders / 2 + 1);
    expect(check.detail).toBe(`${orders} orders accepted; quantity ${accepted} accepted = 0 filled (both sides) + ${cancelled} cancelled or expired + ${accepted - cancelled} resting`);
    expect(() => new OrderLedger(1, -1)).toThrow(/ordersExpected must be >= 0/);
  });
});
