/**
 * The reference book: the engine contract, plus what is specific to it or shared with the native
 * facade: options validation, the state hash byte layout, the record codecs, malformed commands.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, InvariantError, LobsimError } from '../../engine/errors.js';
import { ENGINE_DEFAULTS, priceBand, validateEngineOptions } from '../../engine/options.js';
import { Action, COMMAND_SLOTS, CommandSlot, ExecKind, OrderType, Reason, REPORT_SLOTS, ReportSlot, Side } from '../../engine/protocol.js';
import { decodeCommand, decodeReport, decodeReports, encodeCommand, encodeReport } from '../../engine/records.js';
import { ReferenceBook } from '../../engine/reference-book.js';
import type { Command, EngineOptions, ExecutionReport, InstrumentConfig } from '../../engine/types.js';
import { AAA, BBB, contractOptions, describeEngineContract } from './contract.js';

describeEngineContract('reference', (options) => new ReferenceBook(options));

const instrument = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  symbol: 'AAA', tickSize: 1, lotSize: 1, maxOrderQuantity: 1_000, referencePrice: 100, bandBps: 1_000, ...overrides,
});

describe('validateEngineOptions', () => {
  it('fills in the defaults and returns plain frozen data', () => {
    const resolved = validateEngineOptions({ instruments: [instrument()] });
    expect(resolved).toEqual({ instruments: [instrument()], stp: 'off', ordersMax: ENGINE_DEFAULTS.ordersMax, directLevelsMax: ENGINE_DEFAULTS.directLevelsMax });
    expect(resolved.ordersMax).toBe(4_194_304);
    expect(resolved.directLevelsMax).toBe(1_048_576);
    expect(Object.isFrozen(resolved) && Object.isFrozen(resolved.instruments[0])).toBe(true);
  });

  it('copies the instruments, so later changes to the input do not leak in', () => {
    const options = { instruments: [instrument()], stp: 'cancel-resting' as const, ordersMax: 7 };
    const resolved = validateEngineOptions(options);
    options.instruments[0]!.tickSize = 99;
    expect(resolved.instruments[0]?.tickSize).toBe(1);
    expect(resolved.stp).toBe('cancel-resting');
  });

  it('accepts the limits of every range', () => {
    const max = 4_294_967_295;
    const symbols = Array.from({ length: 65_536 }, (_, index) => instrument({ symbol: `S${index}` }));
    expect(validateEngineOptions({ instruments: symbols }).instruments).toHaveLength(65_536);
    expect(() =>
      validateEngineOptions({
        instruments: [instrument({ symbol: 'ABCDEFGHIJKLMNOP', lotSize: max, maxOrderQuantity: max, referencePrice: Number.MAX_SAFE_INTEGER, bandBps: 1_000_000, tickSize: Number.MAX_SAFE_INTEGER })],
        ordersMax: 2 ** 30,
      }),
    ).not.toThrow();
    expect(() => validateEngineOptions({ instruments: [instrument({ bandBps: 1, referencePrice: 1 })], ordersMax: 1 })).not.toThrow();
  });

  const cases: [string, unknown, string][] = [
    ['not an object', 42, 'options: must be an object, got 42'],
    ['null', null, 'options: must be an object, got null'],
    ['an unknown engine key', { instruments: [instrument()], stpMode: 'off' }, 'options.stpMode: unknown option (allowed: instruments, stp, ordersMax, directLevelsMax)'],
    ['instruments missing', {}, 'instruments: must be an array, got undefined'],
    ['no instruments', { instruments: [] }, 'instruments: must hold 1 to 65536 instruments, got 0'],
    ['too many instruments', { instruments: Array.from({ length: 65_537 }, (_, i) => instrument({ symbol: `S${i}` })) }, 'instruments: must hold 1 to 65536 instruments, got 65537'],
    ['an instrument not an object', { instruments: [instrument(), 'BBB'] }, 'instruments[1]: must be an object, got "BBB"'],
    ['an unknown instrument key', { instruments: [instrument({ tick: 1 })] }, 'instruments[0].tick: unknown option (allowed: symbol, tickSize, lotSize, maxOrderQuantity, referencePrice, bandBps)'],
    ['an empty symbol', { instruments: [instrument({ symbol: '' })] }, 'instruments[0].symbol: must be a string of 1 to 16 printable ASCII characters, got ""'],
    ['a 17-character symbol', { instruments: [instrument({ symbol: 'ABCDEFGHIJKLMNOPQ' })] }, 'instruments[0].symbol: must be a string of 1 to 16'],
    ['a non-ASCII symbol', { instruments: [instrument({ symbol: 'É' })] }, 'instruments[0].symbol: must be a string of 1 to 16 printable ASCII characters'],
    ['a missing symbol', { instruments: [instrument({ symbol: undefined })] }, 'instruments[0].symbol: must be a string of 1 to 16 printable ASCII characters, got undefined'],
    ['duplicate symbols', { instruments: [instrument(), instrument({ symbol: 'B' }), instrument()] }, 'instruments[2].symbol: duplicate of instruments[0].symbol ("AAA")'],
    ['tickSize 0', { instruments: [instrument({ tickSize: 0 })] }, 'instruments[0].tickSize: must be an integer in [1, 9007199254740991], got 0'],
    ['tickSize fractional', { instruments: [instrument({ tickSize: 0.5 })] }, 'instruments[0].tickSize: must be an integer in [1, 9007199254740991], got 0.5'],
    ['lotSize 0', { instruments: [instrument(), instrument({ symbol: 'B' }), instrument({ symbol: 'C' }), instrument({ symbol: 'D', lotSize: 0 })] }, 'instruments[3].lotSize: must be an integer in [1, 4294967295], got 0'],
    ['lotSize as a string', { instruments: [instrument({ lotSize: '1' })] }, 'instruments[0].lotSize: must be an integer in [1, 4294967295], got "1"'],
    ['maxOrderQuantity below lotSize', { instruments: [instrument({ lotSize: 10, maxOrderQuantity: 5 })] }, 'instruments[0].maxOrderQuantity: must be an integer in [10, 4294967295], got 5'],
    ['maxOrderQuantity above 32 bits', { instruments: [instrument({ maxOrderQuantity: 2 ** 32 })] }, 'instruments[0].maxOrderQuantity: must be an integer in [1, 4294967295], got 4294967296'],
    ['maxOrderQuantity off lot', { instruments: [instrument({ lotSize: 10, maxOrderQuantity: 105 })] }, 'instruments[0].maxOrderQuantity: must be a multiple of lotSize 10, got 105'],
    ['referencePrice 0', { instruments: [instrument({ referencePrice: 0 })] }, 'instruments[0].referencePrice: must be an integer in [1, 9007199254740991], got 0'],
    ['referencePrice unsafe', { instruments: [instrument({ referencePrice: 2 ** 53 })] }, 'instruments[0].referencePrice: must be an integer in [1, 9007199254740991], got 9007199254740992'],
    ['bandBps 0', { instruments: [instrument({ bandBps: 0 })] }, 'instruments[0].bandBps: must be an integer in [1, 1000000], got 0'],
    ['bandBps too wide', { instruments: [instrument({ bandBps: 1_000_001 })] }, 'instruments[0].bandBps: must be an integer in [1, 1000000], got 1000001'],
    ['a band that holds no price on the tick', { instruments: [instrument({ tickSize: 5, referencePrice: 10_002, bandBps: 1 })] }, 'instruments[0].bandBps: the band [10001, 10003] around referencePrice 10002 must hold a multiple of tickSize 5 in [1, 9007199254740991], got bandBps 1'],
    ['a band whose prices on the tick are all above 2^53', { instruments: [instrument({ tickSize: 2e12, referencePrice: Number.MAX_SAFE_INTEGER, bandBps: 1 })] }, 'instruments[0].bandBps: the band [9006298534815517, 9008099974666465] around referencePrice 9007199254740991 must hold a multiple of tickSize 2000000000000 in [1, 9007199254740991], got bandBps 1'],
    ['an unknown stp', { instruments: [instrument()], stp: 'cancel-both' }, 'stp: must be one of off, cancel-incoming, cancel-resting, got "cancel-both"'],
    ['ordersMax 0', { instruments: [instrument()], ordersMax: 0 }, 'ordersMax: must be an integer in [1, 1073741824], got 0'],
    ['ordersMax too large', { instruments: [instrument()], ordersMax: 2 ** 30 + 1 }, 'ordersMax: must be an integer in [1, 1073741824], got 1073741825'],
    ['ordersMax NaN', { instruments: [instrument()], ordersMax: Number.NaN }, 'ordersMax: must be an integer in [1, 1073741824], got NaN'],
    ['directLevelsMax negative', { instruments: [instrument()], directLevelsMax: -1 }, 'directLevelsMax: must be an integer in [0, 16777216], got -1'],
    ['directLevelsMax too large', { instruments: [instrument()], directLevelsMax: 2 ** 24 + 1 }, 'directLevelsMax: must be an integer in [0, 16777216], got 16777217'],
    ['directLevelsMax as a string', { instruments: [instrument()], directLevelsMax: '100' }, 'directLevelsMax: must be an integer in [0, 16777216], got "100"'],
  ];
  it.each(cases)('rejects %s with a ConfigError naming the field and range', (_, options, message) => {
    let thrown: unknown;
    try {
      validateEngineOptions(options);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect(thrown).toBeInstanceOf(LobsimError);
    expect((thrown as ConfigError).code).toBe('LOBSIM_ERR_CONFIG');
    expect((thrown as ConfigError).message.startsWith(message)).toBe(true);
  });

  it('ReferenceBook validates its options', () => {
    expect(() => new ReferenceBook({ instruments: [instrument({ lotSize: 0 }) as unknown as InstrumentConfig] })).toThrow(ConfigError);
  });
});

describe('priceBand', () => {
  const band = (referencePrice: number, bandBps: number) => priceBand({ symbol: 'X', tickSize: 1, lotSize: 1, maxOrderQuantity: 1, referencePrice, bandBps });
  it('is [reference - b, reference + b] with b = floor(reference * bps / 10000)', () => {
    expect(band(1_000, 1_000)).toEqual({ low: 900, high: 1_100 });
    expect(band(999, 1)).toEqual({ low: 999, high: 999 });
    expect(band(10_001, 1)).toEqual({ low: 10_000, high: 10_002 });
    expect(band(500, 30_000)).toEqual({ low: -1_000, high: 2_000 });
  });
  it('is exact where reference * bps exceeds 2^53', () => {
    const reference = 2 ** 50 + 7;
    const half = Number((BigInt(reference) * 3_333n) / 10_000n);
    expect(band(reference, 3_333)).toEqual({ low: reference - half, high: reference + half });
  });
});

/** FNV-1a 64 over bytes, written independently of the book. */
function fnv1a64(bytes: Uint8Array): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of bytes) hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  return hash.toString(16).padStart(16, '0');
}

