/**
 * Differential tests: the native engine against the reference book (exchange-core style). Every
 * command must give the same reports, record for record; validate() must pass after every
 * command; books and state hashes must match at the end.
 */
import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { Engine, TOP_SLOTS, TopSlot, topsLength } from '../../engine/engine.js';
import { ReferenceBatchEngine } from '../../sim/deterministic/batch-engine.js';
import { Action, COMMAND_SLOTS, OrderType, Side } from '../../engine/protocol.js';
import { decodeReports, encodeCommand, encodeRestingOrders } from '../../engine/records.js';
import { ReferenceBook } from '../../engine/reference-book.js';
import type { Command, ExecutionReport, StpModeName } from '../../engine/types.js';
import { commandArbitrary, testEngineOptions } from '../support/command-arbitrary.js';

const STP_MODES: StpModeName[] = ['off', 'cancel-incoming', 'cancel-resting'];

function compareBooks(native: Engine, reference: ReferenceBook): void {
  for (let symbol = 0; symbol < native.instrumentCount; symbol++) {
    expect(native.snapshot(symbol)).toEqual(reference.snapshot(symbol));
    // The records the harness's checks read hold the same orders in the same layout.
    expect(native.snapshotRecords(symbol)).toEqual(encodeRestingOrders(reference.snapshot(symbol)));
    expect(native.depth(symbol, 1_000)).toEqual(reference.depth(symbol, 1_000));
    expect(native.bbo(symbol)).toEqual(reference.bbo(symbol));
  }
  expect(native.stateHash()).toBe(reference.stateHash());
}

