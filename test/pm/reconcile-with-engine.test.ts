/**
 * reconcileWithEngine refuses a list of engine orders it cannot trust, whole and before any change
 * (fuzz review: a NaN leaves, a side 7 or a string client id used to corrupt the PM for good), and
 * refuses to adopt an id that would exhaust its client order ids.
 */
import { describe, expect, it } from 'vitest';
import { Side } from '../../engine/protocol.js';
import { CLIENT_ORDER_ID_START_MAX } from '../../engine/pm/options.js';
import type { Command, RestingOrder } from '../../engine/types.js';
import { expectRefused, PM_OWNER, scriptedPm } from './support.js';

/** Two acked buys of 100 on symbol 0 (client ids 1 and 2, engine ids 1000 and 1001), one buy of 100 on symbol 1 (id 3). */
function setup() {
  const rig = scriptedPm({ childQuantityMax: 100 });
  rig.pm.setTargets([{ symbol: 0, quantity: 200 }, { symbol: 1, quantity: 100 }]);
  rig.pm.tick();
  for (const command of rig.gateway.commands) rig.script.accept(command);
  const resting = (command: Command, fields: Partial<RestingOrder> = {}): RestingOrder => ({
    side: command.side, price: command.price, orderId: rig.script.orderIds.get(command.clientOrderId) ?? 0, owner: PM_OWNER,
    clientOrderId: command.clientOrderId, quantity: command.quantity, leaves: command.quantity, ...fields,
  });
  const [first, second, other] = rig.gateway.commands as [Command, Command, Command];
  return { ...rig, first, second, other, resting };
}