function int64Bytes(values: number[]): Uint8Array {
  const view = new DataView(new ArrayBuffer(values.length * 8));
  values.forEach((value, index) => view.setBigInt64(index * 8, BigInt(value), true));
  return new Uint8Array(view.buffer);
}

describe('stateHash', () => {
  it('uses FNV-1a 64 (known answers)', () => {
    expect(fnv1a64(new Uint8Array())).toBe('cbf29ce484222325');
    expect(fnv1a64(new TextEncoder().encode('a'))).toBe('af63dc4c8601ec8c');
    expect(fnv1a64(new TextEncoder().encode('foobar'))).toBe('85944171f73967e8');
  });

  it('of empty books is the offset basis', () => {
    expect(new ReferenceBook(contractOptions()).stateHash()).toBe('cbf29ce484222325');
  });

  it('feeds per symbol, bids then asks, per level its symbol, side and price then each order as int64 little-endian', () => {
    const book = new ReferenceBook(contractOptions());
    const buy = { side: Side.BUY, type: OrderType.LIMIT } as const;
    book.submit({ ...buy, symbol: BBB, owner: 9, clientOrderId: 90, price: 7, quantity: 3 }); // id 1
    book.submit({ ...buy, symbol: AAA, owner: 1, clientOrderId: 10, price: 1_000, quantity: 50 }); // id 2
    book.submit({ ...buy, symbol: AAA, owner: 2, clientOrderId: 2 ** 40, price: 1_000, quantity: 20 }); // id 3
    book.submit({ ...buy, symbol: AAA, owner: 3, clientOrderId: 30, price: 990, quantity: 10 }); // id 4
    book.submit({ symbol: AAA, side: Side.SELL, type: OrderType.LIMIT, owner: 4, clientOrderId: 40, price: 1_005, quantity: 100 }); // id 5
    book.submit({ symbol: AAA, side: Side.SELL, type: OrderType.IOC, owner: 5, clientOrderId: 50, price: 1_000, quantity: 30 }); // fills id 2
    const bytes = int64Bytes([
      AAA, Side.BUY, 1_000, 2, 1, 10, 50, 20, 3, 2, 2 ** 40, 20, 20, // AAA bid 1000: id 2 (leaves 20), id 3
      AAA, Side.BUY, 990, 4, 3, 30, 10, 10, // AAA bid 990
      AAA, Side.SELL, 1_005, 5, 4, 40, 100, 100, // AAA ask 1005
      BBB, Side.BUY, 7, 1, 9, 90, 3, 3, // BBB bid 7
    ]);
    expect(book.stateHash()).toBe(fnv1a64(bytes));
    expect(book.stateHash()).toMatch(/^[0-9a-f]{16}$/);
  });

  it('is equal for equal books and differs when any hashed field differs', () => {
    const order = { symbol: AAA, side: Side.BUY, type: OrderType.LIMIT, owner: 1, clientOrderId: 1, price: 1_000, quantity: 50 } as const;
    const a = new ReferenceBook(contractOptions());
    const b = new ReferenceBook(contractOptions());
    a.submit(order);
    a.submit({ ...order, clientOrderId: 2 });
    a.cancel({ owner: 1, orderId: 2 });
    b.submit(order);
    expect(a.stateHash()).toBe(b.stateHash());
    b.modify({ owner: 1, orderId: 1, price: 1_000, quantity: 40 });
    expect(a.stateHash()).not.toBe(b.stateHash());
  });
});

