/**
 * planReconcile, table-driven over the seed's edge cases (section 1.4, question 9): what is
 * cancelled and what is ordered for a given position, target and set of live orders.
 */
import { describe, expect, it } from 'vitest';
import { Side, type SideCode } from '../../engine/protocol.js';
import { OrderState, type OrderStateCode } from '../../engine/pm/order-state-machine.js';
import { planReconcile, type ReconcileLimits } from '../../engine/pm/reconcile.js';
import { addLiveOrder, PmOrder, SymbolBook, verifySymbolBook } from '../../engine/pm/symbol-book.js';

const LIMITS: ReconcileLimits = {
  lotSize: 1, tickSize: 1, childQuantityMax: 1_000, childOrdersLiveMax: 4, childIntervalNs: 0, cancelWaveIntervalNs: 0, repriceTicksMin: 0,
};

interface Live {
  id: number;
  side: 'B' | 'S';
  leaves: number;
  state?: OrderStateCode;
}

function book(position: number, target: number | null, orders: Live[]): SymbolBook {
  const result = new SymbolBook(0);
  result.position = position;
  result.target = target;
  for (const o of orders) {
    const order = new PmOrder(o.id, 0, (o.side === 'B' ? Side.BUY : Side.SELL) as SideCode, 100, o.leaves, 0);
    order.state = o.state ?? OrderState.WORKING;
    addLiveOrder(result, order);
  }
  verifySymbolBook(result);
  return result;
}

const PN = OrderState.PENDING_NEW;
const PC = OrderState.PENDING_CANCEL;
const CR = OrderState.CANCEL_REJECTED;

