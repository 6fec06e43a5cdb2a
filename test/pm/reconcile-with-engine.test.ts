/**
 * reconcileWithEngine refuses a list of engine orders it cannot trust, whole and before any change
 * (fuzz review: a NaN leaves, a side 7 or a string client id used to corrupt the PM for good), and
 * refuses to adopt an id that would exhaust its client order ids.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Action, ExecKind, OrderType, Reason, Side } from '../../engine/protocol.js';
import { ReferenceBook } from '../../engine/reference-book.js';
import { CLIENT_ORDER_ID_START_MAX, type PmOptions } from '../../engine/pm/options.js';
import { PositionManager } from '../../engine/pm/position-manager.js';
import type { Command, ExecutionReport, RestingOrder } from '../../engine/types.js';
import { COUNTERPARTY, expectRefused, FLAT_BBO, INSTRUMENTS, observable, PM_OWNER, RecordingGateway, scriptedPm, VirtualClock } from './support.js';

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
      [[resting(first, { orderId: 5, leaves: 70 })], `engineOrders[0].orderId: must be 1000, the engine order id the PM has for its order ${first.clientOrderId}, got 5`],
      [[resting(first, { leaves: 100 })], `engineOrders[0].leaves: must be at most 70 (its quantity 100 less the 30 the PM booked as filled of its order ${first.clientOrderId}), got 100`],
      // A quantity other than the PM's is a MODIFY at the engine, but not one that unfills: cum 20 < 30.
      [[resting(first, { quantity: 200, leaves: 180 })], `engineOrders[0].leaves: must be at most 170 (its quantity 200 less the 30 the PM booked as filled of its order ${first.clientOrderId}), got 180`],
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

/** A PM over a ReferenceBook whose reports wait in `inflight` until delivered (a transport that delays them). */
function delayedRig(options: Partial<PmOptions> = {}) {
  const book = new ReferenceBook({ instruments: INSTRUMENTS });
  const inflight: ExecutionReport[] = [];
  const fills: number[] = [];
  const execute = (command: Command): void => {
    for (const report of book.execute(command)) {
      if (report.owner !== PM_OWNER) continue;
      inflight.push(report);
      if (report.kind === ExecKind.PARTIALLY_FILLED || report.kind === ExecKind.FILLED) fills.push(report.lastQuantity);
    }
  };
  const clock = new VirtualClock();
  const pm = new PositionManager({ owner: PM_OWNER, instruments: INSTRUMENTS, verify: true, pricePolicy: 'join', ...options }, { gateway: { send: execute }, marketData: book, clock });
  let nextId = 1;
  const sell = (quantity: number) => execute({ action: Action.NEW, symbol: 0, owner: COUNTERPARTY, clientOrderId: nextId++, orderId: 0, side: Side.SELL, type: OrderType.MARKET, price: 0, quantity });
  /** A MODIFY by the PM's owner (an operator's tool, not the PM): the order's new leaves. */
  const modify = (clientOrderId: number, leaves: number, price = 10_000) => execute({ action: Action.MODIFY, symbol: 0, owner: PM_OWNER, clientOrderId, orderId: 0, side: Side.BUY, type: OrderType.LIMIT, price, quantity: leaves });
  const deliver = () => pm.onReports(inflight.splice(0));
  const engineFilled = () => fills.reduce((sum, q) => sum + q, 0);
  return { book, pm, clock, inflight, execute, sell, modify, deliver, engineFilled };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const journalFile = (): string => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lobsim-pm-'));
  dirs.push(dir);
  return path.join(dir, 'pm.jsonl');
};
const recovered = (file: string) => PositionManager.recover(file, { owner: PM_OWNER, instruments: INSTRUMENTS, verify: true }, { gateway: new RecordingGateway(), marketData: FLAT_BBO, clock: new VirtualClock() });

/** Closes `pm` and recovers its journal, which must give back the same symbols; the recovered PM stays open. */
function expectJournalRecovers(pm: PositionManager, file: string): PositionManager {
  pm.close();
  const again = recovered(file);
  expect(again.state().symbols).toEqual(pm.state().symbols);
  return again;
}