describe('records', () => {
  const command: Command = { action: Action.MODIFY, symbol: 3, owner: 4_000_000_000, clientOrderId: 2 ** 52, orderId: 77, side: Side.SELL, type: OrderType.FOK, price: -5, quantity: 12 };
  const report: ExecutionReport = {
    seq: 1, kind: ExecKind.PARTIALLY_FILLED, reason: Reason.NONE, orderId: 2, owner: 3, clientOrderId: 4, symbol: 5, side: Side.SELL,
    price: 6, quantity: 7, lastQuantity: 8, lastPrice: 9, cumQuantity: 10, leavesQuantity: 11, tradeId: 12, tsReceiveNs: 13, tsMatchNs: 14, tsDispatchNs: 15,
  };

  it('encodes a command at its slots and decodes it back', () => {
    const array = new Float64Array(3 * COMMAND_SLOTS);
    encodeCommand(command, array, 2);
    expect(Array.from(array.subarray(0, 2 * COMMAND_SLOTS)).every((slot) => slot === 0)).toBe(true);
    const at = 2 * COMMAND_SLOTS;
    expect(array[at + CommandSlot.action]).toBe(Action.MODIFY);
    expect(array[at + CommandSlot.owner]).toBe(4_000_000_000);
    expect(array[at + CommandSlot.clientOrderId]).toBe(2 ** 52);
    expect(array[at + CommandSlot.price]).toBe(-5);
    expect(array[at + CommandSlot.quantity]).toBe(12);
    expect(decodeCommand(array, 2)).toEqual(command);
  });

  it('encodes a report at its slots and decodes it back', () => {
    const array = new Float64Array(2 * REPORT_SLOTS);
    encodeReport(report, array, 1);
    for (const [field, offset] of Object.entries(ReportSlot)) {
      expect(array[REPORT_SLOTS + offset], field).toBe(report[field as keyof ExecutionReport]);
    }
    expect(decodeReport(array, 1)).toEqual(report);
    expect(decodeReports(array, 2)).toEqual([decodeReport(array, 0), report]);
  });

  it('round-trips every report of a real session', () => {
    const book = new ReferenceBook(contractOptions());
    const reports = [
      ...book.submit({ symbol: AAA, side: Side.SELL, type: OrderType.LIMIT, owner: 1, clientOrderId: 1, price: 1_000, quantity: 30 }),
      ...book.submit({ symbol: AAA, side: Side.BUY, type: OrderType.MARKET, owner: 2, clientOrderId: 1, price: 0, quantity: 50 }),
    ];
    const array: number[] = new Array<number>(reports.length * REPORT_SLOTS).fill(0);
    reports.forEach((r, index) => encodeReport(r, array, index));
    expect(decodeReports(array, reports.length)).toEqual(reports);
  });

  it('throws a RangeError for a record past the end', () => {
    expect(() => encodeCommand(command, new Float64Array(COMMAND_SLOTS), 1)).toThrow(RangeError);
    expect(() => decodeReport(new Float64Array(REPORT_SLOTS), 1)).toThrow(RangeError);
    expect(() => decodeReports(new Float64Array(REPORT_SLOTS), 2)).toThrow(RangeError);
    expect(() => decodeCommand(new Float64Array(COMMAND_SLOTS), -1)).toThrow(RangeError);
  });
});

