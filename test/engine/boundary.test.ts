/**
 * The Node-API boundary survives hostile values: each gives a TypeError or RangeError naming the
 * field (or a ConfigError for options), never a crash, and a rejected call changes no state.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { runInNewContext } from 'node:vm';
import { Engine, TopSlot, topsLength } from '../../engine/engine.js';
import { addonPath, loadAddon } from '../../engine/native.js';
import { loadThreadedAddon } from '../../engine/threaded-native.js';
import { ReferenceBatchEngine } from '../../sim/deterministic/batch-engine.js';
import { Action, COMMAND_SLOTS, CommandSlot, ExecKind, OrderType, REPORT_SLOTS, Reason, ReportSlot, Side } from '../../engine/protocol.js';
import { BBO_RECORD_SLOTS, decodeReports, encodeCommand } from '../../engine/records.js';
import type { Command, NewOrder } from '../../engine/types.js';
import { testEngineOptions } from '../support/command-arbitrary.js';

const buy: NewOrder = { symbol: 0, owner: 1, clientOrderId: 1, side: Side.BUY, type: OrderType.LIMIT, price: 100, quantity: 10 };
const asCommand = (order: NewOrder): Command => ({ action: Action.NEW, orderId: 0, ...order });

let engine: Engine;
beforeEach(() => {
  engine = new Engine(testEngineOptions('off', 1_000));
  engine.submit({ ...buy, clientOrderId: 99, price: 95 });
});

function expectUnchanged(action: () => unknown, error: RegExp, kind: typeof TypeError | typeof RangeError): void {
  const before = { hash: engine.stateHash(), stats: engine.stats() };
  expect(action).toThrow(kind);
  expect(action).toThrow(error);
  expect({ hash: engine.stateHash(), stats: engine.stats() }).toEqual(before);
  engine.validate();
}

describe('per-command API', () => {
  const hostileNumbers: [string, number, RegExp][] = [
    ['NaN', Number.NaN, /got NaN/],
    ['Infinity', Number.POSITIVE_INFINITY, /got Infinity/],
    ['-Infinity', Number.NEGATIVE_INFINITY, /got -Infinity/],
    ['2^63', 2 ** 63, /9\.22337\d*e\+18/],
    ['2^53', 2 ** 53, /9007199254740992/],
    ['a fraction', 100.5, /got 100\.5/],
  ];
  for (const field of ['price', 'quantity', 'owner', 'clientOrderId', 'symbol'] as const) {
    for (const [name, value, shown] of hostileNumbers) {
      it(`rejects ${name} in ${field} with a RangeError naming it`, () => {
        expectUnchanged(() => engine.submit({ ...buy, [field]: value }), new RegExp(`${field}: .*${shown.source}`), RangeError);
      });
    }
  }

  for (const [name, value] of [['a string', '100'], ['undefined', undefined], ['null', null], ['a bigint', 100n], ['an object', {}]] as const) {
    it(`rejects ${name} as a price with a TypeError naming the field`, () => {
      expectUnchanged(() => engine.submit({ ...buy, price: value as unknown as number }), /price: must be a number/, TypeError);
    });
  }

  it('refuses a command whose field getter runs another command, instead of running a mix of both', () => {
    let reads = 0;
    const outer = asCommand({ ...buy, clientOrderId: 2 });
    Object.defineProperty(outer, 'quantity', {
      enumerable: true,
      get() {
        reads++;
        if (reads === 2) engine.massCancel(77);
        return 10;
      },
    });
    const before = engine.snapshot(0);
    expect(() => engine.execute(outer)).toThrow(expect.objectContaining({ code: 'LOBSIM_ERR_USAGE', message: expect.stringMatching(/^execute: another command ran on this engine while this one was being read/) }));
    // The nested command ran whole (owner 77 had nothing to cancel); the outer one did not run.
    expect(engine.snapshot(0)).toEqual(before);
    expect(engine.submit({ ...buy, clientOrderId: 3 })[0]?.kind).toBe(ExecKind.ACCEPTED);
    expect(engine.snapshot(0).map((order) => order.clientOrderId)).toEqual([3, 99]);
  });

  it('takes a null order id for a mistake, not for "by client order id"', () => {
    expectUnchanged(() => engine.cancel({ owner: 1, orderId: null as unknown as number, clientOrderId: 99 }), /^orderId: must be a number, got null$/, TypeError);
  });

  it('rejects a missing field with a TypeError naming it', () => {
    const { quantity: _dropped, ...partial } = buy;
    expectUnchanged(() => engine.submit(partial as NewOrder), /quantity: must be a number, got undefined/, TypeError);
  });

  it('rejects out-of-range enum codes', () => {
    expectUnchanged(() => engine.submit({ ...buy, side: 2 as NewOrder['side'] }), /side: must be an integer in \[0, 1\], got 2/, RangeError);
    expectUnchanged(() => engine.submit({ ...buy, type: 9 as NewOrder['type'] }), /type: must be an integer in \[1, 5\], got 9/, RangeError);
    expectUnchanged(() => engine.execute({ ...asCommand(buy), action: 0 as Command['action'] }), /action: must be an integer in \[1, 4\]/, RangeError);
    expectUnchanged(() => engine.submit({ ...buy, owner: -1 }), /owner: must be an integer in \[0, 4294967295\]/, RangeError);
  });

  it('treats -0 as 0: a price of -0 is a PRICE_INVALID reject, not an error', () => {
    const [report] = engine.submit({ ...buy, price: -0 });
    expect(report).toMatchObject({ kind: ExecKind.REJECTED, reason: Reason.PRICE_INVALID, orderId: 0 });
  });

  it('names the bad field alone, not as the first record of a batch the caller never made', () => {
    expect(() => engine.massCancel(1, Number.NaN)).toThrow(new RangeError('symbol: must be an integer in [-1, 4294967294], got NaN'));
    expect(() => engine.submit({ ...buy, price: 2 ** 60 })).toThrow(/^price: must be an integer in/);
  });

  it('submit takes only the fields of a new order: an extra action or orderId cannot turn it into another command', () => {
    const hostile = { ...buy, clientOrderId: 5, action: Action.MASS_CANCEL, orderId: 7 } as NewOrder;
    expect(engine.submit(hostile).map((report) => [report.kind, report.orderId > 0])).toEqual([[ExecKind.ACCEPTED, true]]);
    expect(engine.stats().restingOrders).toBe(2);
    expect(() => engine.submit(undefined as unknown as NewOrder)).toThrow(/order: must be an object, got undefined/);
    expect(() => engine.cancel(null as unknown as { owner: number })).toThrow(/order reference: must be an object, got null/);
  });

  it('answers business-rule violations with reject reports, not throws', () => {
    expect(engine.submit({ ...buy, symbol: 7 })[0]).toMatchObject({ kind: ExecKind.REJECTED, reason: Reason.UNKNOWN_SYMBOL });
    expect(engine.submit({ ...buy, quantity: -3 })[0]).toMatchObject({ kind: ExecKind.REJECTED, reason: Reason.QTY_INVALID });
    expect(engine.submit({ ...buy, quantity: 2 ** 40 })[0]).toMatchObject({ kind: ExecKind.REJECTED, reason: Reason.QTY_ABOVE_MAX });
    expect(engine.submit({ ...buy, clientOrderId: 99 })[0]).toMatchObject({ kind: ExecKind.REJECTED, reason: Reason.DUPLICATE_CLIENT_ORDER_ID });
    expect(engine.cancel({ owner: 1, orderId: 12345 })[0]).toMatchObject({ kind: ExecKind.CANCEL_REJECTED, reason: Reason.UNKNOWN_ORDER });
    engine.validate();
  });

  it('maps symbol names to indices, unknown names to a reject', () => {
    expect(engine.symbolIndex('BBB')).toBe(1);
    const unknown = engine.symbolIndex('ZZZ');
    expect(unknown).toBe(-1);
    expect(engine.submit({ ...buy, symbol: unknown })[0]).toMatchObject({ kind: ExecKind.REJECTED, reason: Reason.UNKNOWN_SYMBOL, symbol: -1 });
  });
});

describe('batched API', () => {
  const records = (commands: Command[]) => {
    const array = new Float64Array(commands.length * COMMAND_SLOTS);
    commands.forEach((command, index) => encodeCommand(command, array, index));
    return array;
  };

  it('checks every record before running any: one bad record rejects the whole batch', () => {
    const batch = records([asCommand({ ...buy, clientOrderId: 1 }), asCommand({ ...buy, clientOrderId: 2 }), asCommand({ ...buy, clientOrderId: 3 })]);
    batch[2 * COMMAND_SLOTS + CommandSlot.price] = Number.NaN;
    expectUnchanged(() => engine.executeBatch(batch, 3), /commands\[2\]\.price: .*got NaN/, RangeError);
  });

  // Each slot's range and its first values outside it, in record 1 of a batch of two: the decoder
  // tests the range before integrality, so NaN, the infinities and unsafe magnitudes must still fail.
  const SAFE = Number.MAX_SAFE_INTEGER;
  const slotRanges: [keyof typeof CommandSlot, string, number, number][] = [
    ['action', 'action', 1, 4],
    ['symbol', 'symbol', -1, 4294967294],
    ['owner', 'owner', 0, 4294967295],
    ['clientOrderId', 'clientOrderId', 0, SAFE],
    ['orderId', 'orderId', 0, SAFE],
    ['side', 'side', 0, 1],
    ['type', 'type', 1, 5],
    ['price', 'price', -SAFE, SAFE],
    ['quantity', 'quantity', -SAFE, SAFE],
  ];
  for (const [slot, field, min, max] of slotRanges) {
    const outside = [min - 1, max + 1, Math.floor((min + max) / 2) + 0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 63, -(2 ** 63)];
    it(`refuses ${field} outside [${min}, ${max}] in a batch, naming the record and the range`, () => {
      for (const value of outside) {
        const batch = records([asCommand({ ...buy, clientOrderId: 1 }), asCommand({ ...buy, clientOrderId: 2 })]);
        batch[COMMAND_SLOTS + CommandSlot[slot]] = value;
        const range = `must be an integer in \\[${min}, ${max}\\], got `;
        expectUnchanged(() => engine.executeBatch(batch, 2), new RegExp(`^commands\\[1\\]\\.${field}: ${range}`), RangeError);
      }
    });
  }

  it('takes -0 as 0 in any slot, as the per-command API does', () => {
    const batch = records([asCommand({ ...buy, clientOrderId: 1, owner: 1 })]);
    batch[CommandSlot.orderId] = -0;
    batch[CommandSlot.side] = -0;
    const accepted = decodeReports(engine.executeBatch(batch, 1).records, 1)[0]!;
    expect(accepted).toMatchObject({ kind: ExecKind.ACCEPTED, side: Side.BUY });
  });

  it('rejects wrong typed arrays and counts', () => {
    const batch = records([asCommand(buy)]);
    expectUnchanged(() => engine.executeBatch(new Int32Array(9) as unknown as Float64Array, 1), /commands: must be a Float64Array/, TypeError);
    expectUnchanged(() => engine.executeBatch([1, 0, 1, 1, 0, 0, 1, 100, 10] as unknown as Float64Array, 1), /commands: must be a Float64Array/, TypeError);
    expectUnchanged(() => engine.executeBatch(batch, 2), /count: must be an integer in \[0, 1\], got 2/, RangeError);
    expectUnchanged(() => engine.executeBatch(batch, -1), /count: .*got -1/, RangeError);
    expectUnchanged(() => engine.executeBatch(batch, Number.NaN), /count: .*got NaN/, RangeError);
    expectUnchanged(() => engine.executeBatch(batch, '1' as unknown as number), /count: must be a number, got "1"$/, TypeError);
  });

  it('rejects a tops array of the wrong type or too short, before running anything', () => {
    const batch = records([asCommand(buy)]);
    const needed = topsLength(engine.instrumentCount);
    expectUnchanged(() => engine.executeBatchWithTops(batch, 1, new Float64Array(needed - 1)), new RegExp(`tops: must hold at least .* = ${needed} elements, got ${needed - 1}`), RangeError);
    expectUnchanged(() => engine.executeBatchWithTops(batch, 1, new Float32Array(needed) as unknown as Float64Array), /tops: must be a Float64Array/, TypeError);
    expectUnchanged(() => engine.executeBatchWithTops(batch, 1, {} as unknown as Float64Array), /tops: must be a Float64Array/, TypeError);
    // The reference batch engine (the harness's other engine) refuses the same way, before running.
    const reference = new ReferenceBatchEngine(testEngineOptions('off', 10));
    expect(() => reference.executeBatchWithTops(batch, 1, new Float64Array(needed - 1))).toThrow(new RegExp(`tops: must hold at least .* = ${needed} elements, got ${needed - 1}`));
    expect(() => reference.executeBatchWithTops(batch, 1, [] as unknown as Float64Array)).toThrow(/tops: must be a Float64Array/);
    expect(reference.snapshotRecords(0)).toEqual(new Float64Array(0));
  });

  it('rejects an oversized batch with a RangeError naming the limit', () => {
    const oversized = engine.batchCommandsMax + 1;
    const batch = new Float64Array(oversized * COMMAND_SLOTS);
    expectUnchanged(() => engine.executeBatch(batch, oversized), new RegExp(`count: must be an integer in \\[0, ${engine.batchCommandsMax}\\]`), RangeError);
  });

  it('returns every report even when a batch produces more than the output buffer holds', () => {
    const commands: Command[] = [];
    for (let id = 1; id <= 5_000; id++) commands.push(asCommand({ ...buy, clientOrderId: 1_000 + id, side: Side.SELL, price: 100 + (id % 10), quantity: 1 }));
    commands.push(asCommand({ ...buy, clientOrderId: 50, owner: 2, type: OrderType.MARKET, price: 0, quantity: 1_000 }));
    const roomy = new Engine(testEngineOptions('off', 10_000));
    const batch = roomy.executeBatch(records(commands), commands.length);
    // 5,000 acks, then the market order: ack + 1,000 x (taker + maker) fills.
    expect(batch.count).toBe(5_000 + 1 + 2_000);
    // The last trade reports the taker, then the maker.
    const [taker, maker] = decodeReports(batch.records, batch.count).slice(-2);
    expect(maker).toMatchObject({ kind: ExecKind.FILLED, owner: 1, cumQuantity: 1, leavesQuantity: 0 });
    expect(taker).toMatchObject({ kind: ExecKind.FILLED, owner: 2, clientOrderId: 50, cumQuantity: 1_000, leavesQuantity: 0 });
    roomy.validate();
  });

  it('keeps working after a caller transfers the buffer of a batch away, and takes tops of another realm', () => {
    const first = engine.executeBatch(records([asCommand({ ...buy, clientOrderId: 1 })]), 1);
    structuredClone(first.records.buffer, { transfer: [first.records.buffer] });
    const tops = runInNewContext(`new Float64Array(${topsLength(engine.instrumentCount)})`) as Float64Array;
    const second = engine.executeBatchWithTops(records([asCommand({ ...buy, clientOrderId: 2, side: Side.SELL })]), 1, tops);
    expect(decodeReports(second.records, second.count).map((report) => report.kind)).toEqual([ExecKind.ACCEPTED, ExecKind.FILLED, ExecKind.FILLED]);
    expect([tops[0], tops[1 + TopSlot.symbol]]).toEqual([1, 0]);
    expect(engine.submit({ ...buy, clientOrderId: 3 })[0]!.kind).toBe(ExecKind.ACCEPTED);
    engine.validate();
  });
});

describe('the addon itself', () => {
  const { NativeEngine } = loadAddon();
  it('rejects bad constructor options with errors naming the field', () => {
    expect(() => new NativeEngine(undefined)).toThrow(/options: must be an object/);
    expect(() => new NativeEngine({ instruments: 'x' })).toThrow(/instruments: must be an array/);
    expect(() => new NativeEngine({ instruments: [] })).toThrow(/instruments: must hold 1 to 65536/);
    const instrument = testEngineOptions('off', 10).instruments[0]!;
    expect(() => new NativeEngine({ instruments: [{ ...instrument, lotSize: Number.NaN }] })).toThrow(/instruments\[0\]\.lotSize: .*got NaN/);
    expect(() => new NativeEngine({ instruments: [{ ...instrument, tickSize: '1' }] })).toThrow(/instruments\[0\]\.tickSize: must be a number, got "1"$/);
    expect(() => new NativeEngine({ instruments: [instrument], stp: 'sometimes' })).toThrow(/stp: must be one of/);
    expect(() => new NativeEngine({ instruments: [instrument, instrument] })).toThrow(/instruments\[1\]\.symbol/);
    expect(() => new NativeEngine({ instruments: [instrument], directLevelsMax: Number.NaN })).toThrow(/directLevelsMax: .*got NaN/);
    expect(() => new NativeEngine({ instruments: [instrument], directLevelsMax: 2 ** 24 + 1 })).toThrow(/directLevelsMax: must be an integer in \[0, 16777216\]/);
    expect(() => new NativeEngine({ instruments: [instrument], directLevelsMax: -1 })).toThrow(/directLevelsMax: /);
    // The core's own check, in the TypeScript check's words (reference-book.test.ts).
    expect(() => new NativeEngine({ instruments: [{ ...instrument, tickSize: 5, referencePrice: 10_002, bandBps: 1 }] })).toThrow('instruments[0].bandBps: the band [10001, 10003] around referencePrice 10002 must hold a multiple of tickSize 5 in [1, 9007199254740991], got bandBps 1');
  });

  it('passes directLevelsMax to the core: the default reserves a level per tick of a band, 0 none', () => {
    // A band of 20,001 ticks a side: a direct ladder holds 20,001 levels of 40 bytes.
    const wide = { symbol: 'WIDE', tickSize: 1, lotSize: 1, maxOrderQuantity: 1_000, referencePrice: 100_000, bandBps: 1_000 };
    const levelBytes = (directLevelsMax?: number): number => {
      const engine = new Engine({ instruments: [wide], ...(directLevelsMax === undefined ? {} : { directLevelsMax }) });
      const before = engine.stats().memoryBytes;
      engine.submit({ symbol: 0, owner: 1, clientOrderId: 1, side: Side.BUY, type: OrderType.LIMIT, price: 99_000, quantity: 1 });
      const grown = engine.stats().memoryBytes - before;
      engine.close();
      return grown;
    };
    expect(levelBytes()).toBeGreaterThanOrEqual(20_001 * 40);
    expect(levelBytes(20_000)).toBeLessThan(20_001 * 40);  // The band does not fit: sorted.
    expect(levelBytes(0)).toBeLessThan(20_001 * 40);
  });

  it('answers limits whose pools cannot be reserved under ulimit -v with a RangeError naming them, not a crash', () => {
    // The pools reserve address space for ordersMax orders and ordersMax + directLevelsMax levels:
    // at the largest limits about 87 GB, more than a process limited to 8 GB may map.
    const script = `
      const { NativeEngine } = require(${JSON.stringify(addonPath())});
      const instruments = [{ symbol: 'A', tickSize: 1, lotSize: 1, maxOrderQuantity: 10, referencePrice: 100, bandBps: 100 }];
      try { new NativeEngine({ instruments, ordersMax: 2 ** 30, directLevelsMax: 2 ** 24 }); console.log('made'); }
      catch (error) { console.log(error.constructor.name + ': ' + error.message); }
      const small = new NativeEngine({ instruments });
      console.log('small engine: ' + small.stats().restingOrders);`;
    const child = spawnSync('/bin/sh', ['-c', `ulimit -v 8000000 && exec "$0" -e "$1"`, process.execPath, script], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.stdout).toMatch(/^RangeError: ordersMax, directLevelsMax: the engine could not reserve address space for about 86570434560 bytes of orders and levels; lower them\nsmall engine: 0\n$/);
  });

  it('rejects bad query arguments', () => {
    const native = new NativeEngine(testEngineOptions('off', 10));
    expect(() => native.bbo(5, new Float64Array(6))).toThrow(/symbol: must be an integer in \[0, 1\], got 5/);
    expect(() => native.bbo(0, new Float64Array(5))).toThrow(/out: must hold at least 6 elements, got 5/);
    expect(() => native.bbo(0, new Float32Array(6) as unknown as Float64Array)).toThrow(/out: must be a Float64Array/);
    expect(() => (native.bbo as (symbol: number) => void)(0)).toThrow(/out: must be a Float64Array/);
    expect(() => native.depth(0, -1)).toThrow(/levels: /);
    // A value of the wrong type is shown as JS shows it: strings quoted, bigints with their n.
    expect(() => native.bbo('0' as unknown as number, new Float64Array(6))).toThrow(new TypeError('symbol: must be a number, got "0"'));
    expect(() => native.depth(0, 3n as unknown as number)).toThrow(new TypeError('levels: must be a number, got 3n'));
    expect(() => native.depth(0, {} as unknown as number)).toThrow(new TypeError('levels: must be a number, got an object'));
    expect(() => native.depth(0, 'é'.repeat(30) as unknown as number)).toThrow(new TypeError(`levels: must be a number, got "${'é'.repeat(20)}..."`));
    expect(() => native.snapshot(Number.NaN)).toThrow(/symbol: .*NaN/);
  });

  it('binds run to its own engine and area: called detached or on another engine, it runs on its own', () => {
    const first = new NativeEngine(testEngineOptions('off', 10));
    const second = new NativeEngine(testEngineOptions('off', 10));
    const commands = new Float64Array(COMMAND_SLOTS);
    encodeCommand({ action: Action.NEW, symbol: 0, owner: 1, clientOrderId: 1, orderId: 0, side: Side.BUY, type: OrderType.LIMIT, price: 100, quantity: 10 }, commands, 0);
    const { run } = first;
    const firstReports = new Float64Array(first.area, 0, REPORT_SLOTS);
    const secondReports = new Float64Array(second.area, 0, REPORT_SLOTS);
    expect(run(commands, 1, false)).toBe(1);
    expect(firstReports[ReportSlot.kind]).toBe(ExecKind.ACCEPTED);
    expect(run.call(second, commands, 1, false)).toBe(1);
    expect(firstReports[ReportSlot.kind]).toBe(ExecKind.REJECTED);
    expect(firstReports[ReportSlot.reason]).toBe(Reason.DUPLICATE_CLIENT_ORDER_ID);
    expect(secondReports[ReportSlot.kind]).toBe(0);
    expect(second.stats().restingOrders).toBe(0);
  });

  it('run checks its arguments, and gives the next batch a new area once its area was transferred away', () => {
    const native = new NativeEngine(testEngineOptions('off', 10));
    const commands = new Float64Array(COMMAND_SLOTS);
    encodeCommand({ action: Action.NEW, symbol: 0, owner: 1, clientOrderId: 1, orderId: 0, side: Side.BUY, type: OrderType.LIMIT, price: 100, quantity: 10 }, commands, 0);
    const run = native.run as (...args: unknown[]) => number;
    expect(() => run(commands, 1)).toThrow(/withTops: must be a boolean/);
    expect(() => run(commands, 1, 1)).toThrow(/withTops: must be a boolean/);
    expect(() => run(new Float32Array(COMMAND_SLOTS), 1, false)).toThrow(/commands: must be a Float64Array/);
    expect(() => run(commands, 2, false)).toThrow(/count: must be an integer in \[0, 1\], got 2/);
    const area = native.area;
    structuredClone(area, { transfer: [area] });
    expect(area.byteLength).toBe(0);
    expect(run(commands, 1, false)).toBe(1);
    expect(native.area).not.toBe(area);
    expect(new Float64Array(native.area, 0, REPORT_SLOTS)[ReportSlot.kind]).toBe(ExecKind.ACCEPTED);
  });

  it('binds run and enqueue to their objects through a link JS cannot remove (the function must not outlive its engine)', () => {
    const native = new NativeEngine(testEngineOptions('off', 10));
    const threaded = new (loadThreadedAddon().NativeThreadedEngine)({ ...testEngineOptions('off', 10), shards: 1 });
    try {
      for (const bound of [native.run, threaded.enqueue] as unknown as Record<symbol, unknown>[]) {
        const link = Object.getOwnPropertySymbols(bound)[0]!;
        expect(() => delete bound[link]).toThrow(TypeError);
        expect(() => (bound[link] = null)).toThrow(TypeError);
        expect(() => Object.defineProperty(bound, link, { value: 0 })).toThrow(TypeError);
      }
      expect(Object.getOwnPropertySymbols(native.run).map((link) => (native.run as unknown as Record<symbol, unknown>)[link])).toEqual([native]);
    } finally {
      threaded.shutdownNow();
    }
  });

  it('after close(), every call throws LOBSIM_ERR_CLOSED instead of touching freed memory; close twice is allowed', () => {
    const native = new NativeEngine(testEngineOptions('off', 10));
    const detachedRun = native.run;
    native.close();
    native.close();
    const commands = new Float64Array(COMMAND_SLOTS);
    encodeCommand(asCommand(buy), commands, 0);
    const out = new Float64Array(BBO_RECORD_SLOTS);
    const calls: [string, () => unknown][] = [
      ['run', () => native.run(commands, 1, false)],
      ['detached run', () => detachedRun(commands, 1, false)],
      ['bbo', () => native.bbo(0, out)],
      ['depth', () => native.depth(0, 5)],
      ['snapshot', () => native.snapshot(0)],
      ['stats', () => native.stats()],
      ['stateHash', () => native.stateHash()],
      ['validate', () => native.validate()],
    ];
    calls.push(['drain', () => native.drain(new Float64Array(REPORT_SLOTS), 0)]);
    for (const [name, call] of calls) expect(thrownBy(call), name).toMatchObject(CLOSED);
  });

  it("gives the threaded handle's id and shards as values of the instance, so no getter reads another object as a threaded engine", () => {
    const { NativeThreadedEngine } = loadThreadedAddon();
    // Prototype getters ran on any receiver: called on a NativeEngine, or after close, they read
    // it as a threaded engine (garbage, then a segfault).
    expect(Object.getOwnPropertyDescriptor(NativeThreadedEngine.prototype, 'id')).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(NativeThreadedEngine.prototype, 'shards')).toBeUndefined();
    const threaded = new NativeThreadedEngine({ ...testEngineOptions('off', 10), shards: 1 });
    try {
      expect(Object.getOwnPropertyDescriptor(threaded, 'shards')).toMatchObject({ value: 1, writable: false, configurable: false });
      expect(typeof Object.getOwnPropertyDescriptor(threaded, 'id')?.value).toBe('number');
    } finally {
      threaded.shutdownNow();
    }
  });

  it('attaches a ring only over a SharedArrayBuffer: an ArrayBuffer can be detached or resized under the shard thread', () => {
    const { NativeThreadedEngine, threadedLayout } = loadThreadedAddon();
    const threaded = new NativeThreadedEngine({ ...testEngineOptions('off', 10), shards: 1 });
    const capacity = threadedLayout.ringCapacityMin;
    const bytes = threadedLayout.ringHeaderBytes + capacity * COMMAND_SLOTS * 8;
    try {
      const plain = new ArrayBuffer(bytes);
      const resizable = new (ArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => ArrayBuffer)(bytes, { maxByteLength: bytes });
      for (const buffer of [plain, resizable]) {
        expect(() => threaded.attachRing(0, new Int32Array(buffer), capacity)).toThrow(TypeError);
        expect(() => threaded.attachRing(0, new Int32Array(buffer), capacity)).toThrow(/ring: must be an Int32Array over a SharedArrayBuffer, got one over an ArrayBuffer/);
      }
      expect(() => threaded.attachRing(0, new Int32Array(new SharedArrayBuffer(bytes)), capacity)).not.toThrow();
    } finally {
      threaded.shutdownNow();
    }
  });

  it('rejects threaded limits that together ask for more memory than the machine has, naming them, instead of aborting', () => {
    const { NativeThreadedEngine } = loadThreadedAddon();
    // 2^32 journal commands of 48 bytes: about 206 GB, each limit in range alone.
    expect(() => new NativeThreadedEngine({ ...testEngineOptions('off', 10), shards: 1, journalCommandsMax: 2 ** 32 })).toThrow(RangeError);
    expect(() => new NativeThreadedEngine({ ...testEngineOptions('off', 10), shards: 1, journalCommandsMax: 2 ** 32 })).toThrow(
      /shards, ingressCommandsMax, eventsMax, journalCommandsMax: together they reserve up to \d+ bytes .* more than this machine's \d+ bytes of memory/,
    );
  });

  it('Engine.close(): later calls throw LOBSIM_ERR_CLOSED, and a new Engine works as before', () => {
    engine.close();
    expect(thrownBy(() => engine.submit(buy))).toMatchObject(CLOSED);
    const next = new Engine(testEngineOptions('off', 1_000));
    expect(next.submit(buy).map((report) => report.kind)).toEqual([ExecKind.ACCEPTED]);
    next.close();
  });
});

const CLOSED = { code: 'LOBSIM_ERR_CLOSED', message: expect.stringMatching(/engine: closed/) };

/** The error `call` throws; fails the test if it returns. */
function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