describe('reconcileWithEngine with a real engine', () => {
  it('fills still in flight when it synced an order are stale when they arrive: duplicates, not inconsistent, and the journal recovers', () => {
    const file = journalFile();
    const { book, pm, sell, deliver } = delayedRig({ journalPath: file });
    pm.setTarget(0, 100);
    pm.tick();  // A buy of 100 rests at the reference price (empty book).
    deliver();
    sell(30);
    sell(20);  // Its fills, cum 30 and cum 50, still in flight.
    pm.reconcileWithEngine(0, book.snapshot(0));  // The engine says cum 50, leaves 50.
    expect(pm.position(0)).toBe(50);
    deliver();
    expect(pm.position(0)).toBe(50);
    expect(pm.stats()).toMatchObject({ reportsInconsistent: 0, illegalTransitions: 0, reportsDuplicate: 1 });
    expect(pm.anomalies()).toEqual([]);
    expect(pm.state().symbols[0]?.liveOrders).toEqual([expect.objectContaining({ state: 'PARTIALLY_FILLED', cum: 50, leaves: 50 })]);
    expectJournalRecovers(pm, file).close();
  });

  it('takes a MODIFY at the engine (REPLACED): quantity = cum + the new leaves, and the fills after it are booked', () => {
    const file = journalFile();
    const { book, pm, sell, modify, deliver, engineFilled } = delayedRig({ journalPath: file });
    pm.setTarget(0, 100);
    pm.tick();
    deliver();
    sell(10);
    modify(1, 50);  // Quantity 60: cum 10 + leaves 50.
    sell(20);
    deliver();
    expect(pm.stats()).toMatchObject({ reportsInconsistent: 0, illegalTransitions: 0 });
    expect(pm.position(0)).toBe(engineFilled());
    expect(pm.position(0)).toBe(30);
    const [modified, refill] = pm.state().symbols[0]?.liveOrders ?? [];
    expect(modified).toMatchObject({ clientOrderId: 1, quantity: 60, cum: 30, leaves: 30 });
    // The working position fell to 60 with the modify: the reconcile bought the rest.
    expect(refill).toMatchObject({ clientOrderId: 2, quantity: 40 });
    expect(pm.workingPosition(0)).toBe(100);
    sell(100);
    deliver();
    expect(pm.position(0)).toBe(engineFilled());
    expect(pm.position(0)).toBe(100);
    expect(pm.anomalies()).toEqual([]);
    pm.validate();
    expectJournalRecovers(pm, file).close();
  });

  it('takes the engine\'s own snapshot of an order modified while the PM was not listening, its price too, and the journal recovers it', () => {
    const file = journalFile();
    const { book, pm, inflight, sell, modify, deliver, engineFilled } = delayedRig({ journalPath: file });
    pm.setTarget(0, 100);
    pm.tick();
    deliver();
    sell(10);
    modify(1, 50, 10_002);  // Quantity 60, leaves 50, at 10,002: its reports never reach the PM.
    inflight.splice(0);
    pm.reconcileWithEngine(0, book.snapshot(0));
    expect(pm.position(0)).toBe(10);
    expect(pm.state().symbols[0]?.liveOrders[0]).toMatchObject({ clientOrderId: 1, state: 'PARTIALLY_FILLED', price: 10_002, quantity: 60, cum: 10, leaves: 50 });
    expectJournalRecovers(pm, file).close();
    sell(80);
    deliver();
    expect(pm.position(0)).toBe(engineFilled());
    expect(pm.stats()).toMatchObject({ reportsInconsistent: 0, illegalTransitions: 0 });
  });

  it('takes the price of a MODIFY, and reprices an order it moved off the market', () => {
    const file = journalFile();
    const { pm, inflight, modify, deliver, execute } = delayedRig({ journalPath: file, repriceTicksMin: 2 });
    // A bid at 9,999 for the PM to join.
    execute({ action: Action.NEW, symbol: 0, owner: COUNTERPARTY, clientOrderId: 900, orderId: 0, side: Side.BUY, type: OrderType.LIMIT, price: 9_999, quantity: 5 });
    pm.setTarget(0, 100);
    pm.tick();
    deliver();
    expect(pm.state().symbols[0]?.liveOrders[0]).toMatchObject({ clientOrderId: 1, price: 9_999, state: 'WORKING' });
    modify(1, 100, 9_998);  // One tick off: within repriceTicksMin, kept.
    deliver();
    expect(pm.state().symbols[0]?.liveOrders).toEqual([expect.objectContaining({ clientOrderId: 1, price: 9_998, state: 'WORKING' })]);
    modify(1, 100, 9_990);  // Nine ticks off: the reconcile after the replace cancels it.
    const [replaced] = inflight;
    deliver();  // The cancel's CANCELLED stays in flight.
    expect(pm.state().symbols[0]?.liveOrders).toEqual([expect.objectContaining({ clientOrderId: 1, price: 9_990, state: 'PENDING_CANCEL' })]);
    // A replace whose price cannot be a limit is no fact about the order.
    pm.onReport({ ...(replaced as ExecutionReport), seq: 10_000, price: 0 });
    expect(pm.stats()).toMatchObject({ reportsInconsistent: 1, illegalTransitions: 0 });
    expect(pm.anomalies()[0]?.detail).toBe('report the price of a replaced order must be an integer in [1, 9007199254740991], got 0: not booked');
    expectJournalRecovers(pm, file).close();
  });

  it('an ack still in flight when it synced an order is stale: a duplicate, not an illegal transition, and the journal recovers', () => {
    const file = journalFile();
    const { book, pm, inflight, deliver } = delayedRig({ journalPath: file });
    pm.setTarget(0, 100);
    pm.tick();  // The buy of 100 rests; its ACCEPTED is still in flight.
    const [ack] = inflight;
    pm.reconcileWithEngine(0, book.snapshot(0));  // Synced: WORKING, with the engine's id.
    deliver();
    expect(pm.stats()).toMatchObject({ reportsDuplicate: 1, illegalTransitions: 0, reportsInconsistent: 0 });
    expect(pm.anomalies()).toEqual([]);
    expect(pm.state().symbols[0]?.liveOrders).toEqual([expect.objectContaining({ state: 'WORKING', orderId: ack?.orderId, leaves: 100 })]);
    // An ack naming another engine id cannot be this order's.
    pm.onReport({ ...(ack as ExecutionReport), seq: 1_000, orderId: 4_242 });
    expect(pm.stats()).toMatchObject({ reportsInconsistent: 1, illegalTransitions: 0 });
    expect(pm.anomalies()[0]?.detail).toBe(`report engine order id 4242 is not the order's ${ack?.orderId}: not booked`);
    expectJournalRecovers(pm, file).close();
  });

  it('a MODIFY the engine refuses (CANCEL_REJECTED with a price or quantity reason) keeps the order as it was, cancelling or not', () => {
    const file = journalFile();
    const { pm, inflight, sell, deliver, execute, engineFilled } = delayedRig({ journalPath: file });
    const modify = (price: number, quantity: number) => execute({ action: Action.MODIFY, symbol: 0, owner: PM_OWNER, clientOrderId: 1, orderId: 0, side: Side.BUY, type: OrderType.LIMIT, price, quantity });
    pm.setTarget(0, 100);
    pm.tick();
    deliver();
    sell(10);
    modify(1, 50);  // Outside the band.
    modify(10_000, 2_000_000);  // Above the instrument's largest quantity.
    expect(inflight.filter((r) => r.kind === ExecKind.CANCEL_REJECTED).map((r) => r.reason)).toEqual([Reason.PRICE_OUT_OF_BAND, Reason.QTY_ABOVE_MAX]);
    deliver();
    expect(pm.stats()).toMatchObject({ illegalTransitions: 0, reportsInconsistent: 0 });
    expect(pm.state().symbols[0]?.liveOrders).toEqual([expect.objectContaining({ clientOrderId: 1, state: 'PARTIALLY_FILLED', quantity: 100, cum: 10, leaves: 90 })]);
    modify(10_000, 0);  // A quantity of 0, refused; its report still in flight when the PM cancels.
    pm.setTarget(0, 10);
    pm.tick();  // The rest is cancelled: PENDING_CANCEL, its CANCELLED in flight behind the refused modify.
    expect(pm.state().symbols[0]?.liveOrders[0]?.state).toBe('PENDING_CANCEL');
    expect(inflight.map((r) => [r.kind, r.reason])).toEqual([[ExecKind.CANCEL_REJECTED, Reason.QTY_INVALID], [ExecKind.CANCELLED, Reason.CANCEL_REQUESTED]]);
    deliver();
    expect(pm.stats()).toMatchObject({ illegalTransitions: 0, reportsInconsistent: 0 });
    expect(pm.anomalies()).toEqual([]);
    expect(pm.state().symbols[0]?.liveOrders).toEqual([]);
    expect(pm.position(0)).toBe(engineFilled());
    pm.validate();
    expectJournalRecovers(pm, file).close();
  });

  it('adopting an order the PM had closed as lost keeps what was booked of it (no double booking), in the journal too', () => {
    const file = journalFile();
    const { book, pm, sell, deliver, engineFilled } = delayedRig({ journalPath: file });
    pm.setTarget(0, 100);
    pm.tick();
    deliver();
    sell(30);
    deliver();
    expect(pm.position(0)).toBe(30);
    pm.reconcileWithEngine(0, []);  // A snapshot that missed the order: lost, and a buy of 70 replaces it.
    deliver();
    expect(pm.stats().ordersLost).toBe(1);
    pm.compactJournal();  // The closed order is not in the snapshot: the adopt record must say what was booked.
    pm.reconcileWithEngine(0, book.snapshot(0));
    deliver();
    expect(pm.stats()).toMatchObject({ ordersAdopted: 1, recoveredFillQuantity: 0 });
    expect(pm.position(0)).toBe(30);
    expect(pm.position(0)).toBe(engineFilled());
    const again = expectJournalRecovers(pm, file);
    expect(again.position(0)).toBe(30);
    again.close();
  });
});