describe('planReconcile', () => {
  const cases: [string, number, number | null, Live[], number[], string][] = [
    // name, position, target, live orders, expected cancels, expected new order ('B100', 'S50', '-')
    ['no target: nothing', 0, null, [], [], '-'],
    ['flat to long', 0, 100, [], [], 'B100'],
    ['flat to short', 0, -100, [], [], 'S100'],
    ['at target: nothing', 100, 100, [], [], '-'],
    ['partial fills: the live remainder covers the delta', 40, 100, [{ id: 1, side: 'B', leaves: 60 }], [], '-'],
    ['an unacked order counts at full size (no double submission)', 0, 100, [{ id: 1, side: 'B', leaves: 100, state: PN }], [], '-'],
    ['target raised while an order is unacked: only the rest', 0, 150, [{ id: 1, side: 'B', leaves: 100, state: PN }], [], 'B50'],
    ['slicing: one child of at most childQuantityMax', 0, 5_000, [], [], 'B1000'],
    ['opposing sell cancelled, buy sized without it', 0, 100, [{ id: 1, side: 'S', leaves: 50 }], [1], 'B100'],
    ['opposing sell pending cancel still counted in working, not re-cancelled', 0, 100, [{ id: 1, side: 'S', leaves: 50, state: PC }], [], 'B100'],
    ['target flip with a buy in flight: cancel it, sell to target', 0, -100, [{ id: 1, side: 'B', leaves: 100, state: PN }], [1], 'S100'],
    ['target lowered under the in-flight buys: cancel newest first', 0, 100, [{ id: 1, side: 'B', leaves: 80 }, { id: 2, side: 'B', leaves: 80 }], [2], '-'],
    ['excess after partial fills: cancel until the worst case fits', 90, 100, [{ id: 1, side: 'B', leaves: 50 }], [1], '-'],
    ['target equals position: cancel both sides', 10, 10, [{ id: 1, side: 'B', leaves: 5 }, { id: 2, side: 'S', leaves: 5 }], [1, 2], '-'],
    ['long above target: sells are the same side', 200, 100, [{ id: 1, side: 'S', leaves: 60 }], [], 'S40'],
    ['long above target with too many sells', 200, 100, [{ id: 1, side: 'S', leaves: 150 }], [1], '-'],
    ['cancel-rejected order awaits its fill: not re-cancelled, still counted', 0, -50, [{ id: 1, side: 'B', leaves: 30, state: CR }], [], 'S50'],
    ['live children at the limit: wait for a fill', 0, 10_000, [1, 2, 3, 4].map((id) => ({ id, side: 'B' as const, leaves: 1_000 })), [], '-'],
  ];

  it.each(cases)('%s', (_name, position, target, orders, cancels, expected) => {
    const plan = planReconcile(book(position, target, orders), 0, LIMITS);
    expect(plan.cancels.map((o) => o.clientOrderId)).toEqual(cancels);
    const order = plan.side === -1 ? '-' : `${plan.side === Side.BUY ? 'B' : 'S'}${plan.quantity}`;
    expect(order).toBe(expected);
  });

  it('never plans a buy that could overshoot if every live buy filled', () => {
    for (let position = -50; position <= 50; position += 25) {
      for (let target = -100; target <= 100; target += 20) {
        const b = book(position, target, [{ id: 1, side: 'B', leaves: 30, state: PC }, { id: 2, side: 'S', leaves: 20 }]);
        const plan = planReconcile(b, 0, LIMITS);
        if (plan.side === Side.BUY) expect(position + b.buyLeaves + plan.quantity).toBeLessThanOrEqual(target);
        if (plan.side === Side.SELL) expect(position - b.sellLeaves - plan.quantity).toBeGreaterThanOrEqual(target);
      }
    }
  });

  it('rounds children down to the lot and skips capacities under one lot', () => {
    const limits = { ...LIMITS, lotSize: 10, childQuantityMax: 1_000 };
    expect(planReconcile(book(0, 25, []), 0, limits).quantity).toBe(20);
    expect(planReconcile(book(0, 5, []), 0, limits).side).toBe(-1);
  });

  it('gates: pacing, backoff, cooldown and halt defer the child and say when to wake', () => {
    const paced = book(0, 100, []);
    paced.lastChildNs = 1_000;
    expect(planReconcile(paced, 1_500, { ...LIMITS, childIntervalNs: 1_000 })).toMatchObject({ side: -1, wakeNs: 2_000 });
    expect(planReconcile(paced, 2_000, { ...LIMITS, childIntervalNs: 1_000 })).toMatchObject({ side: Side.BUY, quantity: 100 });
    const backoff = book(0, 100, []);
    backoff.retryAtNs = 5_000;
    backoff.cooldownUntilNs = 7_000;
    expect(planReconcile(backoff, 6_000, LIMITS)).toMatchObject({ side: -1, wakeNs: 7_000 });
    const halted = book(0, 100, []);
    halted.halted = true;
    expect(planReconcile(halted, 0, LIMITS)).toMatchObject({ side: -1, wakeNs: Infinity, cancels: [] });
    expect(planReconcile(book(0, 2_500, []), 0, LIMITS)).toMatchObject({ quantity: 1_000, more: true });
    expect(planReconcile(book(0, 1_000, []), 0, LIMITS)).toMatchObject({ quantity: 1_000, more: false });
  });

  it('anti-thrash: one cancel wave per interval, new orders still sized safely', () => {
    const b = book(0, -100, [{ id: 1, side: 'B', leaves: 100 }]);
    b.lastCancelWaveNs = 1_000;
    const plan = planReconcile(b, 1_200, { ...LIMITS, cancelWaveIntervalNs: 1_000 });
    expect(plan.cancels).toEqual([]);
    expect(plan.wakeNs).toBe(2_000);
    expect(plan).toMatchObject({ side: Side.SELL, quantity: 100 });
  });

  it('repricing cancels orders priced too far from the policy price', () => {
    const b = book(0, 100, [{ id: 1, side: 'B', leaves: 100 }]);
    const limits = { ...LIMITS, repriceTicksMin: 3 };
    expect(planReconcile(b, 0, limits, () => 102).cancels).toEqual([]);
    expect(planReconcile(b, 0, limits, () => 103).cancels.map((o) => o.clientOrderId)).toEqual([1]);
  });
});
