/**
 * Helpers of the engine contract (contract.ts): the instruments it runs on, a harness that checks
 * counter continuity and validate() after every command, order builders and report matchers.
 *
 * Instruments: AAA tick 5, lot 10, max 1,000, band [900, 1100]; BBB tick 1, lot 1, max 1,000,000,
 * band [1, 1000] (reference 500, 100%).
 */
import { expect } from 'vitest';
import { ExecKind, OrderType, Reason, Side, type SideCode } from '../../engine/protocol.js';
import type { Command, EngineOptions, ExecutionReport, NewOrder, OrderBookEngine, RestingOrder } from '../../engine/types.js';

export type KindName = keyof typeof ExecKind;
export type ReasonName = keyof typeof Reason;
export type TypeName = keyof typeof OrderType;

export const AAA = 0;
export const BBB = 1;

export function contractOptions(overrides: Partial<EngineOptions> = {}): EngineOptions {
  return {
    instruments: [
      { symbol: 'AAA', tickSize: 5, lotSize: 10, maxOrderQuantity: 1_000, referencePrice: 1_000, bandBps: 1_000 },
      { symbol: 'BBB', tickSize: 1, lotSize: 1, maxOrderQuantity: 1_000_000, referencePrice: 500, bandBps: 10_000 },
    ],
    ...overrides,
  };
}

/** Wraps an engine: every command is checked for counter continuity and followed by validate(). */
export class Harness {
  readonly engine: OrderBookEngine;
  private lastSeq = 0;
  private lastTradeId = 0;
  private lastOrderId = 0;

  constructor(engine: OrderBookEngine) {
    this.engine = engine;
  }

  run(reports: ExecutionReport[]): ExecutionReport[] {
    let pendingTrade = 0;
    for (const report of reports) {
      expect(report.seq, 'seq runs on without gaps').toBe(this.lastSeq + 1);
      this.lastSeq = report.seq;
      if (report.kind === ExecKind.ACCEPTED) {
        expect(report.orderId, 'accepted orders take consecutive ids').toBe(this.lastOrderId + 1);
        this.lastOrderId = report.orderId;
      }
      if (report.kind === ExecKind.REJECTED) expect(report.orderId).toBe(0);
      if (report.tradeId === 0) {
        expect(pendingTrade, 'a taker fill is followed by its maker fill').toBe(0);
      } else if (pendingTrade === 0) {
        expect(report.tradeId, 'trade ids run on without gaps').toBe(this.lastTradeId + 1);
        pendingTrade = report.tradeId;
      } else {
        expect(report.tradeId, 'the maker fill shares the taker fill trade id').toBe(pendingTrade);
        this.lastTradeId = pendingTrade;
        pendingTrade = 0;
      }
    }
    expect(pendingTrade, 'every taker fill has a maker fill').toBe(0);
    this.engine.validate();
    return reports;
  }

  submit(order: NewOrder): ExecutionReport[] {
    return this.run(this.engine.submit(order));
  }
  execute(command: Command): ExecutionReport[] {
    return this.run(this.engine.execute(command));
  }
  cancel(owner: number, orderId: number, clientOrderId = 0): ExecutionReport[] {
    return this.run(this.engine.cancel({ owner, orderId, clientOrderId }));
  }
  modify(owner: number, orderId: number, price: number, quantity: number, clientOrderId = 0): ExecutionReport[] {
    return this.run(this.engine.modify({ owner, orderId, clientOrderId, price, quantity }));
  }
  massCancel(owner: number, symbol?: number): ExecutionReport[] {
    return this.run(this.engine.massCancel(owner, symbol));
  }
  /** Every book as snapshots, for "nothing changed" checks. */
  books(): RestingOrder[][] {
    const books: RestingOrder[][] = [];
    for (let symbol = 0; symbol < this.engine.instrumentCount; symbol++) books.push(this.engine.snapshot(symbol));
    return books;
  }
  /** The order id the next accepted order will take. */
  get nextOrderId(): number {
    return this.lastOrderId + 1;
  }
}

export function order(side: SideCode, owner: number, clientOrderId: number, price: number, quantity: number, type: TypeName = 'LIMIT', symbol = AAA): NewOrder {
  return { symbol, owner, clientOrderId, side, type: OrderType[type], price, quantity };
}
export const buy = (owner: number, cid: number, price: number, quantity: number, type: TypeName = 'LIMIT', symbol = AAA): NewOrder =>
  order(Side.BUY, owner, cid, price, quantity, type, symbol);
export const sell = (owner: number, cid: number, price: number, quantity: number, type: TypeName = 'LIMIT', symbol = AAA): NewOrder =>
  order(Side.SELL, owner, cid, price, quantity, type, symbol);

/** An expected report: kind, reason and any other fields to match. */
export function rep(kind: KindName, fields: Partial<Omit<ExecutionReport, 'kind' | 'reason'>> & { reason?: ReasonName } = {}): Partial<ExecutionReport> {
  const { reason, ...rest } = fields;
  return { kind: ExecKind[kind], reason: Reason[reason ?? 'NONE'], ...rest };
}

/** A complete report: every field not given is 0. */
export function full(kind: KindName, reason: ReasonName, fields: Partial<ExecutionReport>): ExecutionReport {
  return {
    seq: 0, kind: ExecKind[kind], reason: Reason[reason], orderId: 0, owner: 0, clientOrderId: 0, symbol: 0, side: Side.BUY,
    price: 0, quantity: 0, lastQuantity: 0, lastPrice: 0, cumQuantity: 0, leavesQuantity: 0, tradeId: 0,
    tsReceiveNs: 0, tsMatchNs: 0, tsDispatchNs: 0, ...fields,
  };
}

/** Exact sequence: same length, each report matching its expected fields. */
export function expectReports(actual: ExecutionReport[], expected: Partial<ExecutionReport>[]): void {
  expect(actual).toMatchObject(expected);
  expect(actual).toHaveLength(expected.length);
}

export function resting(side: SideCode, price: number, orderId: number, owner: number, clientOrderId: number, quantity: number, leaves = quantity): RestingOrder {
  return { side, price, orderId, owner, clientOrderId, quantity, leaves };
}