describe('reconcileWithEngineBooks', () => {
  it('fetches and checks every symbol\'s orders before applying any: a bad list or a failing snapshot changes nothing', () => {
    const { pm, first, second, other, resting } = setup();
    const lists: RestingOrder[][] = [[], [resting(other, { leaves: Number.NaN })]];
    // Applied one by one, symbol 0's empty list would have lost its two orders before symbol 1 was refused.
    expectRefused(pm, () => pm.reconcileWithEngineBooks({ snapshot: (symbol) => lists[symbol] as RestingOrder[] }), 'LOBSIM_ERR_INPUT',
      'engine.snapshot(1)[0].leaves: must be an integer in [1, 100] (its quantity), got NaN');
    const failing = { snapshot: (symbol: number) => { if (symbol === 1) throw new Error('snapshot failed'); return []; } };
    const before = observable(pm);
    expect(() => pm.reconcileWithEngineBooks(failing)).toThrow('snapshot failed');
    expect(observable(pm)).toBe(before);
    // An order the PM does not know, resting on two symbols under one client id.
    const twice = [[resting(first), resting(second), resting(first, { clientOrderId: 50, orderId: 7_000 })], [resting(other), { ...resting(other), clientOrderId: 50, orderId: 7_001 }]];
    expectRefused(pm, () => pm.reconcileWithEngineBooks({ snapshot: (symbol) => twice[symbol] as RestingOrder[] }), 'LOBSIM_ERR_INPUT',
      `engine.snapshot(1): client order id 50 of owner ${PM_OWNER} also rests on symbol 0`);
    pm.reconcileWithEngineBooks({ snapshot: (symbol) => (symbol === 0 ? [resting(first), resting(second)] : [resting(other)]) });
    expect(pm.stats()).toMatchObject({ ordersLost: 0, ordersAdopted: 0 });
  });
});
