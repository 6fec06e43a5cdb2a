/**
 * Fuzz-review regressions of the PM's run-time calls: reports whose quantities cannot be their
 * order's, lists applied in part before a bad item was found, failing dependencies that stalled a
 * symbol or leaked NaN into it, and messages that did not say what was wrong.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Action, ExecKind, OrderType, Reason, Side } from '../../engine/protocol.js';
import { ReferenceBook } from '../../engine/reference-book.js';
import { JournalWriter } from '../../engine/pm/journal.js';
import { PositionManager } from '../../engine/pm/position-manager.js';
import type { PmOptions } from '../../engine/pm/options.js';
import type { Bbo, Command, ExecutionReport } from '../../engine/types.js';
import { COUNTERPARTY, expectRefused, FLAT_BBO, INSTRUMENTS, observable, PM_OWNER, RecordingGateway, ReportScript, scriptedPm, VirtualClock } from './support.js';

const last = (commands: Command[]): Command => commands[commands.length - 1] as Command;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('reports whose quantities cannot be their order\'s', () => {
  /** An acked buy of 300. */
  const setup = (options: Partial<PmOptions> = {}) => {
    const rig = scriptedPm({ childQuantityMax: 300, ...options });
    rig.pm.setTarget(0, 300);
    rig.pm.tick();
    const buy = last(rig.gateway.commands);
    rig.script.accept(buy);
    return { ...rig, buy };
  };

  it('a fill with cum far above the quantity is counted and listed, not booked', () => {
    const { pm, script, buy } = setup();
    const before = pm.state().symbols[0];
    const overfill = script.make(buy, ExecKind.FILLED, { cumQuantity: 1_000_000_000, leavesQuantity: 0, lastQuantity: 1_000_000_000 });
    pm.onReport(overfill);
    expect(pm.state().symbols[0]).toEqual(before);
    expect(pm.stats()).toMatchObject({ reportsInconsistent: 1, fills: 0, illegalTransitions: 0 });
    expect(pm.anomalies()).toEqual([expect.objectContaining({ clientOrderId: buy.clientOrderId, from: 'WORKING', event: 'FILL', seq: overfill.seq, detail: "report cum 1000000000 is above the order's quantity 300: not booked" })]);
    // Its seq was not taken: the order's next true report is applied.
    script.fill(buy, 300, 300);
    expect(pm.position(0)).toBe(300);
    expect(pm.liveOrderCount).toBe(0);
  });

  it('cum going backwards, cum + leaves off the quantity, a final fill leaving leaves, an ack too large: none applied', () => {
    const { pm, script, buy } = setup();
    script.fill(buy, 100, 100);
    const before = pm.state().symbols;
    const cases: [Parameters<ReportScript['make']>[2], number, string][] = [
      [{ cumQuantity: 50, leavesQuantity: 100 }, ExecKind.PARTIALLY_FILLED, 'report cum 50 is below the 100 already booked: not booked'],
      [{ cumQuantity: 150, leavesQuantity: 10 }, ExecKind.PARTIALLY_FILLED, "report leaves 10 + cum 150 is not the order's quantity 300: not booked"],
      [{ cumQuantity: 200, leavesQuantity: 100 }, ExecKind.FILLED, 'report a fill that ends the order leaves 0, got leaves 100: not booked'],
      [{ cumQuantity: 0, leavesQuantity: 1_000_000 }, ExecKind.ACCEPTED, 'report cum 0 is below the 100 already booked: not booked'],
    ];
    for (const [fields, kind, detail] of cases) {
      pm.onReport(script.make(buy, kind as never, fields));
      expect(pm.anomalies().at(-1)?.detail).toBe(detail);
    }
    expect(pm.state().symbols).toEqual(before);
    expect(pm.stats()).toMatchObject({ reportsInconsistent: 4, fills: 1 });
    pm.validate();
  });

  it('a report from before what was booked (cum below it, cum + leaves the quantity) is stale: a duplicate, not an anomaly, not applied', () => {
    const { pm, script, buy } = setup();
    script.fill(buy, 100, 100);
    const before = pm.state().symbols;
    pm.onReport(script.make(buy, ExecKind.PARTIALLY_FILLED, { cumQuantity: 50, leavesQuantity: 250, lastQuantity: 50 }));
    pm.onReport(script.make(buy, ExecKind.ACCEPTED, { cumQuantity: 0, leavesQuantity: 300 }));
    expect(pm.state().symbols).toEqual(before);
    expect(pm.stats()).toMatchObject({ reportsDuplicate: 2, reportsInconsistent: 0, illegalTransitions: 0, fills: 1 });
    expect(pm.anomalies()).toEqual([]);
    script.fill(buy, 200, 300);
    expect(pm.position(0)).toBe(300);
    pm.validate();
  });

  it('is not journaled: the recovered PM has the same state', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lobsim-pm-'));
    dirs.push(dir);
    const file = path.join(dir, 'pm.jsonl');
    const { pm, script, buy } = setup({ journalPath: file });
    pm.onReport(script.make(buy, ExecKind.FILLED, { cumQuantity: 5_000, leavesQuantity: 0 }));
    script.fill(buy, 100, 100);
    pm.close();
    const recovered = PositionManager.recover(file, { owner: PM_OWNER, instruments: INSTRUMENTS }, { gateway: new RecordingGateway(), marketData: FLAT_BBO, clock: new VirtualClock() });
    expect(recovered.state().symbols).toEqual(pm.state().symbols);
    expect(recovered.position(0)).toBe(100);
    recovered.close();
  });
});