describe('reconcileWithEngine input', () => {
  it('refuses a list that is not an array of engine orders with fields in range, naming the entry and field', () => {
    const { pm, first, second, resting } = setup();
    const foreign = { ...resting(first), owner: PM_OWNER + 1, orderId: 77 };
    const cases: [unknown, string][] = [
      [5, 'engineOrders: must be an array, got 5'],
      [null, 'engineOrders: must be an array, got null'],
      [[null], 'engineOrders[0]: must be an object, got null'],
      [[resting(first), resting(second), resting(first, { leaves: Number.NaN })], 'engineOrders[2].leaves: must be an integer in [1, 100] (its quantity), got NaN'],
      [[resting(first, { leaves: 500 })], 'engineOrders[0].leaves: must be an integer in [1, 100] (its quantity), got 500'],
      [[resting(first, { leaves: 0 })], 'engineOrders[0].leaves: must be an integer in [1, 100] (its quantity), got 0'],
      [[resting(first, { clientOrderId: 999, quantity: Number.NaN })], 'engineOrders[0].quantity: must be an integer in [1, 4294967295], got NaN'],
      [[resting(first, { clientOrderId: 999, quantity: 0, leaves: 0 })], 'engineOrders[0].quantity: must be an integer in [1, 4294967295], got 0'],
      [[resting(first, { clientOrderId: Number.NaN })], 'engineOrders[0].clientOrderId: must be an integer in [0, 9007199254740991], got NaN'],
      [[resting(first, { clientOrderId: '12' as never })], 'engineOrders[0].clientOrderId: must be an integer in [0, 9007199254740991], got "12"'],
      [[resting(first, { clientOrderId: 500, side: 7 as never })], 'engineOrders[0].side: must be an integer in [0, 1], got 7'],
      [[resting(first, { price: -5 })], 'engineOrders[0].price: must be an integer in [1, 9007199254740991], got -5'],
      [[resting(first, { orderId: 0 })], 'engineOrders[0].orderId: must be an integer in [1, 9007199254740991], got 0'],
      [[{ ...foreign, owner: -1 }], 'engineOrders[0].owner: must be an integer in [0, 4294967295], got -1'],
      [[foreign, { ...foreign, clientOrderId: 5, leaves: Number.NaN }], 'engineOrders[1].leaves: must be an integer in [1, 100] (its quantity), got NaN'],
      [[resting(first), resting(second, { orderId: 1000 })], 'engineOrders[1].orderId: duplicate of engineOrders[0].orderId (1000)'],
      [[resting(first, { clientOrderId: 600, orderId: 600 }), resting(first, { clientOrderId: 600, orderId: 601, quantity: 50, leaves: 50 })],
        `engineOrders[1].clientOrderId: duplicate of engineOrders[0].clientOrderId (600), both of owner ${PM_OWNER}`],
    ];
    for (const [list, message] of cases) expectRefused(pm, () => pm.reconcileWithEngine(0, list as never), 'LOBSIM_ERR_INPUT', message);
    expect(pm.state().nextClientOrderId).toBe(4);
  });

  it('refuses entries that contradict the orders the PM knows, and adoption collisions, as input errors', () => {
    const { pm, script, first, second, other, resting } = setup();
    script.fill(first, 30, 30);
    const cases: [RestingOrder[], string][] = [
      [[resting(first, { side: Side.SELL, leaves: 70 })], `engineOrders[0].side: must be 0, the side of the PM's order ${first.clientOrderId}, got 1`],
      [[resting(first, { quantity: 200, leaves: 170 })], `engineOrders[0].quantity: must be 100, the quantity of the PM's order ${first.clientOrderId}, got 200`],
      [[resting(first, { orderId: 5, leaves: 70 })], `engineOrders[0].orderId: must be 1000, the engine order id the PM has for its order ${first.clientOrderId}, got 5`],
      [[resting(first, { leaves: 100 })], 'engineOrders[0].leaves: must be an integer in [1, 70] (its quantity 100 less the 30 the PM booked as filled), got 100'],
      // Client id 3 is the PM's live order on symbol 1: adopting it on symbol 0 used to be an InvariantError.
      [[resting(second), resting(other, { orderId: 1002 })], `engineOrders[1].clientOrderId: ${other.clientOrderId} is the PM's live order on symbol 1, not on symbol 0`],
    ];
    for (const [list, message] of cases) expectRefused(pm, () => pm.reconcileWithEngine(0, list), 'LOBSIM_ERR_INPUT', message);
  });

  it('refuses to adopt an id that would leave no room for new ids, and adopts one at the limit', () => {
    const { pm, gateway, first, second, resting } = setup();
    const top = resting(first, { clientOrderId: 2 ** 53 - 1, orderId: 5_000 });
    expectRefused(pm, () => pm.reconcileWithEngine(0, [resting(first), resting(second), top]), 'LOBSIM_ERR_INPUT',
      `engineOrders[2].clientOrderId: an order the PM adopts must leave it room to issue new ids above it: at most ${CLIENT_ORDER_ID_START_MAX} (or below its next id 4), got 9007199254740991; cancel that order at the engine first`);
    // At the limit: adopted (a buy of 100 on top of the 200 working: cancelled as excess), and the next new id is above it.
    pm.reconcileWithEngine(0, [resting(first), resting(second), resting(first, { clientOrderId: CLIENT_ORDER_ID_START_MAX, orderId: 5_001 })]);
    expect(pm.stats().ordersAdopted).toBe(1);
    expect(pm.state().nextClientOrderId).toBe(CLIENT_ORDER_ID_START_MAX + 1);
    pm.setTarget(0, 400);
    pm.tick();
    expect(gateway.commands.at(-1)?.clientOrderId).toBe(CLIENT_ORDER_ID_START_MAX + 1);
    pm.validate();
  });

  it('skips other owners, and still reconciles after refusals', () => {
    const { pm, first, second, resting } = setup();
    expectRefused(pm, () => pm.reconcileWithEngine(0, [resting(first, { leaves: Number.NaN })]), 'LOBSIM_ERR_INPUT', /leaves/);
    // Another owner may use the same client order id.
    pm.reconcileWithEngine(0, [resting(first, { leaves: 60 }), resting(second), { ...resting(first), owner: PM_OWNER + 1, orderId: 4_000 }]);
    expect(pm.position(0)).toBe(40);
    expect(pm.state().symbols[0]?.liveOrders.map((o) => [o.clientOrderId, o.leaves])).toEqual([[1, 60], [2, 100]]);
    expect(pm.stats()).toMatchObject({ ordersAdopted: 0, recoveredFillQuantity: 40 });
  });
});
