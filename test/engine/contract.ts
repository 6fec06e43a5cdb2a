/**
 * The engine contract: table-driven unit tests of docs/engine-semantics.md that every
 * OrderBookEngine must pass (the reference book and the native engine run the same suite).
 *
 * Every command goes through a harness that also checks, after each command, that seq numbers run
 * on without gaps, that trade ids run on without gaps with the taker's report first and the maker's
 * second, that accepted orders take consecutive order ids, and that validate() passes.
 *
 * Instruments: AAA tick 5, lot 10, max 1,000, band [900, 1100]; BBB tick 1, lot 1, max 1,000,000,
 * band [1, 1000] (reference 500, 100%).
 */
import { describe, expect, it } from 'vitest';
import { Action, ExecKind, OrderType, Reason, Side, SYMBOL_ALL } from '../../engine/protocol.js';
import type { Command, EngineOptions, ExecutionReport, NewOrder, OrderBookEngine } from '../../engine/types.js';
import {
  AAA,
  BBB,
  buy,
  contractOptions,
  expectReports,
  full,
  Harness,
  rep,
  resting,
  sell,
  type ReasonName,
} from './contract-harness.js';

export { AAA, BBB, contractOptions };

export function describeEngineContract(name: string, make: (options: EngineOptions) => OrderBookEngine): void {
  const harness = (overrides: Partial<EngineOptions> = {}): Harness => new Harness(make(contractOptions(overrides)));

  describe(`engine contract: ${name}`, () => {
    describe('configuration lookups', () => {
      it('counts instruments and maps symbols to indexes', () => {
        const { engine } = harness();
        expect(engine.instrumentCount).toBe(2);
        expect(engine.symbolIndex('AAA')).toBe(AAA);
        expect(engine.symbolIndex('BBB')).toBe(BBB);
        expect(engine.symbolIndex('ZZZ')).toBe(-1);
      });

      it('starts with empty books that validate', () => {
        const h = harness();
        h.engine.validate();
        expect(h.books()).toEqual([[], []]);
        expect(h.engine.bbo(AAA)).toEqual({ bid: null, ask: null });
        expect(h.engine.depth(BBB, 5)).toEqual({ bids: [], asks: [] });
      });
    });

    describe('order types', () => {
      it('LIMIT that does not cross rests with one ACCEPTED report', () => {
        const h = harness();
        const reports = h.submit(buy(7, 70, 1_000, 100));
        expect(reports).toEqual([
          full('ACCEPTED', 'NONE', { seq: 1, orderId: 1, owner: 7, clientOrderId: 70, symbol: AAA, side: Side.BUY, price: 1_000, quantity: 100, leavesQuantity: 100 }),
        ]);
        expect(h.engine.snapshot(AAA)).toEqual([resting(Side.BUY, 1_000, 1, 7, 70, 100)]);
        expect(h.engine.bbo(AAA)).toEqual({ bid: { price: 1_000, quantity: 100, count: 1 }, ask: null });
      });

      it('LIMIT that crosses fills at the resting price, taker report then maker report', () => {
        const h = harness();
        h.submit(sell(2, 20, 1_000, 100));
        const reports = h.submit(buy(1, 10, 1_050, 60));
        expect(reports).toEqual([
          full('ACCEPTED', 'NONE', { seq: 2, orderId: 2, owner: 1, clientOrderId: 10, side: Side.BUY, price: 1_050, quantity: 60, leavesQuantity: 60 }),
          full('FILLED', 'NONE', { seq: 3, orderId: 2, owner: 1, clientOrderId: 10, side: Side.BUY, price: 1_050, quantity: 60, lastQuantity: 60, lastPrice: 1_000, cumQuantity: 60, tradeId: 1 }),
          full('PARTIALLY_FILLED', 'NONE', { seq: 4, orderId: 1, owner: 2, clientOrderId: 20, side: Side.SELL, price: 1_000, quantity: 100, lastQuantity: 60, lastPrice: 1_000, cumQuantity: 60, leavesQuantity: 40, tradeId: 1 }),
        ]);
        expect(h.engine.snapshot(AAA)).toEqual([resting(Side.SELL, 1_000, 1, 2, 20, 100, 40)]);
      });

      it('LIMIT fills what crosses and rests the remainder at its own price', () => {
        const h = harness();
        h.submit(sell(2, 20, 1_000, 100));
        expectReports(h.submit(buy(1, 10, 1_005, 150)), [
          rep('ACCEPTED', { orderId: 2, leavesQuantity: 150 }),
          rep('PARTIALLY_FILLED', { orderId: 2, lastQuantity: 100, lastPrice: 1_000, cumQuantity: 100, leavesQuantity: 50 }),
          rep('FILLED', { orderId: 1, lastQuantity: 100, cumQuantity: 100, leavesQuantity: 0 }),
        ]);
        expect(h.engine.snapshot(AAA)).toEqual([resting(Side.BUY, 1_005, 2, 1, 10, 150, 50)]);
        expect(h.engine.bbo(AAA)).toEqual({ bid: { price: 1_005, quantity: 50, count: 1 }, ask: null });
      });

      it('IOC fills what it can and the remainder expires IOC_REMAINDER', () => {
        const h = harness();
        h.submit(sell(2, 20, 1_000, 30));
        h.submit(sell(2, 21, 1_010, 30));
        const reports = h.submit(buy(1, 10, 1_000, 50, 'IOC'));
        expectReports(reports.slice(0, 3), [
          rep('ACCEPTED', { orderId: 3, quantity: 50, leavesQuantity: 50 }),
          rep('PARTIALLY_FILLED', { orderId: 3, lastQuantity: 30, lastPrice: 1_000, cumQuantity: 30, leavesQuantity: 20, tradeId: 1 }),
          rep('FILLED', { orderId: 1, lastQuantity: 30, cumQuantity: 30, leavesQuantity: 0, tradeId: 1 }),
        ]);
        expect(reports[3]).toEqual(
          full('EXPIRED', 'IOC_REMAINDER', { seq: 6, orderId: 3, owner: 1, clientOrderId: 10, side: Side.BUY, price: 1_000, quantity: 50, cumQuantity: 30 }),
        );
        expect(reports).toHaveLength(4);
        expect(h.engine.snapshot(AAA)).toEqual([resting(Side.SELL, 1_010, 2, 2, 21, 30)]);
      });

      it('IOC against an empty side is accepted then expires untouched', () => {
        const h = harness();
        expectReports(h.submit(sell(1, 10, 1_000, 20, 'IOC')), [
          rep('ACCEPTED', { orderId: 1 }),
          rep('EXPIRED', { reason: 'IOC_REMAINDER', orderId: 1, quantity: 20, cumQuantity: 0, leavesQuantity: 0 }),
        ]);
        expect(h.books()).toEqual([[], []]);
      });

      it('FOK fills entirely across levels when enough crosses', () => {
        const h = harness();
        h.submit(sell(2, 20, 1_000, 30));
        h.submit(sell(3, 30, 1_005, 40));
        expectReports(h.submit(buy(1, 10, 1_005, 60, 'FOK')), [
          rep('ACCEPTED', { orderId: 3, leavesQuantity: 60 }),
          rep('PARTIALLY_FILLED', { orderId: 3, lastQuantity: 30, lastPrice: 1_000, cumQuantity: 30, leavesQuantity: 30, tradeId: 1 }),
          rep('FILLED', { orderId: 1, owner: 2, lastQuantity: 30, lastPrice: 1_000, tradeId: 1 }),
          rep('FILLED', { orderId: 3, lastQuantity: 30, lastPrice: 1_005, cumQuantity: 60, leavesQuantity: 0, tradeId: 2 }),
          rep('PARTIALLY_FILLED', { orderId: 2, owner: 3, lastQuantity: 30, lastPrice: 1_005, cumQuantity: 30, leavesQuantity: 10, tradeId: 2 }),
        ]);
        expect(h.engine.snapshot(AAA)).toEqual([resting(Side.SELL, 1_005, 2, 3, 30, 40, 10)]);
      });

      it('FOK fills exactly the quantity available', () => {
        const h = harness();
        h.submit(sell(2, 20, 1_000, 30));
        h.submit(sell(3, 30, 1_005, 40));
        const reports = h.submit(buy(1, 10, 1_005, 70, 'FOK'));
        expect(reports.map((r) => r.kind)).toEqual([ExecKind.ACCEPTED, ExecKind.PARTIALLY_FILLED, ExecKind.FILLED, ExecKind.FILLED, ExecKind.FILLED]);
        expect(h.books()).toEqual([[], []]);
      });

      const fokKills: [string, NewOrder][] = [
        ['more than the book holds', buy(1, 10, 1_005, 80, 'FOK')],
        ['more than crosses its limit', buy(1, 10, 1_000, 40, 'FOK')],
        ['a sell against no bids', sell(1, 10, 1_000, 10, 'FOK')],
      ];
      it.each(fokKills)('FOK for %s expires FOK_UNFILLABLE and leaves no trace', (_, fok) => {
        const h = harness();
        h.submit(sell(2, 20, 1_000, 30));
        h.submit(sell(3, 30, 1_005, 40));
        const before = h.books();
        const reports = h.submit(fok);
        expect(reports).toEqual([
          full('ACCEPTED', 'NONE', { seq: 3, orderId: 3, owner: 1, clientOrderId: 10, side: fok.side, price: fok.price, quantity: fok.quantity, leavesQuantity: fok.quantity }),
          full('EXPIRED', 'FOK_UNFILLABLE', { seq: 4, orderId: 3, owner: 1, clientOrderId: 10, side: fok.side, price: fok.price, quantity: fok.quantity }),
        ]);
        expect(h.books()).toEqual(before);
        // The next trade still takes trade id 1: the kill consumed none.
        expectReports(h.submit(buy(4, 40, 1_000, 10)), [rep('ACCEPTED', { orderId: 4 }), rep('FILLED', { tradeId: 1 }), rep('PARTIALLY_FILLED', { tradeId: 1 })]);
      });

      it('MARKET sweeps several levels, reports price 0, and the remainder expires', () => {
        const h = harness();
        h.submit(sell(2, 20, 1_000, 30));
        h.submit(sell(3, 30, 1_005, 20));
        h.submit(sell(2, 21, 1_010, 10));
        const reports = h.submit(buy(1, 10, 1_100, 100, 'MARKET'));
        expectReports(reports, [
          rep('ACCEPTED', { orderId: 4, price: 0, quantity: 100, leavesQuantity: 100 }),
          rep('PARTIALLY_FILLED', { orderId: 4, price: 0, lastQuantity: 30, lastPrice: 1_000, cumQuantity: 30, leavesQuantity: 70, tradeId: 1 }),
          rep('FILLED', { orderId: 1, price: 1_000, lastQuantity: 30, lastPrice: 1_000, tradeId: 1 }),
          rep('PARTIALLY_FILLED', { orderId: 4, price: 0, lastQuantity: 20, lastPrice: 1_005, cumQuantity: 50, leavesQuantity: 50, tradeId: 2 }),
          rep('FILLED', { orderId: 2, price: 1_005, lastQuantity: 20, lastPrice: 1_005, tradeId: 2 }),
          rep('PARTIALLY_FILLED', { orderId: 4, price: 0, lastQuantity: 10, lastPrice: 1_010, cumQuantity: 60, leavesQuantity: 40, tradeId: 3 }),
          rep('FILLED', { orderId: 3, price: 1_010, lastQuantity: 10, lastPrice: 1_010, tradeId: 3 }),
          rep('EXPIRED', { reason: 'IOC_REMAINDER', orderId: 4, price: 0, quantity: 100, cumQuantity: 60, leavesQuantity: 0 }),
        ]);
        expect(h.books()).toEqual([[], []]);
      });

      it('MARKET ignores its price field, even an invalid one, and needs no EXPIRED when filled', () => {
        const h = harness();
        h.submit(buy(2, 20, 900, 50));
        expectReports(h.submit(sell(1, 10, -7, 20, 'MARKET')), [
          rep('ACCEPTED', { orderId: 2, price: 0 }),
          rep('FILLED', { orderId: 2, price: 0, lastPrice: 900, cumQuantity: 20 }),
          rep('PARTIALLY_FILLED', { orderId: 1, price: 900, leavesQuantity: 30 }),
        ]);
      });

      it('MARKET against an empty side is accepted then expires', () => {
        const h = harness();
        expectReports(h.submit(buy(1, 10, 0, 10, 'MARKET')), [
          rep('ACCEPTED', { orderId: 1, price: 0 }),
          rep('EXPIRED', { reason: 'IOC_REMAINDER', orderId: 1, price: 0, quantity: 10, leavesQuantity: 0 }),
        ]);
      });

      it('POST_ONLY that does not cross rests like a LIMIT', () => {
        const h = harness();
        h.submit(sell(2, 20, 1_010, 10));
        h.submit(buy(2, 21, 990, 10));
        expectReports(h.submit(buy(1, 10, 995, 30, 'POST_ONLY')), [rep('ACCEPTED', { orderId: 3, leavesQuantity: 30 })]);
        expectReports(h.submit(sell(1, 11, 1_005, 30, 'POST_ONLY')), [rep('ACCEPTED', { orderId: 4 })]);
        expect(h.engine.bbo(AAA)).toEqual({ bid: { price: 995, quantity: 30, count: 1 }, ask: { price: 1_005, quantity: 30, count: 1 } });
      });
    });

    describe('NEW rejects', () => {
      interface RejectCase {
        reason: ReasonName;
        order: NewOrder;
        overrides?: Partial<EngineOptions>;
        /** Orders placed first, all by owner 2 unless given. */
        before?: NewOrder[];
      }
      const rejects: [string, RejectCase][] = [
        ['UNKNOWN_SYMBOL: index past the end', { reason: 'UNKNOWN_SYMBOL', order: buy(1, 10, 1_000, 10, 'LIMIT', 2) }],
        ['UNKNOWN_SYMBOL: SYMBOL_ALL on a NEW', { reason: 'UNKNOWN_SYMBOL', order: buy(1, 10, 1_000, 10, 'LIMIT', SYMBOL_ALL) }],
        ['QTY_INVALID: zero', { reason: 'QTY_INVALID', order: buy(1, 10, 1_000, 0) }],
        ['QTY_INVALID: negative', { reason: 'QTY_INVALID', order: sell(1, 10, 1_000, -10) }],
        ['QTY_NOT_LOT_MULTIPLE', { reason: 'QTY_NOT_LOT_MULTIPLE', order: buy(1, 10, 1_000, 15) }],
        ['QTY_ABOVE_MAX', { reason: 'QTY_ABOVE_MAX', order: buy(1, 10, 1_000, 1_010) }],
        ['QTY_ABOVE_MAX for MARKET', { reason: 'QTY_ABOVE_MAX', order: buy(1, 10, 0, 2_000, 'MARKET') }],
        ['PRICE_INVALID: zero', { reason: 'PRICE_INVALID', order: buy(1, 10, 0, 10) }],
        ['PRICE_INVALID: negative', { reason: 'PRICE_INVALID', order: sell(1, 10, -5, 10, 'IOC') }],
        ['PRICE_OFF_TICK', { reason: 'PRICE_OFF_TICK', order: buy(1, 10, 1_002, 10) }],
        ['PRICE_OUT_OF_BAND: above', { reason: 'PRICE_OUT_OF_BAND', order: buy(1, 10, 1_105, 10) }],
        ['PRICE_OUT_OF_BAND: below', { reason: 'PRICE_OUT_OF_BAND', order: sell(1, 10, 895, 10, 'FOK') }],
        ['DUPLICATE_CLIENT_ORDER_ID', { reason: 'DUPLICATE_CLIENT_ORDER_ID', order: buy(1, 10, 990, 10), before: [buy(1, 10, 1_000, 10)] }],
        ['DUPLICATE_CLIENT_ORDER_ID for an IOC in another symbol', { reason: 'DUPLICATE_CLIENT_ORDER_ID', order: sell(1, 10, 1, 1, 'IOC', BBB), before: [buy(1, 10, 1_000, 10)] }],
        ['ENGINE_FULL', { reason: 'ENGINE_FULL', order: buy(1, 10, 990, 10), overrides: { ordersMax: 2 }, before: [buy(2, 1, 1_000, 10), sell(2, 2, 1, 5, 'LIMIT', BBB)] }],
        ['ENGINE_FULL for POST_ONLY', { reason: 'ENGINE_FULL', order: buy(1, 10, 990, 10, 'POST_ONLY'), overrides: { ordersMax: 1 }, before: [sell(2, 1, 1_000, 10)] }],
        ['ENGINE_FULL even for an order that would fill', { reason: 'ENGINE_FULL', order: buy(1, 10, 1_000, 10), overrides: { ordersMax: 1 }, before: [sell(2, 1, 1_000, 10)] }],
        ['POST_ONLY_WOULD_CROSS: buy at the best ask', { reason: 'POST_ONLY_WOULD_CROSS', order: buy(1, 10, 1_000, 10, 'POST_ONLY'), before: [sell(2, 1, 1_000, 10)] }],
        ['POST_ONLY_WOULD_CROSS: sell below the best bid', { reason: 'POST_ONLY_WOULD_CROSS', order: sell(1, 10, 990, 10, 'POST_ONLY'), before: [buy(2, 1, 995, 10)] }],
        // Validation order: the first failing rule wins.
        ['order: UNKNOWN_SYMBOL before QTY_INVALID', { reason: 'UNKNOWN_SYMBOL', order: buy(1, 10, 0, 0, 'LIMIT', 9) }],
        ['order: QTY_INVALID before PRICE_INVALID', { reason: 'QTY_INVALID', order: buy(1, 10, 0, 0) }],
        ['order: QTY_NOT_LOT_MULTIPLE before QTY_ABOVE_MAX', { reason: 'QTY_NOT_LOT_MULTIPLE', order: buy(1, 10, 1_000, 1_015) }],
        ['order: QTY_ABOVE_MAX before PRICE_INVALID', { reason: 'QTY_ABOVE_MAX', order: buy(1, 10, -1, 1_010) }],
        ['order: PRICE_INVALID before PRICE_OFF_TICK', { reason: 'PRICE_INVALID', order: buy(1, 10, -3, 10) }],
        ['order: PRICE_OFF_TICK before PRICE_OUT_OF_BAND', { reason: 'PRICE_OFF_TICK', order: buy(1, 10, 1_203, 10) }],
        ['order: PRICE_OUT_OF_BAND before DUPLICATE', { reason: 'PRICE_OUT_OF_BAND', order: buy(1, 10, 1_200, 10), before: [buy(1, 10, 1_000, 10)] }],
        ['order: DUPLICATE before ENGINE_FULL', { reason: 'DUPLICATE_CLIENT_ORDER_ID', order: buy(1, 10, 990, 10), overrides: { ordersMax: 1 }, before: [buy(1, 10, 1_000, 10)] }],
        ['order: ENGINE_FULL before POST_ONLY_WOULD_CROSS', { reason: 'ENGINE_FULL', order: buy(1, 10, 1_000, 10, 'POST_ONLY'), overrides: { ordersMax: 1 }, before: [sell(2, 1, 1_000, 10)] }],
      ];
      it.each(rejects)('%s', (_, { reason, order: rejected, overrides, before = [] }) => {
        const h = harness(overrides);
        for (const placed of before) expect(h.submit(placed)[0]?.kind).toBe(ExecKind.ACCEPTED);
        const books = h.books();
        const seq = before.length + 1;
        const expectedPrice = rejected.type === OrderType.MARKET ? 0 : rejected.price;
        expect(h.submit(rejected)).toEqual([
          full('REJECTED', reason, {
            seq, orderId: 0, owner: rejected.owner, clientOrderId: rejected.clientOrderId, symbol: rejected.symbol,
            side: rejected.side, price: expectedPrice, quantity: rejected.quantity,
          }),
        ]);
        expect(h.books()).toEqual(books);
        // A reject consumes no order id (an IOC, so that a full engine takes it too).
        const nextId = h.nextOrderId;
        expectReports(h.submit(buy(3, 99, 900, 10, 'IOC')).slice(0, 1), [rep('ACCEPTED', { orderId: nextId, seq: seq + 1 })]);
      });

      it('ENGINE_FULL does not apply to IOC, FOK or MARKET, which never rest', () => {
        const h = harness({ ordersMax: 1 });
        h.submit(sell(2, 1, 1_000, 30));
        expect(h.submit(buy(1, 10, 1_000, 10, 'IOC')).map((r) => r.kind)).toEqual([ExecKind.ACCEPTED, ExecKind.FILLED, ExecKind.PARTIALLY_FILLED]);
        expect(h.submit(buy(1, 11, 1_000, 10, 'FOK')).map((r) => r.kind)).toEqual([ExecKind.ACCEPTED, ExecKind.FILLED, ExecKind.PARTIALLY_FILLED]);
        expect(h.submit(buy(1, 12, 0, 20, 'MARKET')).map((r) => r.kind)).toEqual([ExecKind.ACCEPTED, ExecKind.PARTIALLY_FILLED, ExecKind.FILLED, ExecKind.EXPIRED]);
        expect(h.submit(buy(1, 13, 990, 10, 'IOC')).map((r) => r.kind)).toEqual([ExecKind.ACCEPTED, ExecKind.EXPIRED]);
      });

      it('ENGINE_FULL counts resting orders only: a fill or a cancel frees room', () => {
        const h = harness({ ordersMax: 1 });
        h.submit(sell(2, 1, 1_000, 10));
        expect(h.submit(buy(1, 10, 990, 10))[0]?.reason).toBe(Reason.ENGINE_FULL);
        h.submit(buy(1, 11, 1_000, 10, 'IOC'));
        expect(h.submit(buy(1, 12, 990, 10))[0]?.kind).toBe(ExecKind.ACCEPTED);
        expect(h.submit(buy(1, 13, 985, 10))[0]?.reason).toBe(Reason.ENGINE_FULL);
        h.cancel(1, 0, 12);
        expect(h.submit(buy(1, 14, 985, 10))[0]?.kind).toBe(ExecKind.ACCEPTED);
      });

      it('band edges and tick multiples are accepted', () => {
        const h = harness();
        expect(h.submit(buy(1, 1, 900, 10))[0]?.kind).toBe(ExecKind.ACCEPTED);
        expect(h.submit(sell(1, 2, 1_100, 1_000))[0]?.kind).toBe(ExecKind.ACCEPTED);
        expect(h.submit(buy(1, 3, 1, 1, 'LIMIT', BBB))[0]?.kind).toBe(ExecKind.ACCEPTED);
        expect(h.submit(sell(1, 4, 1_000, 1_000_000, 'LIMIT', BBB))[0]?.kind).toBe(ExecKind.ACCEPTED);
        expect(h.submit(sell(1, 5, 1_001, 1, 'LIMIT', BBB))[0]?.reason).toBe(Reason.PRICE_OUT_OF_BAND);
      });

      it('a client order id is free again once its order is no longer live, and per owner', () => {
        const h = harness();
        h.submit(buy(1, 10, 1_000, 10));
        expect(h.submit(buy(2, 10, 1_000, 10))[0]?.kind).toBe(ExecKind.ACCEPTED);
        h.submit(sell(3, 30, 1_000, 10));
        expect(h.submit(buy(1, 10, 995, 10))[0]?.kind).toBe(ExecKind.ACCEPTED);
        h.cancel(1, 0, 10);
        expect(h.submit(buy(1, 10, 990, 10))[0]?.kind).toBe(ExecKind.ACCEPTED);
        h.submit(buy(1, 20, 990, 10, 'IOC'));
        expect(h.submit(buy(1, 20, 990, 10))[0]?.kind).toBe(ExecKind.ACCEPTED);
      });
    });

    describe('price-time priority', () => {
      it('takes better prices first whatever their arrival order', () => {
        const h = harness();
        h.submit(sell(2, 1, 1_010, 10));
        h.submit(sell(2, 2, 1_000, 10));
        h.submit(sell(2, 3, 1_005, 10));
        const fills = h.submit(buy(1, 10, 1_010, 30)).filter((r) => r.owner === 2);
        expect(fills.map((r) => [r.orderId, r.lastPrice])).toEqual([[2, 1_000], [3, 1_005], [1, 1_010]]);
      });

      it('takes bids from the highest price down', () => {
        const h = harness();
        h.submit(buy(2, 1, 990, 10));
        h.submit(buy(2, 2, 1_000, 10));
        const reports = h.submit(sell(1, 10, 900, 20));
        expectReports(reports, [
          rep('ACCEPTED', { orderId: 3 }),
          rep('PARTIALLY_FILLED', { orderId: 3, price: 900, lastPrice: 1_000, lastQuantity: 10 }),
          rep('FILLED', { orderId: 2, lastPrice: 1_000 }),
          rep('FILLED', { orderId: 3, lastPrice: 990, cumQuantity: 20 }),
          rep('FILLED', { orderId: 1, lastPrice: 990 }),
        ]);
      });

      it('within a level, takes orders in arrival order', () => {
        const h = harness();
        h.submit(sell(2, 1, 1_000, 20));
        h.submit(sell(3, 1, 1_000, 20));
        h.submit(sell(4, 1, 1_000, 20));
        expectReports(h.submit(buy(1, 10, 1_000, 50)), [
          rep('ACCEPTED', { orderId: 4 }),
          rep('PARTIALLY_FILLED', { orderId: 4, lastQuantity: 20, cumQuantity: 20, leavesQuantity: 30 }),
          rep('FILLED', { orderId: 1, owner: 2 }),
          rep('PARTIALLY_FILLED', { orderId: 4, lastQuantity: 20, cumQuantity: 40, leavesQuantity: 10 }),
          rep('FILLED', { orderId: 2, owner: 3 }),
          rep('FILLED', { orderId: 4, lastQuantity: 10, cumQuantity: 50, leavesQuantity: 0 }),
          rep('PARTIALLY_FILLED', { orderId: 3, owner: 4, lastQuantity: 10, cumQuantity: 10, leavesQuantity: 10 }),
        ]);
      });

      it('a partially filled maker keeps its place at the head', () => {
        const h = harness();
        h.submit(sell(2, 1, 1_000, 30));
        h.submit(sell(3, 1, 1_000, 30));
        h.submit(buy(1, 10, 1_000, 10, 'IOC'));
        const second = h.submit(buy(1, 11, 1_000, 10, 'IOC'));
        expectReports(second.slice(2, 3), [rep('PARTIALLY_FILLED', { orderId: 1, cumQuantity: 20, leavesQuantity: 10 })]);
        expect(h.engine.snapshot(AAA)).toEqual([resting(Side.SELL, 1_000, 1, 2, 1, 30, 10), resting(Side.SELL, 1_000, 2, 3, 1, 30)]);
      });

      it('trades at the resting price on both sides', () => {
        const h = harness();
        h.submit(sell(2, 1, 1_000, 10));
        expect(h.submit(buy(1, 10, 1_100, 10))[1]?.lastPrice).toBe(1_000);
        h.submit(buy(2, 2, 1_005, 10));
        expect(h.submit(sell(1, 11, 900, 10))[1]?.lastPrice).toBe(1_005);
      });
    });

    describe('cancel', () => {
      it('by engine id: CANCELLED CANCEL_REQUESTED with the order fields', () => {
        const h = harness();
        h.submit(sell(1, 10, 1_010, 50));
        expect(h.cancel(1, 1)).toEqual([
          full('CANCELLED', 'CANCEL_REQUESTED', { seq: 2, orderId: 1, owner: 1, clientOrderId: 10, symbol: AAA, side: Side.SELL, price: 1_010, quantity: 50 }),
        ]);
        expect(h.books()).toEqual([[], []]);
        expect(h.engine.bbo(AAA)).toEqual({ bid: null, ask: null });
      });

      it('by (owner, clientOrderId) when orderId is 0', () => {
        const h = harness();
        h.submit(buy(1, 10, 1_000, 10));
        h.submit(buy(1, 11, 4, 3, 'LIMIT', BBB));
        expectReports(h.cancel(1, 0, 11), [rep('CANCELLED', { reason: 'CANCEL_REQUESTED', orderId: 2, clientOrderId: 11, symbol: BBB, price: 4, quantity: 3 })]);
        expect(h.engine.snapshot(AAA)).toHaveLength(1);
        expect(h.engine.snapshot(BBB)).toEqual([]);
      });

      it('by engine id ignores the clientOrderId field', () => {
        const h = harness();
        h.submit(buy(1, 10, 1_000, 10));
        expectReports(h.cancel(1, 1, 999), [rep('CANCELLED', { reason: 'CANCEL_REQUESTED', orderId: 1, clientOrderId: 10 })]);
      });

      it('of a partially filled order reports its cum', () => {
        const h = harness();
        h.submit(buy(1, 10, 1_000, 100));
        h.submit(sell(2, 20, 1_000, 40));
        expect(h.cancel(1, 1)).toEqual([
          full('CANCELLED', 'CANCEL_REQUESTED', { seq: 5, orderId: 1, owner: 1, clientOrderId: 10, side: Side.BUY, price: 1_000, quantity: 100, cumQuantity: 40 }),
        ]);
      });

      const unknown: [string, (h: Harness) => ExecutionReport[], { owner: number; orderId: number; clientOrderId: number }][] = [
        ['another owner (by id)', (h) => h.cancel(2, 1), { owner: 2, orderId: 1, clientOrderId: 0 }],
        ['another owner (by client id)', (h) => h.cancel(2, 0, 10), { owner: 2, orderId: 0, clientOrderId: 10 }],
        ['an id never issued', (h) => h.cancel(1, 77, 5), { owner: 1, orderId: 77, clientOrderId: 5 }],
        ['an unknown client id', (h) => h.cancel(1, 0, 11), { owner: 1, orderId: 0, clientOrderId: 11 }],
        ['a filled order', (h) => h.cancel(1, 2), { owner: 1, orderId: 2, clientOrderId: 0 }],
        ['an order already cancelled', (h) => h.cancel(1, 4), { owner: 1, orderId: 4, clientOrderId: 0 }],
        ["another owner's finished IOC", (h) => h.cancel(1, 3), { owner: 1, orderId: 3, clientOrderId: 0 }],
      ];
      it.each(unknown)('of %s is CANCEL_REJECTED UNKNOWN_ORDER with the command fields', (_, act, fields) => {
        const h = harness();
        h.submit(buy(1, 10, 1_000, 10)); // id 1, live
        h.submit(sell(1, 12, 1_005, 10)); // id 2, filled below
        h.submit(buy(3, 30, 1_005, 10, 'IOC')); // id 3 (taker)
        h.submit(sell(1, 13, 1_010, 10)); // id 4
        h.cancel(1, 4);
        h.submit(sell(1, 14, 1_010, 10)); // id 5
        h.cancel(1, 5);
        const books = h.books();
        const seq = 10;
        expect(act(h)).toEqual([full('CANCEL_REJECTED', 'UNKNOWN_ORDER', { seq, ...fields })]);
        expect(h.books()).toEqual(books);
      });
    });

    describe('modify', () => {
      it('down in size at the same price keeps queue priority', () => {
        const h = harness();
        h.submit(buy(1, 10, 1_000, 50));
        h.submit(buy(2, 20, 1_000, 50));
        expect(h.modify(1, 1, 1_000, 30)).toEqual([
          full('REPLACED', 'NONE', { seq: 3, orderId: 1, owner: 1, clientOrderId: 10, side: Side.BUY, price: 1_000, quantity: 30, leavesQuantity: 30 }),
        ]);
        expect(h.engine.snapshot(AAA).map((o) => [o.orderId, o.leaves])).toEqual([[1, 30], [2, 50]]);
        expect(h.engine.bbo(AAA).bid).toEqual({ price: 1_000, quantity: 80, count: 2 });
        const fills = h.submit(sell(3, 30, 1_000, 30)).filter((r) => r.owner !== 3);
        expect(fills.map((r) => r.orderId)).toEqual([1]);
      });

      it('to the same price and size keeps queue priority', () => {
        const h = harness();
        h.submit(sell(1, 10, 1_010, 50));
        h.submit(sell(2, 20, 1_010, 50));
        expectReports(h.modify(1, 1, 1_010, 50), [rep('REPLACED', { orderId: 1, quantity: 50, leavesQuantity: 50 })]);
        expect(h.engine.snapshot(AAA).map((o) => o.orderId)).toEqual([1, 2]);
      });

      it('up in size loses queue priority', () => {
        const h = harness();
        h.submit(buy(1, 10, 1_000, 50));
        h.submit(buy(2, 20, 1_000, 50));
        expectReports(h.modify(1, 1, 1_000, 60), [rep('REPLACED', { orderId: 1, price: 1_000, quantity: 60, leavesQuantity: 60 })]);
        expect(h.engine.snapshot(AAA).map((o) => o.orderId)).toEqual([2, 1]);
        const fills = h.submit(sell(3, 30, 1_000, 50)).filter((r) => r.owner !== 3);
        expect(fills.map((r) => r.orderId)).toEqual([2]);
      });

      it('to another price loses queue priority, even when it comes back', () => {
        const h = harness();
        h.submit(buy(1, 10, 1_000, 50));
        h.submit(buy(2, 20, 1_000, 50));
        h.modify(1, 1, 995, 50);
        expect(h.engine.depth(AAA, 5).bids).toEqual([{ price: 1_000, quantity: 50, count: 1 }, { price: 995, quantity: 50, count: 1 }]);
        h.modify(1, 1, 1_000, 50);
        expect(h.engine.snapshot(AAA).map((o) => o.orderId)).toEqual([2, 1]);
        expect(h.engine.depth(AAA, 5).bids).toEqual([{ price: 1_000, quantity: 100, count: 2 }]);
      });

      it('to a crossing price re-matches after REPLACED, carrying cum, and rests the remainder', () => {
        const h = harness();
        h.submit(sell(2, 20, 1_000, 20)); // id 1
        h.submit(buy(1, 10, 1_000, 50)); // id 2: fills 20, rests 30
        h.submit(sell(3, 30, 1_010, 20)); // id 3
        expectReports(h.modify(1, 2, 1_010, 40), [
          rep('REPLACED', { orderId: 2, price: 1_010, quantity: 60, cumQuantity: 20, leavesQuantity: 40 }),
          rep('PARTIALLY_FILLED', { orderId: 2, price: 1_010, quantity: 60, lastQuantity: 20, lastPrice: 1_010, cumQuantity: 40, leavesQuantity: 20, tradeId: 2 }),
          rep('FILLED', { orderId: 3, lastQuantity: 20, lastPrice: 1_010, cumQuantity: 20, leavesQuantity: 0, tradeId: 2 }),
        ]);
        expect(h.engine.snapshot(AAA)).toEqual([resting(Side.BUY, 1_010, 2, 1, 10, 60, 20)]);
      });

      it('of a POST_ONLY order never rejects for crossing', () => {
        const h = harness();
        h.submit(buy(1, 10, 990, 10, 'POST_ONLY'));
        h.submit(sell(2, 20, 1_000, 10));
        expectReports(h.modify(1, 0, 1_000, 10, 10), [
          rep('REPLACED', { orderId: 1, price: 1_000 }),
          rep('FILLED', { orderId: 1, lastPrice: 1_000, tradeId: 1 }),
          rep('FILLED', { orderId: 2, tradeId: 1 }),
        ]);
        expect(h.books()).toEqual([[], []]);
      });

      it('of a partially filled order sets quantity = cum + new leaves', () => {
        const h = harness();
        h.submit(buy(1, 10, 1_000, 1_000));
        h.submit(sell(2, 20, 1_000, 400));
        expectReports(h.modify(1, 1, 1_000, 600), [rep('REPLACED', { orderId: 1, quantity: 1_000, cumQuantity: 400, leavesQuantity: 600 })]);
        expectReports(h.modify(1, 1, 1_000, 100), [rep('REPLACED', { orderId: 1, quantity: 500, cumQuantity: 400, leavesQuantity: 100 })]);
        expect(h.engine.snapshot(AAA)).toEqual([resting(Side.BUY, 1_000, 1, 1, 10, 500, 100)]);
      });

      const unknownModifies: [string, (h: Harness) => ExecutionReport[], { owner: number; orderId: number; clientOrderId: number }][] = [
        ['another owner', (h) => h.modify(2, 1, 1_000, 10), { owner: 2, orderId: 1, clientOrderId: 0 }],
        ['an unknown id', (h) => h.modify(1, 42, 1_000, 10, 3), { owner: 1, orderId: 42, clientOrderId: 3 }],
        ['an unknown client id', (h) => h.modify(1, 0, 1_000, 10, 11), { owner: 1, orderId: 0, clientOrderId: 11 }],
        ['an unknown order with invalid fields too', (h) => h.modify(1, 0, -5, 0, 11), { owner: 1, orderId: 0, clientOrderId: 11 }],
      ];
      it.each(unknownModifies)('of %s is CANCEL_REJECTED UNKNOWN_ORDER with the command fields', (_, act, fields) => {
        const h = harness();
        h.submit(buy(1, 10, 1_000, 100));
        const books = h.books();
        expect(act(h)).toEqual([full('CANCEL_REJECTED', 'UNKNOWN_ORDER', { seq: 2, ...fields })]);
        expect(h.books()).toEqual(books);
      });

      const modifyRejects: [ReasonName, number, number][] = [
        ['QTY_INVALID', 1_000, 0],
        ['QTY_INVALID', 1_000, -10],
        ['QTY_NOT_LOT_MULTIPLE', 1_000, 25],
        ['QTY_ABOVE_MAX', 1_000, 610], // cum 400 + 610 > 1,000
        ['PRICE_INVALID', 0, 100],
        ['PRICE_OFF_TICK', 1_003, 100],
        ['PRICE_OUT_OF_BAND', 1_200, 100],
        ['QTY_INVALID', 0, 0], // quantity is checked before price
        ['QTY_ABOVE_MAX', 1_003, 2_000],
        ['PRICE_INVALID', -5, 600],
      ];
      it.each(modifyRejects)('reject %s (price %d, quantity %d) carries the live order fields', (reason, price, quantity) => {
        const h = harness();
        h.submit(sell(1, 10, 1_005, 1_000)); // id 1
        h.submit(buy(2, 20, 1_005, 400)); // fills 400
        const books = h.books();
        expect(h.modify(1, 1, price, quantity)).toEqual([
          full('CANCEL_REJECTED', reason, {
            seq: 5, orderId: 1, owner: 1, clientOrderId: 10, symbol: AAA, side: Side.SELL, price: 1_005, quantity: 1_000, cumQuantity: 400, leavesQuantity: 600,
          }),
        ]);
        expect(h.books()).toEqual(books);
      });

      it('accepts cum + new leaves equal to maxOrderQuantity', () => {
        const h = harness();
        h.submit(sell(1, 10, 1_005, 1_000));
        h.submit(buy(2, 20, 1_005, 400));
        expectReports(h.modify(1, 1, 1_005, 600), [rep('REPLACED', { quantity: 1_000, cumQuantity: 400, leavesQuantity: 600 })]);
      });
    });

    describe('mass cancel', () => {
      /** Owner 1 and owner 2 interleaved over both symbols; returns owner 1's ids in canonical order. */
      function populate(h: Harness): number[] {
        h.submit(buy(1, 1, 990, 10)); // id 1
        h.submit(buy(2, 1, 1_000, 10)); // id 2
        h.submit(buy(1, 2, 1_000, 20)); // id 3
        h.submit(sell(1, 3, 1_010, 10)); // id 4
        h.submit(buy(1, 4, 1_000, 30)); // id 5
        h.submit(sell(1, 5, 1_005, 10)); // id 6
        h.submit(sell(2, 2, 1_005, 10)); // id 7
        h.submit(buy(1, 6, 100, 5, 'LIMIT', BBB)); // id 8
        h.submit(sell(1, 7, 900, 5, 'LIMIT', BBB)); // id 9
        h.submit(buy(1, 8, 200, 5, 'LIMIT', BBB)); // id 10
        return [3, 5, 1, 6, 4, 10, 8, 9];
      }

      it('over every symbol cancels in canonical order: symbol, bids best first, asks best first, queue order', () => {
        const h = harness();
        const expected = populate(h);
        const reports = h.massCancel(1);
        expect(reports.map((r) => r.orderId)).toEqual(expected);
        for (const report of reports) {
          expect(report).toMatchObject(rep('CANCELLED', { reason: 'MASS_CANCEL', owner: 1, leavesQuantity: 0, cumQuantity: 0 }));
        }
        expect(reports[0]).toEqual(
          full('CANCELLED', 'MASS_CANCEL', { seq: 11, orderId: 3, owner: 1, clientOrderId: 2, symbol: AAA, side: Side.BUY, price: 1_000, quantity: 20 }),
        );
        expect(h.engine.snapshot(AAA).map((o) => o.orderId)).toEqual([2, 7]);
        expect(h.engine.snapshot(BBB)).toEqual([]);
      });

      it('with SYMBOL_ALL given explicitly is the same', () => {
        const h = harness();
        const expected = populate(h);
        expect(h.massCancel(1, SYMBOL_ALL).map((r) => r.orderId)).toEqual(expected);
      });

      it('of one symbol leaves the others alone', () => {
        const h = harness();
        populate(h);
        expect(h.massCancel(1, BBB).map((r) => [r.orderId, r.symbol])).toEqual([[10, BBB], [8, BBB], [9, BBB]]);
        expect(h.engine.snapshot(AAA)).toHaveLength(7);
        expect(h.massCancel(1, AAA).map((r) => r.orderId)).toEqual([3, 5, 1, 6, 4]);
      });

      it('reports the cum of partially filled orders', () => {
        const h = harness();
        h.submit(buy(1, 1, 1_000, 50));
        h.submit(sell(2, 1, 1_000, 20));
        expectReports(h.massCancel(1), [rep('CANCELLED', { reason: 'MASS_CANCEL', orderId: 1, quantity: 50, cumQuantity: 20, leavesQuantity: 0 })]);
      });

      it('with nothing live, or an unconfigured symbol, reports nothing and changes nothing', () => {
        const h = harness();
        populate(h);
        const books = h.books();
        expect(h.massCancel(3)).toEqual([]);
        expect(h.massCancel(1, 2)).toEqual([]);
        expect(h.massCancel(1, 65_535)).toEqual([]);
        expect(h.books()).toEqual(books);
        // No seq was consumed.
        expect(h.submit(buy(4, 1, 900, 10))[0]?.seq).toBe(11);
      });
    });

    describe('self-trade prevention', () => {
      /** Asks at 1,000: owner 2 (id 1), owner 1 (id 2), owner 2 (id 3), 10 each. */
      function sandwich(h: Harness): void {
        h.submit(sell(2, 1, 1_000, 10));
        h.submit(sell(1, 1, 1_000, 10));
        h.submit(sell(2, 2, 1_000, 10));
      }

      it('off: an owner trades with itself', () => {
        const h = harness({ stp: 'off' });
        sandwich(h);
        expectReports(h.submit(buy(1, 9, 1_000, 20)), [
          rep('ACCEPTED', { orderId: 4 }),
          rep('PARTIALLY_FILLED', { orderId: 4, tradeId: 1 }),
          rep('FILLED', { orderId: 1, owner: 2, tradeId: 1 }),
          rep('FILLED', { orderId: 4, tradeId: 2 }),
          rep('FILLED', { orderId: 2, owner: 1, tradeId: 2 }),
        ]);
      });

      it('cancel-incoming: fills up to the own order, then the incoming order is CANCELLED SELF_TRADE', () => {
        const h = harness({ stp: 'cancel-incoming' });
        sandwich(h);
        const reports = h.submit(buy(1, 9, 1_000, 30));
        expectReports(reports.slice(0, 3), [
          rep('ACCEPTED', { orderId: 4 }),
          rep('PARTIALLY_FILLED', { orderId: 4, cumQuantity: 10, leavesQuantity: 20 }),
          rep('FILLED', { orderId: 1 }),
        ]);
        expect(reports[3]).toEqual(
          full('CANCELLED', 'SELF_TRADE', { seq: 7, orderId: 4, owner: 1, clientOrderId: 9, side: Side.BUY, price: 1_000, quantity: 30, cumQuantity: 10 }),
        );
        expect(reports).toHaveLength(4);
        expect(h.engine.snapshot(AAA).map((o) => o.orderId)).toEqual([2, 3]);
        // Nothing of it rests: its client id is free.
        expect(h.submit(buy(1, 9, 990, 10))[0]?.kind).toBe(ExecKind.ACCEPTED);
      });

      it('cancel-resting: the own resting order is CANCELLED SELF_TRADE and matching goes on', () => {
        const h = harness({ stp: 'cancel-resting' });
        sandwich(h);
        const reports = h.submit(buy(1, 9, 1_000, 30));
        expectReports(reports, [
          rep('ACCEPTED', { orderId: 4 }),
          rep('PARTIALLY_FILLED', { orderId: 4, cumQuantity: 10, leavesQuantity: 20, tradeId: 1 }),
          rep('FILLED', { orderId: 1, tradeId: 1 }),
          rep('CANCELLED', { reason: 'SELF_TRADE', orderId: 2, owner: 1, side: Side.SELL, price: 1_000, quantity: 10, cumQuantity: 0, leavesQuantity: 0 }),
          rep('PARTIALLY_FILLED', { orderId: 4, cumQuantity: 20, leavesQuantity: 10, tradeId: 2 }),
          rep('FILLED', { orderId: 3, tradeId: 2 }),
        ]);
        expect(h.engine.snapshot(AAA)).toEqual([resting(Side.BUY, 1_000, 4, 1, 9, 30, 10)]);
      });

      it('cancel-incoming: a MARKET order stops at the own order too', () => {
        const h = harness({ stp: 'cancel-incoming' });
        sandwich(h);
        expect(h.submit(buy(1, 9, 0, 30, 'MARKET')).map((r) => [r.kind, r.reason])).toEqual([
          [ExecKind.ACCEPTED, Reason.NONE],
          [ExecKind.PARTIALLY_FILLED, Reason.NONE],
          [ExecKind.FILLED, Reason.NONE],
          [ExecKind.CANCELLED, Reason.SELF_TRADE],
        ]);
      });

      const fokCases: [string, 'off' | 'cancel-incoming' | 'cancel-resting', number, boolean][] = [
        ['cancel-incoming counts only what precedes the own order (fits)', 'cancel-incoming', 10, true],
        ['cancel-incoming counts only what precedes the own order (kill)', 'cancel-incoming', 20, false],
        ['cancel-resting skips the own order (fits)', 'cancel-resting', 20, true],
        ['cancel-resting skips the own order (kill)', 'cancel-resting', 30, false],
        ['off counts the own order (fits)', 'off', 30, true],
        ['off counts the own order (kill)', 'off', 40, false],
      ];
      it.each(fokCases)('FOK with %s', (_, stp, quantity, fills) => {
        const h = harness({ stp });
        sandwich(h);
        const books = h.books();
        const reports = h.submit(buy(1, 9, 1_000, quantity, 'FOK'));
        if (!fills) {
          // An infeasible FOK cancels no resting order.
          expectReports(reports, [rep('ACCEPTED', { orderId: 4 }), rep('EXPIRED', { reason: 'FOK_UNFILLABLE', orderId: 4, leavesQuantity: 0 })]);
          expect(h.books()).toEqual(books);
          return;
        }
        const last = reports.filter((r) => r.orderId === 4).at(-1);
        expect(last).toMatchObject(rep('FILLED', { cumQuantity: quantity, leavesQuantity: 0 }));
        const selfCancels = reports.filter((r) => r.reason === Reason.SELF_TRADE).map((r) => r.orderId);
        expect(selfCancels).toEqual(stp === 'cancel-resting' ? [2] : []);
      });

      it('applies when a modified order re-matches (cancel-incoming cancels the modified order)', () => {
        const h = harness({ stp: 'cancel-incoming' });
        h.submit(sell(1, 1, 1_000, 10));
        h.submit(buy(1, 2, 990, 10));
        expectReports(h.modify(1, 2, 1_000, 10), [
          rep('REPLACED', { orderId: 2, price: 1_000 }),
          rep('CANCELLED', { reason: 'SELF_TRADE', orderId: 2, price: 1_000, quantity: 10, leavesQuantity: 0 }),
        ]);
        expect(h.engine.snapshot(AAA).map((o) => o.orderId)).toEqual([1]);
        expectReports(h.cancel(1, 2), [rep('CANCEL_REJECTED', { reason: 'UNKNOWN_ORDER' })]);
      });

      it('applies when a modified order re-matches (cancel-resting cancels the resting order)', () => {
        const h = harness({ stp: 'cancel-resting' });
        h.submit(sell(1, 1, 1_000, 10));
        h.submit(buy(1, 2, 990, 10));
        expectReports(h.modify(1, 2, 1_000, 10), [
          rep('REPLACED', { orderId: 2, price: 1_000 }),
          rep('CANCELLED', { reason: 'SELF_TRADE', orderId: 1, side: Side.SELL }),
        ]);
        expect(h.engine.snapshot(AAA)).toEqual([resting(Side.BUY, 1_000, 2, 1, 2, 10)]);
      });
    });

    describe('counters and market data', () => {
      it('seq, order ids and trade ids run on without gaps through a mixed sequence', () => {
        const h = harness({ stp: 'cancel-resting' });
        const all: ExecutionReport[] = [];
        const steps: (() => ExecutionReport[])[] = [
          () => h.submit(buy(1, 1, 1_000, 50)),
          () => h.submit(buy(1, 2, 1_000, 0)),
          () => h.submit(sell(2, 1, 995, 30, 'IOC')),
          () => h.submit(sell(2, 2, 1_010, 40)),
          () => h.submit(sell(3, 1, 990, 10, 'FOK')),
          () => h.submit(sell(3, 2, 990, 100, 'FOK')),
          () => h.modify(2, 3, 1_000, 40),
          () => h.cancel(9, 1),
          () => h.submit(buy(2, 3, 0, 30, 'MARKET')),
          () => h.massCancel(2),
          () => h.submit(sell(1, 3, 900, 10, 'POST_ONLY')),
        ];
        for (const step of steps) all.push(...step());
        expect(all.map((r) => r.seq)).toEqual(all.map((_, index) => index + 1));
        const tradeIds = [...new Set(all.filter((r) => r.tradeId !== 0).map((r) => r.tradeId))];
        expect(tradeIds).toEqual(tradeIds.map((_, index) => index + 1));
        expect(tradeIds.length).toBeGreaterThanOrEqual(3);
        const accepted = all.filter((r) => r.kind === ExecKind.ACCEPTED).map((r) => r.orderId);
        expect(accepted).toEqual(accepted.map((_, index) => index + 1));
      });

      it('bbo and depth aggregate quantity and count per level, best first', () => {
        const h = harness();
        h.submit(buy(1, 1, 1_000, 10));
        h.submit(buy(2, 1, 1_000, 20));
        h.submit(buy(1, 2, 995, 30));
        h.submit(buy(1, 3, 990, 40));
        h.submit(sell(1, 4, 1_010, 50));
        h.submit(sell(2, 2, 1_005, 60));
        h.submit(sell(2, 3, 1_005, 70));
        expect(h.engine.bbo(AAA)).toEqual({ bid: { price: 1_000, quantity: 30, count: 2 }, ask: { price: 1_005, quantity: 130, count: 2 } });
        expect(h.engine.depth(AAA, 2)).toEqual({
          bids: [{ price: 1_000, quantity: 30, count: 2 }, { price: 995, quantity: 30, count: 1 }],
          asks: [{ price: 1_005, quantity: 130, count: 2 }, { price: 1_010, quantity: 50, count: 1 }],
        });
        expect(h.engine.depth(AAA, 10).bids).toHaveLength(3);
        expect(h.engine.depth(AAA, 0)).toEqual({ bids: [], asks: [] });
        expect(h.engine.bbo(BBB)).toEqual({ bid: null, ask: null });
        h.submit(sell(3, 1, 1_000, 20, 'IOC'));
        expect(h.engine.bbo(AAA).bid).toEqual({ price: 1_000, quantity: 10, count: 1 });
      });

      it('snapshot lists bids best to worst, then asks best to worst, queue order within a level', () => {
        const h = harness();
        h.submit(sell(1, 1, 1_010, 10));
        h.submit(buy(1, 2, 990, 10));
        h.submit(sell(2, 1, 1_005, 10));
        h.submit(buy(2, 2, 1_000, 10));
        h.submit(sell(3, 1, 1_005, 20));
        expect(h.engine.snapshot(AAA)).toEqual([
          resting(Side.BUY, 1_000, 4, 2, 2, 10),
          resting(Side.BUY, 990, 2, 1, 2, 10),
          resting(Side.SELL, 1_005, 3, 2, 1, 10),
          resting(Side.SELL, 1_005, 5, 3, 1, 20),
          resting(Side.SELL, 1_010, 1, 1, 1, 10),
        ]);
      });

      it('execute(command) is what submit, cancel, modify and massCancel do', () => {
        const viaHelpers = harness();
        const viaExecute = harness();
        const base = { symbol: AAA, clientOrderId: 0, orderId: 0, side: Side.BUY, type: OrderType.LIMIT, price: 0, quantity: 0 };
        const commands: Command[] = [
          { ...base, action: Action.NEW, owner: 1, clientOrderId: 1, price: 1_000, quantity: 30 },
          { ...base, action: Action.NEW, owner: 2, clientOrderId: 1, side: Side.SELL, type: OrderType.IOC, price: 1_000, quantity: 10 },
          { ...base, action: Action.MODIFY, owner: 1, orderId: 1, price: 995, quantity: 10 },
          { ...base, action: Action.CANCEL, owner: 1, clientOrderId: 1 },
          { ...base, action: Action.NEW, owner: 1, clientOrderId: 2, price: 990, quantity: 10 },
          { ...base, action: Action.MASS_CANCEL, owner: 1, symbol: SYMBOL_ALL },
        ];
        const expected = [
          viaHelpers.submit(buy(1, 1, 1_000, 30)),
          viaHelpers.submit(sell(2, 1, 1_000, 10, 'IOC')),
          viaHelpers.modify(1, 1, 995, 10),
          viaHelpers.cancel(1, 0, 1),
          viaHelpers.submit(buy(1, 2, 990, 10)),
          viaHelpers.massCancel(1),
        ];
        expect(commands.map((command) => viaExecute.execute(command))).toEqual(expected);
        expect(expected.flat().map((r) => r.kind)).toEqual([
          ExecKind.ACCEPTED, ExecKind.ACCEPTED, ExecKind.FILLED, ExecKind.PARTIALLY_FILLED, ExecKind.REPLACED,
          ExecKind.CANCELLED, ExecKind.ACCEPTED, ExecKind.CANCELLED,
        ]);
      });
    });
  });
}