describe('a MODIFY at the engine by the owner\'s other tools', () => {
  it('REPLACED sets quantity and leaves, books a cum whose fill report went missing, and the symbol is reconciled', () => {
    const { pm, gateway, script } = scriptedPm({ childQuantityMax: 300 });
    pm.setTarget(0, 300);
    pm.tick();
    const buy = last(gateway.commands);
    script.accept(buy);
    script.seq += 1;  // A partial fill of 20, lost in transport.
    script.deliver(buy, ExecKind.REPLACED, { cumQuantity: 20, leavesQuantity: 100 });
    expect(pm.position(0)).toBe(20);
    expect(pm.state().symbols[0]?.liveOrders[0]).toMatchObject({ state: 'WORKING', quantity: 120, cum: 20, leaves: 100 });
    expect(last(gateway.commands)).toMatchObject({ action: Action.NEW, quantity: 180 });  // 20 + 100 working: 180 to go.
    script.deliver({ ...buy, quantity: 120 }, ExecKind.FILLED, { cumQuantity: 120, leavesQuantity: 0, lastQuantity: 100 });
    expect(pm.position(0)).toBe(120);
    expect(pm.stats()).toMatchObject({ illegalTransitions: 0, reportsInconsistent: 0 });
    // A replace that cannot be the order's: no open leaves, or a quantity above the engine's largest.
    const second = last(gateway.commands);
    script.accept(second);
    pm.onReport(script.make(second, ExecKind.REPLACED, { cumQuantity: 0, leavesQuantity: 0 }));
    pm.onReport(script.make(second, ExecKind.REPLACED, { cumQuantity: 10, leavesQuantity: 4_294_967_295 }));
    expect(pm.anomalies().map((a) => a.detail)).toEqual([
      'report an order the engine holds has leaves of at least 1, got leaves 0: not booked',
      'report leaves 4294967295 + cum 10 is above the largest order quantity 4294967295: not booked',
    ]);
    pm.validate();
  });
});