describe('native engine vs reference book', () => {
  for (const stp of STP_MODES) {
    it(`gives identical reports and books on random hostile sequences (stp ${stp})`, () => {
      fc.assert(
        // Direct ladders for every book (the default budget), none (0), or some: AAA's band is 21
        // ticks a side and BBB's 21, so a budget of 50 makes the first two ladders used direct.
        fc.property(fc.array(commandArbitrary, { minLength: 1, maxLength: 120 }), fc.constantFrom(6, 40, 10_000), fc.constantFrom(undefined, 0, 50), (commands, ordersMax, directLevelsMax) => {
          const options = testEngineOptions(stp, ordersMax, directLevelsMax);
          const native = new Engine(options);
          const reference = new ReferenceBook(options);
          commands.forEach((command, index) => {
            const expected = reference.execute(command);
            const actual = native.execute(command);
            if (JSON.stringify(actual) !== JSON.stringify(expected)) {
              expect({ index, command, actual }).toEqual({ index, command, actual: expected });
            }
            native.validate();
            reference.validate();
          });
          compareBooks(native, reference);
        }),
        { numRuns: 150 },
      );
    });
  }

  it('agrees on a long seeded stream, state hash every 1,000 commands', () => {
    const random = seedrandom('differential-long');
    const options = testEngineOptions('cancel-resting', 100_000);
    const native = new Engine(options);
    const reference = new ReferenceBook(options);
    const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
    for (let index = 1; index <= 40_000; index++) {
      const roll = random();
      const command: Command =
        roll < 0.75
          ? {
              action: Action.NEW, symbol: 0, owner: int(1, 5), clientOrderId: index, orderId: 0,
              side: random() < 0.5 ? Side.BUY : Side.SELL,
              type: random() < 0.9 ? OrderType.LIMIT : OrderType.IOC,
              price: int(92, 108), quantity: int(1, 50),
            }
          : roll < 0.95
            ? { action: Action.CANCEL, symbol: 0, owner: int(1, 5), clientOrderId: 0, orderId: int(1, index), side: 0, type: 0 as Command['type'], price: 0, quantity: 0 }
            : { action: Action.MODIFY, symbol: 0, owner: int(1, 5), clientOrderId: 0, orderId: int(1, index), side: 0, type: 0 as Command['type'], price: int(92, 108), quantity: int(1, 50) };
      expect(native.execute(command)).toEqual(reference.execute(command));
      if (index % 1_000 === 0) {
        native.validate();
        expect(native.stateHash()).toBe(reference.stateHash());
      }
    }
    compareBooks(native, reference);
  });

  it('batched and per-command APIs give the same report records', () => {
    const random = seedrandom('batch-vs-single');
    const options = testEngineOptions('off', 10_000);
    const single = new Engine(options);
    const batched = new Engine(options);
    const commands = fc.sample(commandArbitrary, { numRuns: 5_000, seed: 7 });
    const records = new Float64Array(commands.length * COMMAND_SLOTS);
    commands.forEach((command, index) => encodeCommand(command, records, index));
    const expected = commands.flatMap((command) => single.execute(command));
    let at = 0;
    const actual: ExecutionReport[] = [];
    while (at < commands.length) {
      const size = 1 + Math.floor(random() * 700);
      const count = Math.min(size, commands.length - at);
      const batch = batched.executeBatch(records.subarray(at * COMMAND_SLOTS, (at + count) * COMMAND_SLOTS), count);
      actual.push(...decodeReports(batch.records, batch.count));
      at += count;
    }
    expect(actual.length).toBe(expected.length);
    expect(actual).toEqual(expected);
    expect(batched.stateHash()).toBe(single.stateHash());
  });

  it('executeBatchWithTops: the same reports, and tops equal to bbo() of exactly the symbols the reports name', () => {
    const random = seedrandom('tops');
    const options = testEngineOptions('off', 10_000);
    const plain = new Engine(options);
    const withTops = new Engine(options);
    const reference = new ReferenceBatchEngine(options);
    const commands = fc.sample(commandArbitrary, { numRuns: 3_000, seed: 11 });
    const records = new Float64Array(commands.length * COMMAND_SLOTS);
    commands.forEach((command, index) => encodeCommand(command, records, index));
    const tops = new Float64Array(topsLength(withTops.instrumentCount));
    const referenceTops = new Float64Array(topsLength(withTops.instrumentCount));
    let at = 0;
    let symbolsSeen = 0;
    while (at < commands.length) {
      const count = Math.min(1 + Math.floor(random() * 12), commands.length - at);
      const slice = records.subarray(at * COMMAND_SLOTS, (at + count) * COMMAND_SLOTS);
      const plainBatch = plain.executeBatch(slice, count);
      const expected = decodeReports(plainBatch.records, plainBatch.count);
      const batch = withTops.executeBatchWithTops(slice, count, tops);
      const reports = decodeReports(batch.records, batch.count);
      expect(reports).toEqual(expected);
      const referenceBatch = reference.executeBatchWithTops(slice, count, referenceTops);
      expect(decodeReports(referenceBatch.records, referenceBatch.count)).toEqual(expected);
      const named = [...new Set(reports.map((report) => report.symbol).filter((symbol) => symbol >= 0 && symbol < withTops.instrumentCount))];
      expect(tops[0]).toBe(named.length);
      expect(Array.from(tops.subarray(0, 1 + named.length * TOP_SLOTS))).toEqual(Array.from(referenceTops.subarray(0, 1 + named.length * TOP_SLOTS)));
      named.forEach((symbol, index) => {
        const record = tops.subarray(1 + index * TOP_SLOTS, 1 + (index + 1) * TOP_SLOTS);
        const bbo = withTops.bbo(symbol);
        expect(record[TopSlot.symbol]).toBe(symbol);
        expect([record[TopSlot.bidPrice], record[TopSlot.bidQuantity], record[TopSlot.bidCount]]).toEqual(bbo.bid ? [bbo.bid.price, bbo.bid.quantity, bbo.bid.count] : [0, 0, 0]);
        expect([record[TopSlot.askPrice], record[TopSlot.askQuantity], record[TopSlot.askCount]]).toEqual(bbo.ask ? [bbo.ask.price, bbo.ask.quantity, bbo.ask.count] : [0, 0, 0]);
      });
      symbolsSeen += named.length;
      at += count;
    }
    expect(symbolsSeen).toBeGreaterThan(100);
    expect(withTops.stateHash()).toBe(plain.stateHash());
  });
});
