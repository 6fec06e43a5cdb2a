/**
 * The PM with a scripted engine: the seed's edge cases end to end through onReport (partial fills
 * while a cancel is pending, a fill after cancel-sent, cancel-rejected because already filled,
 * BUSY then retry, invalid reject halts, target flips in flight, duplicates), plus the target
 * queue, options validation, the audit log and re-entrance.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../engine/errors.js';
import { Action, ExecKind, Reason, Side } from '../../engine/protocol.js';
import { limitPrice, priceGrid } from '../../engine/pm/price-policy.js';
import { PositionManager } from '../../engine/pm/position-manager.js';
import { TargetQueue } from '../../engine/pm/target-queue.js';
import type { Command } from '../../engine/types.js';
import { FLAT_BBO, INSTRUMENTS, PM_OWNER, scriptedPm, VirtualClock } from './support.js';

const last = (commands: Command[]): Command => commands[commands.length - 1] as Command;

describe('PositionManager with a scripted engine', () => {
  it('partial fills while a cancel is pending: booked, and the cancel still settles it', () => {
    const { pm, gateway, script } = scriptedPm();
    pm.setTarget(0, 100);
    pm.tick();
    const buy = last(gateway.commands);
    script.accept(buy);
    pm.setTarget(0, 0);
    pm.tick();
    expect(last(gateway.commands)).toMatchObject({ action: Action.CANCEL, clientOrderId: buy.clientOrderId, orderId: 1000 });
    script.fill(buy, 30, 30);
    expect(pm.state().symbols[0]).toMatchObject({ position: 30, working: 100, buyLeaves: 70 });
    script.deliver(buy, ExecKind.CANCELLED, { cumQuantity: 30, reason: Reason.CANCEL_REQUESTED });
    // Back to flat: the 30 bought are sold as soon as the cancel is confirmed.
    expect(pm.state().symbols[0]).toMatchObject({ position: 30, working: 0, buyLeaves: 0, sellLeaves: 30 });
    expect(last(gateway.commands)).toMatchObject({ action: Action.NEW, side: Side.SELL, quantity: 30 });
    expect(pm.anomalies()).toEqual([]);
  });

  it('a fill after cancel-sent ends the order as filled; the late cancel-reject is harmless', () => {
    const { pm, gateway, script } = scriptedPm();
    pm.setTarget(0, 100);
    pm.tick();
    const buy = last(gateway.commands);
    script.accept(buy);
    pm.setTarget(0, -100);
    pm.tick();
    expect(gateway.commands.map((c) => c.action)).toEqual([Action.NEW, Action.CANCEL, Action.NEW]);
    expect(last(gateway.commands)).toMatchObject({ side: Side.SELL, quantity: 100 });
    script.fill(buy, 100, 100);
    script.deliver(buy, ExecKind.CANCEL_REJECTED, { reason: Reason.UNKNOWN_ORDER });
    // The buy filled instead of cancelling: a second sell of 100 goes out only now, once the fill is known.
    expect(pm.position(0)).toBe(100);
    expect(pm.workingPosition(0)).toBe(-100);
    expect(gateway.commands.map((c) => c.action)).toEqual([Action.NEW, Action.CANCEL, Action.NEW, Action.NEW]);
    expect(last(gateway.commands)).toMatchObject({ side: Side.SELL, quantity: 100 });
    expect(pm.stats().illegalTransitions).toBe(0);
  });

  it('cancel rejected before the fill arrives: the order stays counted until its fill', () => {
    const { pm, gateway, script } = scriptedPm();
    pm.setTarget(0, 100);
    pm.tick();
    const buy = last(gateway.commands);
    script.accept(buy);
    pm.setTarget(0, 0);
    pm.tick();
    script.deliver(buy, ExecKind.CANCEL_REJECTED, { reason: Reason.UNKNOWN_ORDER });
    expect(pm.state().symbols[0]?.liveOrders[0]?.state).toBe('CANCEL_REJECTED');
    expect(pm.workingPosition(0)).toBe(100);
    const sent = gateway.commands.length;
    pm.tick();
    expect(gateway.commands.length).toBe(sent);
    script.fill(buy, 100, 100);
    expect(pm.position(0)).toBe(100);
    expect(last(gateway.commands)).toMatchObject({ action: Action.NEW, side: Side.SELL, quantity: 100 });
  });

  it('BUSY: backs off exponentially, retries with a new client id, then cools down after the retry limit', () => {
    const clock = new VirtualClock(0);
    const { pm, gateway, script } = scriptedPm({ backoffBaseNs: 1_000, backoffMaxNs: 4_000, rejectRetriesMax: 3, cooldownNs: 100_000 }, clock);
    pm.setTarget(0, 100);
    pm.tick();
    const waits: number[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      script.deliver(last(gateway.commands), ExecKind.REJECTED, { reason: Reason.BUSY });
      const sent = gateway.commands.length;
      waits.push(pm.nextWakeNs() - clock.ns);
      clock.ns = pm.nextWakeNs();
      pm.tick();
      expect(gateway.commands.length).toBe(sent + 1);
    }
    expect(waits).toEqual([1_000, 2_000, 4_000, 100_000]);
    const ids = gateway.commands.map((c) => c.clientOrderId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(pm.stats()).toMatchObject({ rejectsTransient: 4, cooldowns: 1 });
    expect(pm.alerts().map((a) => a.kind)).toEqual(['cooldown']);
    script.accept(last(gateway.commands));
    script.fill(last(gateway.commands), 100, 100);
    expect(pm.position(0)).toBe(100);
  });

  it('an invalid reject halts the symbol with an alert, no resubmission until resume', () => {
    const { pm, gateway, script } = scriptedPm();
    pm.setTargets([{ symbol: 0, quantity: 100 }, { symbol: 1, quantity: 50 }]);
    pm.tick();
    const [first, second] = gateway.commands as [Command, Command];
    script.deliver(first, ExecKind.REJECTED, { reason: Reason.PRICE_OUT_OF_BAND });
    pm.setTarget(0, 200);
    pm.tick();
    expect(gateway.commands.length).toBe(2);
    expect(pm.state().symbols[0]?.halted).toBe(true);
    expect(pm.alerts()[0]).toMatchObject({ kind: 'symbol-halted', symbol: 0 });
    script.accept(second);
    expect(pm.state().symbols[1]?.halted).toBe(false);
    pm.resume(0);
    expect(last(gateway.commands)).toMatchObject({ symbol: 0, quantity: 200 });
  });

  it('target flips during in-flight orders never stack up exposure', () => {
    const { pm, gateway } = scriptedPm();
    for (const target of [100, -100, 100, -100, 100]) {
      pm.setTarget(0, target);
      pm.tick();
      const { buyLeaves, sellLeaves } = pm.exposure(0);
      expect(buyLeaves).toBeLessThanOrEqual(Math.max(0, 100));
      expect(sellLeaves).toBeLessThanOrEqual(100);
    }
    const news = gateway.commands.filter((c) => c.action === Action.NEW);
    expect(news.map((c) => `${c.side}:${c.quantity}`)).toEqual(['0:100', '1:100']);
  });

  it('duplicate reports (same seq) are ignored idempotently', () => {
    const { pm, gateway, script } = scriptedPm();
    pm.setTarget(0, 100);
    pm.tick();
    const buy = last(gateway.commands);
    const ack = script.accept(buy);
    const fill = script.fill(buy, 40, 40);
    pm.onReport(ack);
    pm.onReport(fill);
    pm.onReport(fill);
    expect(pm.position(0)).toBe(40);
    expect(pm.stats()).toMatchObject({ reportsDuplicate: 3, illegalTransitions: 0 });
  });

  it('an illegal transition is counted, listed and not applied', () => {
    const { pm, gateway, script } = scriptedPm();
    pm.setTarget(0, 100);
    pm.tick();
    const buy = last(gateway.commands);
    script.deliver(buy, ExecKind.REPLACED, { leavesQuantity: 50 });  // A replace before the ack.
    expect(pm.stats().illegalTransitions).toBe(1);
    expect(pm.anomalies()[0]).toMatchObject({ clientOrderId: buy.clientOrderId, from: 'PENDING_NEW', event: 'REPLACED' });
    expect(pm.state().symbols[0]?.liveOrders[0]).toMatchObject({ state: 'PENDING_NEW', leaves: 100, quantity: 100 });
  });

  it('reads the clock only for reports that use the time: not for acks and fills of live orders, unknown or duplicate reports', () => {
    const clock = new VirtualClock();
    let reads = 0;
    const counting = { nowNs: () => { reads += 1; return clock.ns; } };
    const { pm, gateway, script } = scriptedPm({}, counting as VirtualClock);
    pm.setTarget(0, 100);
    pm.tick(0);
    const buy = last(gateway.commands);
    reads = 0;
    const ack = script.accept(buy);
    script.fill(buy, 30, 30);
    pm.onReport(ack);  // A duplicate.
    pm.onReport({ ...ack, clientOrderId: 12_345 });  // An unknown order.
    expect(reads).toBe(0);
    script.fill(buy, 70, 100);  // Terminal: the reconcile that follows needs the time, read once.
    expect(reads).toBe(1);
    expect(pm.stats()).toMatchObject({ reports: 5, reportsDuplicate: 1, reportsUnknown: 1, fills: 2 });
  });

  it('ignores reports of other owners and unknown orders', () => {
    const { pm, script, gateway } = scriptedPm();
    pm.setTarget(0, 10);
    pm.tick();
    pm.onReport({ ...script.make(last(gateway.commands), ExecKind.ACCEPTED), owner: PM_OWNER + 1 });
    pm.onReport({ ...script.make(last(gateway.commands), ExecKind.ACCEPTED), clientOrderId: 12345 });
    expect(pm.stats()).toMatchObject({ reportsForeign: 1, reportsUnknown: 1 });
  });

  it('throws on re-entrance from inside send: a usage error, not an invariant', () => {
    const clock = new VirtualClock();
    let pm: PositionManager | null = null;
    const report = { owner: PM_OWNER, seq: 1, kind: ExecKind.ACCEPTED, reason: 0, orderId: 1, clientOrderId: 1, cumQuantity: 0, leavesQuantity: 10 };
    const gateway = { send: () => pm?.onReport(report as never) };
    pm = new PositionManager({ owner: PM_OWNER, instruments: INSTRUMENTS }, { gateway, marketData: FLAT_BBO, clock });
    pm.setTarget(0, 10);
    expect(() => pm.tick()).toThrow(expect.objectContaining({ code: 'LOBSIM_ERR_USAGE', message: expect.stringMatching(/^pm: re-entered/) }));
  });

  it('validates targets: symbol index and lot multiple', () => {
    const { pm } = scriptedPm();
    expect(() => pm.setTarget(2, 10)).toThrow(/instrument index in \[0, 1\], got 2/);
    expect(() => pm.setTarget(1, 15)).toThrow(/multiple of lotSize 10, got 15/);
  });
});

describe('target queue', () => {
  it('coalesces per symbol (latest wins), sheds when full, drains FIFO', () => {
    const queue = new TargetQueue(2, 4);
    expect([queue.push(0, 1), queue.push(1, 2), queue.push(0, 3), queue.push(2, 4)]).toEqual(['queued', 'queued', 'coalesced', 'shed']);
    const drained: [number, number][] = [];
    while (queue.shift((s, q) => drained.push([s, q])));
    expect(drained).toEqual([[0, 3], [1, 2]]);
    expect({ queued: queue.queued, coalesced: queue.coalesced, shed: queue.shed }).toEqual({ queued: 2, coalesced: 1, shed: 1 });
  });

  it('through the PM: rapid updates coalesce into one order', () => {
    const { pm, gateway } = scriptedPm({ targetQueueMax: 1 });
    for (let q = 1; q <= 100; q += 1) pm.setTarget(0, q);
    expect(pm.setTarget(1, 10)).toBe('shed');
    pm.tick();
    expect(gateway.commands).toHaveLength(1);
    expect(gateway.commands[0]).toMatchObject({ quantity: 100 });
    expect(pm.stats()).toMatchObject({ targetsQueued: 1, targetsCoalesced: 99, targetsShed: 1, targetsApplied: 1 });
  });
});

describe('options', () => {
  const deps = { gateway: { send: () => undefined }, marketData: FLAT_BBO, clock: new VirtualClock() };
  const cases: [string, Record<string, unknown>, string][] = [
    ['unknown key', { childQty: 1 }, 'pm.childQty: unknown option'],
    ['negative child size', { childQuantityMax: -1 }, 'pm.childQuantityMax: must be an integer in [0, 4294967295], got -1'],
    ['zero live children', { childOrdersLiveMax: 0 }, 'pm.childOrdersLiveMax: must be an integer in [1, 1073741824], got 0'],
    ['bad policy', { pricePolicy: 'vwap' }, 'pm.pricePolicy: must be one of join, cross, mid, got "vwap"'],
    ['backoff max under base', { backoffBaseNs: 10, backoffMaxNs: 5 }, 'pm.backoffMaxNs: must be >= backoffBaseNs 10, got 5'],
    // A failing dependency would be retried at the same instant, for ever, by a simulator ticking at nextWakeNs.
    ['backoff base 0', { backoffBaseNs: 0 }, 'pm.backoffBaseNs: must be an integer in [1, 4503599627370496], got 0'],
    ['owner', { owner: -1 }, 'pm.owner: must be an integer in [0, 4294967295], got -1'],
    ['verify not boolean', { verify: 1 }, 'pm.verify: must be a boolean, got 1'],
    // The second child of a PM started at 2^53 - 1 would have had id 2^53, which the engine refuses.
    ['client order ids starting past their limit', { clientOrderIdStart: 2 ** 53 - 1 }, 'pm.clientOrderIdStart: must be an integer in [1, 4503599627370496], got 9007199254740991'],
  ];
  it.each(cases)('rejects %s', (_name, extra, message) => {
    expect(() => new PositionManager({ owner: PM_OWNER, instruments: INSTRUMENTS, ...extra } as never, deps)).toThrow(ConfigError);
    expect(() => new PositionManager({ owner: PM_OWNER, instruments: INSTRUMENTS, ...extra } as never, deps)).toThrow(message);
  });
});

describe('price policy', () => {
  // Band [902, 1098]: on the tick of 5, 905 to 1095.
  const grid = priceGrid({ symbol: 'G', tickSize: 5, lotSize: 1, maxOrderQuantity: 1_000, referencePrice: 1_000, bandBps: 980 });
  const book = { bid: { price: 990, quantity: 1, count: 1 }, ask: { price: 1_010, quantity: 1, count: 1 } };
  const cases: [string, 'join' | 'cross' | 'mid', number, 0 | 1, typeof book | { bid: null; ask: null }, number][] = [
    ['join buy', 'join', 0, Side.BUY, book, 990],
    ['join sell', 'join', 0, Side.SELL, book, 1_010],
    ['cross buy by 2 ticks', 'cross', 2, Side.BUY, book, 1_020],
    ['cross sell by 2 ticks', 'cross', 2, Side.SELL, book, 980],
    ['mid buy rounds down', 'mid', 0, Side.BUY, { bid: { price: 995, quantity: 1, count: 1 }, ask: book.ask }, 1_000],
    ['mid sell rounds up', 'mid', 0, Side.SELL, { bid: { price: 995, quantity: 1, count: 1 }, ask: { price: 1_000, quantity: 1, count: 1 } }, 1_000],
    ['empty book: reference price', 'cross', 3, Side.BUY, { bid: null, ask: null }, 1_000],
    ['clamped to the band', 'cross', 100, Side.BUY, book, 1_095],
  ];
  it.each(cases)('%s', (_name, policy, ticks, side, bbo, expected) => {
    expect(limitPrice(policy, ticks, side, bbo, grid)).toBe(expected);
  });

  it('keeps prices safe integers when the band reaches past 2^53', () => {
    // referencePrice 9e15 with bandBps 1000: the band's top is 9.9e15, above Number.MAX_SAFE_INTEGER.
    const wide = priceGrid({ symbol: 'W', tickSize: 7, lotSize: 1, maxOrderQuantity: 1_000, referencePrice: 9e15, bandBps: 1_000 });
    expect(wide.bandHighTick).toBe(9_007_199_254_740_988);  // The largest multiple of 7 <= 2^53 - 1.
    const bid = { price: wide.bandHighTick, quantity: 1, count: 1 };
    const price = limitPrice('cross', 100, Side.SELL, { bid: null, ask: null }, wide);
    expect(Number.isSafeInteger(price)).toBe(true);
    expect(limitPrice('join', 0, Side.SELL, { bid, ask: null }, wide)).toBe(wide.bandHighTick);
  });
});

describe('hostile input', () => {
  const setup = () => {
    const clock = new VirtualClock();
    const gateway = { commands: [] as Command[], send(c: Command) { this.commands.push(c); } };
    const pm = new PositionManager({ owner: PM_OWNER, instruments: INSTRUMENTS }, { gateway, marketData: FLAT_BBO, clock });
    pm.setTarget(0, 10);
    pm.tick();
    const order = gateway.commands[0] as Command;
    const report = { seq: 1, kind: ExecKind.ACCEPTED, reason: 0, orderId: 1, owner: PM_OWNER, clientOrderId: order.clientOrderId, symbol: 0, side: 0, price: order.price, quantity: 10, lastQuantity: 0, lastPrice: 0, cumQuantity: 0, leavesQuantity: 10, tradeId: 0, tsReceiveNs: 0, tsMatchNs: 0, tsDispatchNs: 0 };
    return { pm, report };
  };

  it('refuses a malformed report naming the field, and its state stays as it was', () => {
    const { pm, report } = setup();
    const before = { position: pm.position(0), working: pm.workingPosition(0), stats: pm.stats() };
    const cases: [unknown, string][] = [
      [null, 'pm report: must be an object, got null'],
      [{ ...report, cumQuantity: Number.NaN }, 'pm report.cumQuantity: must be an integer in [0, 4294967295], got NaN'],
      [{ ...report, cumQuantity: 2 ** 60 }, 'pm report.cumQuantity: must be an integer in [0, 4294967295], got 1152921504606847000'],
      [{ ...report, leavesQuantity: -500 }, 'pm report.leavesQuantity: must be an integer in [0, 4294967295], got -500'],
      [{ ...report, leavesQuantity: '5005' }, 'pm report.leavesQuantity: must be an integer in [0, 4294967295], got "5005"'],
      [{ ...report, orderId: Number.NaN }, 'pm report.orderId: must be an integer in [0, 9007199254740991], got NaN'],
      [{ ...report, kind: 99 }, 'pm report.kind: must be an ExecKind code (1 to 8), got 99'],
      [{ ...report, seq: 0 }, 'pm report.seq: must be an integer in [1, 9007199254740991], got 0'],
    ];
    for (const [bad, message] of cases) {
      expect(() => pm.onReport(bad as never), message).toThrow(message);
      expect(() => pm.onReport(bad as never)).toThrow(expect.objectContaining({ code: 'LOBSIM_ERR_INPUT' }));
    }
    expect({ position: pm.position(0), working: pm.workingPosition(0), stats: pm.stats() }).toEqual(before);
    pm.validate();
    pm.onReport(report as never);  // Still usable.
    expect(pm.stats().reports).toBe(before.stats.reports + 1);
  });

  it('refuses a bad time, epoch, target list or dependency', () => {
    const { pm } = setup();
    expect(() => pm.tick(Number.NaN)).toThrow('pm tick nowNs: must be a finite number of ns >= 0, got NaN');
    expect(() => pm.tick(-1)).toThrow('pm tick nowNs: must be a finite number of ns >= 0, got -1');
    expect(() => pm.onEngineEpoch(Number.NaN)).toThrow('pm engine epoch: must be an integer in [0, 9007199254740991], got NaN');
    expect(() => pm.setTargets(null as never)).toThrow('pm targets: must be an array, got null');
    expect(() => pm.setTargets([null] as never)).toThrow('pm targets[0]: must be an object, got null');
    expect(() => new PositionManager({ owner: PM_OWNER, instruments: INSTRUMENTS }, undefined as never)).toThrow('pm deps: must be an object, got undefined');
    expect(() => new PositionManager({ owner: PM_OWNER, instruments: INSTRUMENTS }, { gateway: {}, marketData: FLAT_BBO, clock: new VirtualClock() } as never)).toThrow(new TypeError('pm deps.gateway: must be an object with a send() method, got an object'));
    pm.validate();
  });
});

describe('audit log', () => {
  it('writes structured JSON lines for targets, orders, reports and positions; silent by default', () => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>); done(); } });
    const logger = pino({ level: 'info', timestamp: false, base: null }, stream);
    const gateway = { commands: [] as Command[], send(c: Command) { this.commands.push(c); } };
    const clock = new VirtualClock(42);
    const pm = new PositionManager({ owner: PM_OWNER, instruments: INSTRUMENTS }, { gateway, marketData: FLAT_BBO, clock, logger });
    pm.setTarget(0, 10);
    pm.tick();
    const order = gateway.commands[0] as Command;
    pm.onReport({ seq: 1, kind: ExecKind.FILLED, reason: 0, orderId: 1, owner: PM_OWNER, clientOrderId: order.clientOrderId, symbol: 0, side: 0, price: order.price, quantity: 10, lastQuantity: 10, lastPrice: order.price, cumQuantity: 10, leavesQuantity: 0, tradeId: 1, tsReceiveNs: 0, tsMatchNs: 0, tsDispatchNs: 0 });
    const events = lines.map((l) => l.ev);
    expect(events).toEqual(['target-received', 'target-applied', 'order-sent', 'report', 'position', 'illegal-transition']);
    expect(lines[2]).toMatchObject({ ev: 'order-sent', owner: PM_OWNER, ns: 42, clientOrderId: order.clientOrderId, quantity: 10 });
  });
});