describe('lists are checked whole before any item is applied', () => {
  it('setTargets: a bad item queues none of the list', () => {
    const { pm, gateway } = scriptedPm();
    pm.setTarget(0, 50);
    expectRefused(pm, () => pm.setTargets([{ symbol: 1, quantity: 20 }, { symbol: 9, quantity: 10 }]), 'LOBSIM_ERR_INPUT', 'pm targets[1].symbol: must be an instrument index in [0, 1], got 9');
    expectRefused(pm, () => pm.setTargets([{ symbol: 0, quantity: 100 }, { symbol: 0, quantity: Number.NaN }]), 'LOBSIM_ERR_INPUT', 'pm targets[1].quantity: must be a safe integer multiple of lotSize 1, got NaN');
    expectRefused(pm, () => pm.setTargets([{ symbol: 1, quantity: 15 }]), 'LOBSIM_ERR_INPUT', 'pm targets[0].quantity: must be a safe integer multiple of lotSize 10, got 15');
    expectRefused(pm, () => pm.setTargets([, { symbol: 0, quantity: 1 }] as never), 'LOBSIM_ERR_INPUT', 'pm targets[0]: must be an object, got undefined');
    expect(pm.stats()).toMatchObject({ targetsQueued: 1, targetsCoalesced: 0 });
    pm.tick();
    expect(gateway.commands.map((c) => c.quantity)).toEqual([50]);
    expect(pm.target(1)).toBe(null);
  });

  it('onReports: a malformed report applies none of the list; null is named', () => {
    const { pm, gateway, script } = scriptedPm();
    pm.setTarget(0, 100);
    pm.tick();
    const buy = last(gateway.commands);
    const good = script.make(buy, ExecKind.ACCEPTED, { leavesQuantity: 100 });
    expectRefused(pm, () => pm.onReports([good, { ...good, seq: Number.NaN }]), 'LOBSIM_ERR_INPUT', 'pm reports[1].seq: must be an integer in [1, 9007199254740991], got NaN');
    expectRefused(pm, () => pm.onReports(null as never), 'LOBSIM_ERR_INPUT', 'pm reports: must be an array, got null');
    expectRefused(pm, () => pm.onReports([, good] as never), 'LOBSIM_ERR_INPUT', 'pm reports[0]: must be an object, got undefined');
    expect(pm.state().symbols[0]?.liveOrders[0]?.state).toBe('PENDING_NEW');
    pm.onReports([good]);
    expect(pm.state().symbols[0]?.liveOrders[0]?.state).toBe('WORKING');
  });
});