describe('reference book specifics', () => {
  const base: Command = { action: Action.NEW, symbol: AAA, owner: 1, clientOrderId: 1, orderId: 0, side: Side.BUY, type: OrderType.LIMIT, price: 1_000, quantity: 10 };
  const malformed: [string, Partial<Command>][] = [
    ['action', { action: 9 as Command['action'] }],
    ['side', { side: 2 as Command['side'] }],
    ['type', { type: 0 as Command['type'] }],
    ['type', { type: 6 as Command['type'] }],
    ['owner', { owner: -1 }],
    ['owner', { owner: 2 ** 32 }],
    ['clientOrderId', { clientOrderId: -1 }],
    ['clientOrderId', { clientOrderId: 2 ** 53 }],
    ['orderId', { orderId: 1.5 }],
    ['symbol', { symbol: -2 }],
    ['price', { price: 1_000.5 }],
    ['quantity', { quantity: Number.NaN }],
    ['quantity', { quantity: Number.POSITIVE_INFINITY }],
  ];
  it.each(malformed)('a malformed %s field throws LOBSIM_ERR_INPUT and changes nothing', (field, change) => {
    const book = new ReferenceBook(contractOptions());
    expect(() => book.execute({ ...base, ...change })).toThrow(expect.objectContaining({ code: 'LOBSIM_ERR_INPUT', message: expect.stringContaining(`command.${field}:`) }));
    expect(book.stats()).toEqual({ restingOrders: 0, levels: 0, seq: 0, trades: 0, orders: 0 });
    expect(book.execute(base)[0]?.seq).toBe(1);
  });

  it('ignores side and type on commands other than NEW', () => {
    const book = new ReferenceBook(contractOptions());
    const reports = book.execute({ ...base, action: Action.CANCEL, side: 0 as Command['side'], type: 0 as Command['type'] });
    expect(reports[0]?.reason).toBe(Reason.UNKNOWN_ORDER);
  });

  // The native boundary checks these slots on every action; the oracle must refuse what it refuses.
  it.each([
    ['side', { action: Action.CANCEL, side: 7 as Command['side'] }],
    ['side', { action: Action.MASS_CANCEL, side: Number.NaN as Command['side'] }],
    ['type', { action: Action.CANCEL, type: 9 as Command['type'] }],
    ['type', { action: Action.MODIFY, type: -1 as Command['type'] }],
  ] as [string, Partial<Command>][])('a malformed %s on a command other than NEW throws LOBSIM_ERR_INPUT, as the native engine refuses it', (field, change) => {
    const book = new ReferenceBook(contractOptions());
    expect(() => book.execute({ ...base, ...change })).toThrow(expect.objectContaining({ code: 'LOBSIM_ERR_INPUT', message: expect.stringContaining(`command.${field}:`) }));
    expect(book.stats().seq).toBe(0);
  });

  it('quotes a string where a number belongs', () => {
    const book = new ReferenceBook(contractOptions());
    expect(() => book.execute({ ...base, price: '1000' as unknown as number })).toThrow('command.price: must be an integer in [-9007199254740991, 9007199254740991], got "1000"');
  });

  it('market data of an unconfigured symbol throws LOBSIM_ERR_INPUT', () => {
    const book = new ReferenceBook(contractOptions());
    for (const call of [() => book.bbo(2), () => book.depth(-1, 3), () => book.snapshot(0.5), () => book.depth(AAA, -1)]) {
      expect(call).toThrow(expect.objectContaining({ code: 'LOBSIM_ERR_INPUT' }));
    }
  });

  it('stats counts resting orders, levels and the last seq, trade id and order id', () => {
    const book = new ReferenceBook(contractOptions());
    const order = { symbol: AAA, side: Side.BUY, type: OrderType.LIMIT, owner: 1, price: 1_000, quantity: 10 } as const;
    book.submit({ ...order, clientOrderId: 1 });
    book.submit({ ...order, clientOrderId: 2 });
    book.submit({ ...order, clientOrderId: 3, price: 995 });
    book.submit({ ...order, clientOrderId: 4, quantity: 0 });
    book.submit({ ...order, owner: 2, clientOrderId: 1, side: Side.SELL, type: OrderType.IOC, quantity: 10 });
    expect(book.stats()).toEqual({ restingOrders: 2, levels: 2, seq: 7, trades: 1, orders: 4 });
  });

  it('validate() throws an InvariantError when the books are corrupted', () => {
    const book = new ReferenceBook(contractOptions());
    book.submit({ symbol: AAA, side: Side.BUY, type: OrderType.LIMIT, owner: 1, clientOrderId: 1, price: 1_000, quantity: 10 });
    book.validate();
    // Reach into the private state the way a bug would.
    const internals = book as unknown as { ordersById: Map<number, { leaves: number }> };
    internals.ordersById.get(1)!.leaves = 0;
    expect(() => book.validate()).toThrow(InvariantError);
  });
});

describe('EngineOptions typing', () => {
  it('accepts the documented shape', () => {
    const options: EngineOptions = { instruments: [instrument() as unknown as InstrumentConfig], stp: 'cancel-incoming', ordersMax: 5 };
    expect(new ReferenceBook(options).instrumentCount).toBe(1);
  });
});
