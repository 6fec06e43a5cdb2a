/**
 * fast-check arbitraries for engine commands, hostile ones included: small id spaces so cancels
 * and modifies hit live, finished and unknown orders alike, duplicate client ids, off-tick and
 * out-of-band prices, zero, negative, non-lot and huge quantities, unknown symbols.
 */
import fc from 'fast-check';
import { Action, OrderType, Side, SYMBOL_ALL } from '../../engine/protocol.js';
import type { Command, EngineOptions, StpModeName } from '../../engine/types.js';

export const OWNERS = 3;
export const CLIENT_IDS = 12;

export function testEngineOptions(stp: StpModeName, ordersMax: number, directLevelsMax?: number): EngineOptions {
  return {
    stp,
    ordersMax,
    ...(directLevelsMax === undefined ? {} : { directLevelsMax }),
    instruments: [
      { symbol: 'AAA', tickSize: 1, lotSize: 1, maxOrderQuantity: 1_000, referencePrice: 100, bandBps: 1_000 },
      { symbol: 'BBB', tickSize: 5, lotSize: 10, maxOrderQuantity: 5_000, referencePrice: 1_000, bandBps: 500 },
    ],
  };
}

const price = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 88, max: 112 }) },
  { weight: 6, arbitrary: fc.integer({ min: 190, max: 210 }).map((p) => p * 5) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, -100, 1, 2 ** 40, Number.MAX_SAFE_INTEGER, 953, 1_051) },
);

const quantity = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 1, max: 60 }) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 30 }).map((q) => q * 10) },
  { weight: 1, arbitrary: fc.constantFrom(0, -5, 999, 1_000, 1_001, 5_000, 5_010, 2 ** 32, 2 ** 40, Number.MAX_SAFE_INTEGER) },
);

const symbol = fc.oneof({ weight: 20, arbitrary: fc.integer({ min: 0, max: 1 }) }, { weight: 1, arbitrary: fc.constantFrom(2, 7, SYMBOL_ALL) });
const owner = fc.integer({ min: 1, max: OWNERS });
const clientOrderId = fc.integer({ min: 0, max: CLIENT_IDS });

const newOrder: fc.Arbitrary<Command> = fc.record({
  action: fc.constant(Action.NEW),
  symbol,
  owner,
  clientOrderId,
  orderId: fc.constant(0),
  side: fc.constantFrom(Side.BUY, Side.SELL),
  type: fc.constantFrom(OrderType.LIMIT, OrderType.LIMIT, OrderType.LIMIT, OrderType.IOC, OrderType.FOK, OrderType.MARKET, OrderType.POST_ONLY),
  price,
  quantity,
});

const addressed = (action: typeof Action.CANCEL | typeof Action.MODIFY): fc.Arbitrary<Command> =>
  fc.record({
    action: fc.constant(action),
    symbol: fc.constant(0),
    owner,
    clientOrderId,
    orderId: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 60 })),
    side: fc.constant(Side.BUY),
    type: fc.constant(0 as Command['type']),
    price: action === Action.MODIFY ? price : fc.constant(0),
    quantity: action === Action.MODIFY ? quantity : fc.constant(0),
  });

const massCancel: fc.Arbitrary<Command> = fc.record({
  action: fc.constant(Action.MASS_CANCEL),
  symbol: fc.constantFrom(0, 1, SYMBOL_ALL, 9),
  owner,
  clientOrderId: fc.constant(0),
  orderId: fc.constant(0),
  side: fc.constant(Side.BUY),
  type: fc.constant(0 as Command['type']),
  price: fc.constant(0),
  quantity: fc.constant(0),
});

export const commandArbitrary: fc.Arbitrary<Command> = fc.oneof(
  { weight: 14, arbitrary: newOrder },
  { weight: 4, arbitrary: addressed(Action.CANCEL) },
  { weight: 3, arbitrary: addressed(Action.MODIFY) },
  { weight: 1, arbitrary: massCancel },
);