describe('failing dependencies', () => {
  const failingGateway = () => {
    const gateway = {
      fail: null as null | ((command: Command) => boolean),
      commands: [] as Command[],
      send(command: Command): void {
        if (gateway.fail?.(command)) throw new Error('network down');
        gateway.commands.push(command);
      },
    };
    return gateway;
  };

  /** A PM whose first order's send threw (target 100 on symbol 0); the gateway works again after. */
  const firstSendFails = () => {
    const clock = new VirtualClock();
    const gateway = failingGateway();
    const pm = new PositionManager({ owner: PM_OWNER, instruments: INSTRUMENTS, verify: true, backoffBaseNs: 1_000 }, { gateway, marketData: FLAT_BBO, clock });
    const script = new ReportScript(pm);
    gateway.fail = () => true;
    pm.setTarget(0, 100);
    expect(() => pm.tick()).toThrow('network down');
    return { clock, gateway, pm, script };
  };

  it('gateway.send throws for a new order: it stays pending (working), the error is rethrown, and the retry cancels it by client order id instead of sending a replacement', () => {
    const { clock, gateway, pm, script } = firstSendFails();
    expect(pm.state().symbols[0]).toMatchObject({ position: 0, target: 100, working: 100, liveOrders: [expect.objectContaining({ clientOrderId: 1, state: 'PENDING_NEW' })] });
    expect(pm.stats()).toMatchObject({ ordersSent: 0, ordersLost: 0 });
    expect(pm.alerts()).toEqual([expect.objectContaining({ kind: 'order-unresolved', detail: "order 1: gateway.send threw (network down); its outcome is unknown: it counts as working until a cancel by client order id, sent on the symbol's retry, resolves it" })]);
    expect(pm.nextWakeNs()).toBe(1_000);
    gateway.fail = null;
    clock.ns = pm.nextWakeNs();
    pm.tick();
    expect(gateway.commands).toEqual([expect.objectContaining({ action: Action.CANCEL, clientOrderId: 1, orderId: 0 })]);
    expect(pm.state().symbols[0]).toMatchObject({ working: 100, liveOrders: [expect.objectContaining({ clientOrderId: 1, state: 'PENDING_CANCEL' })] });
    expect(pm.nextWakeNs()).toBe(Infinity);
    // The engine never got it: its cancel-reject (UNKNOWN_ORDER, no ack before it) closes it as lost, and the reconcile sends anew.
    const order1 = { ...(gateway.commands[0] as Command), action: Action.NEW, side: 0 as const, price: 10_001, quantity: 100 };
    script.deliver(order1, ExecKind.CANCEL_REJECTED, { reason: Reason.UNKNOWN_ORDER, symbol: 0 });
    expect(pm.stats()).toMatchObject({ ordersLost: 1, illegalTransitions: 0, ordersSent: 1 });
    expect(gateway.commands.at(-1)).toMatchObject({ action: Action.NEW, clientOrderId: 2, quantity: 100 });
    expect(pm.state().symbols[0]).toMatchObject({ working: 100, liveOrders: [expect.objectContaining({ clientOrderId: 2 })] });
  });

  it('gateway.send throws for a new order the engine did get: the cancel\'s reports resolve it, its fills count, nothing overshoots', () => {
    const { clock, gateway, pm, script } = firstSendFails();
    gateway.fail = null;
    clock.ns = pm.nextWakeNs();
    pm.tick();
    const order1 = { ...(gateway.commands[0] as Command), action: Action.NEW, side: 0 as const, price: 10_001, quantity: 100 };
    script.accept(order1);
    script.fill(order1, 30, 30);
    expect(pm.state().symbols[0]).toMatchObject({ position: 30, working: 100 });
    expect(gateway.commands).toHaveLength(1);  // Still no replacement: the cancel is in flight.
    script.deliver(order1, ExecKind.CANCELLED, { reason: Reason.CANCEL_REQUESTED, cumQuantity: 30, leavesQuantity: 0 });
    expect(gateway.commands.at(-1)).toMatchObject({ action: Action.NEW, clientOrderId: 2, quantity: 70 });
    expect(pm.state().symbols[0]).toMatchObject({ position: 30, working: 100 });
    expect(pm.stats()).toMatchObject({ ordersLost: 0, illegalTransitions: 0 });
  });

  it('gateway.send delivers and then throws (a real engine): the ack resolves the order, no replacement goes out, the position never passes the target', () => {
    const book = new ReferenceBook({ instruments: INSTRUMENTS });
    const queue: ExecutionReport[] = [];
    let failNext = true;
    const clock = new VirtualClock();
    const execute = (command: Command) => queue.push(...book.execute(command).filter((r) => r.owner === PM_OWNER));
    const gateway = {
      send(command: Command): void {
        execute(command);
        if (failNext) {
          failNext = false;
          throw new Error('timeout after write');
        }
      },
    };
    const pm = new PositionManager({ owner: PM_OWNER, instruments: INSTRUMENTS, verify: true, pricePolicy: 'join', backoffBaseNs: 1_000 }, { gateway, marketData: book, clock });
    const deliver = () => pm.onReports(queue.splice(0));
    pm.setTarget(0, 100);
    expect(() => pm.tick()).toThrow('timeout after write');
    deliver();  // The ack of the order whose send threw.
    clock.ns = 1_000;
    pm.tick();
    deliver();
    expect(book.snapshot(0).filter((o) => o.owner === PM_OWNER).map((o) => [o.clientOrderId, o.leaves])).toEqual([[1, 100]]);
    execute({ action: Action.NEW, symbol: 0, owner: COUNTERPARTY, clientOrderId: 1, orderId: 0, side: Side.SELL, type: OrderType.MARKET, price: 0, quantity: 230 });
    deliver();
    expect(pm.position(0)).toBe(100);
    expect(pm.state().symbols[0]).toMatchObject({ working: 100, liveOrders: [] });
    expect(pm.stats()).toMatchObject({ ordersLost: 0, illegalTransitions: 0, reportsInconsistent: 0 });
  });

  it('a fill of a lost order moves the position: the symbol is reconciled at the next tick', () => {
    const { pm, gateway, script, clock } = scriptedPm();
    pm.setTarget(0, 100);
    pm.tick();
    const buy = last(gateway.commands);
    script.accept(buy);
    clock.ns = 500;
    pm.onEngineEpoch(1);  // Lost with the old engine; a new buy of 100 goes out.
    const replacement = last(gateway.commands);
    expect(replacement).toMatchObject({ clientOrderId: 2, quantity: 100 });
    script.accept(replacement);
    expect(pm.nextWakeNs()).toBe(Infinity);
    clock.ns = 700;
    script.fill(buy, 100, 100);  // The old engine's fill, still in flight.
    expect(pm.stats().reportsLate).toBe(1);
    expect(pm.position(0)).toBe(100);
    expect(pm.nextWakeNs()).toBe(700);
    pm.tick(700);
    expect(last(gateway.commands)).toMatchObject({ action: Action.CANCEL, clientOrderId: 2 });  // Now excess.
  });

  it('the journal failing as a new order is recorded: no order is left pending unsent, the symbol is retried', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lobsim-pm-'));
    dirs.push(dir);
    const clock = new VirtualClock();
    const gateway = new RecordingGateway();
    const pm = new PositionManager({ owner: PM_OWNER, instruments: INSTRUMENTS, verify: true, backoffBaseNs: 1_000, journalPath: path.join(dir, 'pm.jsonl') }, { gateway, marketData: FLAT_BBO, clock });
    pm.setTarget(0, 100);
    // The first flush of the tick is the new order's write-ahead.
    const flush = vi.spyOn(JournalWriter.prototype, 'flush').mockImplementationOnce(function (this: JournalWriter) {
      (this as unknown as { buffer: string[] }).buffer = [];  // As the writer does: the buffer is taken before the write.
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    });
    expect(() => pm.tick()).toThrow('ENOSPC');
    flush.mockRestore();
    expect(gateway.commands).toEqual([]);
    expect(pm.state().symbols[0]).toMatchObject({ working: 0, liveOrders: [] });
    expect(pm.nextWakeNs()).toBe(1_000);
    clock.ns = 1_000;
    pm.tick();
    expect(gateway.commands).toEqual([expect.objectContaining({ action: Action.NEW, clientOrderId: 2, quantity: 100 })]);
    pm.close();
  });

  it('gateway.send throws for a cancel: the order stays cancellable and the cancel goes out on the retry', () => {
    const clock = new VirtualClock();
    const gateway = failingGateway();
    const pm = new PositionManager({ owner: PM_OWNER, instruments: INSTRUMENTS, verify: true, cancelWaveIntervalNs: 0 }, { gateway, marketData: FLAT_BBO, clock });
    pm.setTarget(0, 100);
    pm.tick();
    const buy = last(gateway.commands);
    new ReportScript(pm).accept(buy);
    gateway.fail = (command) => command.action === Action.CANCEL;
    pm.setTarget(0, 0);
    expect(() => pm.tick()).toThrow('network down');
    expect(pm.state().symbols[0]?.liveOrders[0]?.state).toBe('WORKING');
    expect(pm.stats().cancelsSent).toBe(0);
    gateway.fail = null;
    clock.ns = pm.nextWakeNs();
    pm.tick();
    expect(last(gateway.commands)).toMatchObject({ action: Action.CANCEL, clientOrderId: buy.clientOrderId });
    expect(pm.state().symbols[0]?.liveOrders[0]?.state).toBe('PENDING_CANCEL');
  });

  it('marketData.bbo() returning no usable prices is named, nothing is recorded, and the symbol is retried', () => {
    const clock = new VirtualClock();
    const gateway = new RecordingGateway();
    let bbo: unknown = null;
    const pm = new PositionManager({ owner: PM_OWNER, instruments: INSTRUMENTS, verify: true }, { gateway, marketData: { bbo: () => bbo as Bbo }, clock });
    pm.setTarget(0, 100);
    const cases: [unknown, string][] = [
      [null, 'pm marketData.bbo(0): must return { bid, ask }, each null or a level { price, quantity, count }, got null'],
      [{ bid: { price: Number.NaN, quantity: 1, count: 1 }, ask: null }, 'pm marketData.bbo(0).bid.price: must be an integer in [1, 9007199254740991], got NaN'],
      [{ bid: null, ask: { price: -5, quantity: 1, count: 1 } }, 'pm marketData.bbo(0).ask.price: must be an integer in [1, 9007199254740991], got -5'],
      [{ bid: 7, ask: null }, 'pm marketData.bbo(0).bid: must be an object, got 7'],
    ];
    for (const [value, message] of cases) {
      bbo = value;
      expect(() => pm.tick(clock.ns)).toThrow(expect.objectContaining({ code: 'LOBSIM_ERR_INPUT', message }));
      expect(gateway.commands).toEqual([]);
      expect(pm.state()).toMatchObject({ nextClientOrderId: 1, symbols: [expect.objectContaining({ target: 100, working: 0 }), expect.anything()] });
      clock.ns = pm.nextWakeNs();
    }
    bbo = FLAT_BBO.bbo();
    pm.tick(clock.ns);
    expect(gateway.commands).toEqual([expect.objectContaining({ clientOrderId: 1, price: 10_001, quantity: 100 })]);
  });

  it('a clock returning NaN is named before anything changes', () => {
    let now = 0;
    const gateway = new RecordingGateway();
    const pm = new PositionManager({ owner: PM_OWNER, instruments: INSTRUMENTS, verify: true }, { gateway, marketData: FLAT_BBO, clock: { nowNs: () => now } });
    const script = new ReportScript(pm);
    pm.setTarget(0, 100);
    pm.tick();
    const buy = last(gateway.commands);
    now = Number.NaN;
    const message = 'pm clock.nowNs(): must return a finite number of ns >= 0, got NaN';
    expectRefused(pm, () => pm.onReport(script.make(buy, ExecKind.REJECTED, { reason: 12 })), 'LOBSIM_ERR_INPUT', message);
    expectRefused(pm, () => pm.tick(), 'LOBSIM_ERR_INPUT', message);
    pm.setTarget(0, 200);
    expect(() => pm.nextWakeNs()).toThrow(message);
    // A tick given its time does not need the clock.
    pm.tick(5);
    expect(last(gateway.commands)).toMatchObject({ quantity: 100, clientOrderId: 2 });
    expect(pm.nextWakeNs()).toBe(Infinity);
  });
});

describe('messages', () => {
  it('quote strings, and name a re-entrant call a usage error', () => {
    const { pm } = scriptedPm();
    expectRefused(pm, () => pm.setTarget('0' as never, 100), 'LOBSIM_ERR_INPUT', 'pm symbol: must be an instrument index in [0, 1], got "0"');
    expectRefused(pm, () => pm.setTarget(0, '100' as never), 'LOBSIM_ERR_INPUT', 'pm target for symbol 0: must be a safe integer multiple of lotSize 1, got "100"');
    expectRefused(pm, () => pm.position('1' as never), 'LOBSIM_ERR_INPUT', 'pm symbol: must be an instrument index in [0, 1], got "1"');
    expect(() => pm.reconcileWithEngineBooks(null as never)).toThrow(new TypeError('pm reconcileWithEngineBooks engine: must be an object with a snapshot() method, got null'));
  });

  it('re-entrance from inside send is LOBSIM_ERR_USAGE and leaves the PM valid', () => {
    let pm: PositionManager | null = null;
    const gateway = { send: (command: Command) => pm?.onReport({ owner: PM_OWNER, seq: 1, kind: ExecKind.ACCEPTED, reason: 0, orderId: 1, clientOrderId: command.clientOrderId, cumQuantity: 0, leavesQuantity: 10 } as never) };
    pm = new PositionManager({ owner: PM_OWNER, instruments: INSTRUMENTS, verify: true }, { gateway, marketData: FLAT_BBO, clock: new VirtualClock() });
    pm.setTarget(0, 10);
    const before = observable(pm);
    expect(() => pm.tick()).toThrow(expect.objectContaining({ code: 'LOBSIM_ERR_USAGE' }));
    expect(observable(pm)).not.toBe(before);  // The order whose send failed stays pending, with an alert.
    expect(pm.state().symbols[0]?.liveOrders[0]?.state).toBe('PENDING_NEW');
    pm.validate();
  });
});
