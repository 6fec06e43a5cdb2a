/**
 * The threaded engine from the main thread: backpressure (tiny queues -> BUSY, nothing blocks,
 * nothing lost), shutdown with work in flight, faulty handlers, per-owner routing, snapshots while
 * matching runs, market data, and hostile input at the boundary.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../engine/errors.js';
import { Action, ExecKind, OrderType, Reason, Side } from '../../engine/protocol.js';
import { BBO_SLOTS, BboSlot, ThreadedEngine, type ThreadedEngineOptions } from '../../engine/threaded-engine.js';
import { shardOfId, localId } from '../../engine/threaded-ids.js';
import type { ExecutionReport } from '../../engine/types.js';
import { decodeAll, instruments, isFirstReport, replayShards, threadCount } from './support.js';

const open: ThreadedEngine[] = [];
function engineWith(options: Partial<ThreadedEngineOptions> = {}): ThreadedEngine {
  const engine = new ThreadedEngine({ instruments: instruments(4), shards: 2, spinNs: 5_000, ...options });
  open.push(engine);
  return engine;
}
afterEach(async () => {
  for (const engine of open.splice(0)) if (engine.stats().accepting) await engine.close();
});

const order = (owner: number, clientOrderId: number, side: 0 | 1, price: number, symbol = 0, quantity = 10) =>
  ({ symbol, owner, clientOrderId, side, type: OrderType.LIMIT, price, quantity }) as const;

function collect(engine: ThreadedEngine, owners: number[] | 'all'): ExecutionReport[] {
  const out: ExecutionReport[] = [];
  engine.onReports(owners, ({ records, count }) => void out.push(...decodeAll(records, count)));
  return out;
}

describe('threaded engine: delivery, routing and numbering', () => {
  it('delivers each owner only its own reports, fills to both sides, with global ids per shard', async () => {
    const engine = engineWith();
    const one = collect(engine, [1]);
    const two = collect(engine, [2]);
    expect(engine.submit(order(1, 11, Side.BUY, 1000, 0))).toBeNull();
    expect(engine.submit(order(1, 12, Side.BUY, 1000, 1))).toBeNull();
    expect(engine.submit(order(2, 21, Side.SELL, 1000, 0, 4))).toBeNull();
    expect(engine.submit(order(3, 31, Side.SELL, 1000, 1, 4))).toBeNull(); // owner 3: nobody listens
    await engine.close();
    expect(one.every((r) => r.owner === 1)).toBe(true);
    expect(two.every((r) => r.owner === 2)).toBe(true);
    expect(one.map((r) => r.kind).sort()).toEqual([ExecKind.ACCEPTED, ExecKind.ACCEPTED, ExecKind.PARTIALLY_FILLED, ExecKind.PARTIALLY_FILLED]);
    const symbol0 = one.filter((r) => r.symbol === 0);
    const symbol1 = one.filter((r) => r.symbol === 1);
    // Symbol 0 lives on shard 0, symbol 1 on shard 1: ids and seq carry their shard.
    for (const r of symbol0) expect(shardOfId(r.seq, 2)).toBe(0);
    for (const r of symbol1) expect(shardOfId(r.seq, 2)).toBe(1);
    expect(symbol0[0]!.orderId).toBe(1);
    expect(symbol1[0]!.orderId).toBe(2);
    const taker = two.find((r) => r.kind === ExecKind.PARTIALLY_FILLED || r.kind === ExecKind.FILLED)!;
    const maker = symbol0.find((r) => r.tradeId !== 0)!;
    expect(taker.tradeId).toBe(maker.tradeId);
    const stats = engine.stats();
    expect(stats.reportsUnrouted).toBe(2); // owner 3's ACCEPTED and FILLED
    for (const r of [...one, ...two]) {
      expect(r.tsReceiveNs).toBeGreaterThan(0);
      expect(r.tsMatchNs).toBeGreaterThanOrEqual(r.tsReceiveNs);
      expect(r.tsDispatchNs).toBeGreaterThanOrEqual(r.tsMatchNs);
    }
  });

  it('keeps each shard gapless and in order, and cancels by id or by (client id, symbol)', async () => {
    const engine = engineWith({ shards: 3 });
    const all = collect(engine, 'all');
    for (let i = 1; i <= 30; i++) engine.submit(order(1, i, Side.BUY, 990 + (i % 5), i % 4));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const firstId = all.find((r) => r.kind === ExecKind.ACCEPTED && r.clientOrderId !== 2)!.orderId;
    expect(engine.cancel({ owner: 1, orderId: firstId })).toBeNull();
    expect(engine.cancel({ owner: 1, clientOrderId: 2, symbol: 2 })).toBeNull();
    expect(engine.cancel({ owner: 1, clientOrderId: 2, symbol: 3 })).toBeNull(); // wrong symbol: unknown there
    expect(engine.massCancel(1)).toBeNull();
    await engine.close();
    const cancelled = all.filter((r) => r.kind === ExecKind.CANCELLED && r.reason === Reason.CANCEL_REQUESTED);
    expect(cancelled.map((r) => r.orderId)).toContain(firstId);
    expect(cancelled.some((r) => r.clientOrderId === 2)).toBe(true);
    expect(all.filter((r) => r.kind === ExecKind.CANCEL_REJECTED && r.reason === Reason.UNKNOWN_ORDER)).toHaveLength(1);
    const perShard = new Map<number, number[]>();
    for (const r of all) perShard.set(shardOfId(r.seq, 3), [...(perShard.get(shardOfId(r.seq, 3)) ?? []), localId(r.seq, 3)]);
    for (const seqs of perShard.values()) expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });

  it('answers snapshots between commands while matching runs (never crossed, always valid)', async () => {
    const engine = engineWith({ shards: 1 });
    collect(engine, 'all');
    let clientOrderId = 1;
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 200; i++) {
        const side = (i % 2) as 0 | 1;
        engine.submit(order(1 + (i % 3), clientOrderId++, side, side === 0 ? 995 + (i % 9) : 1000 - (i % 7), 0, 1 + (i % 5)));
      }
      const snapshot = await engine.snapshot(0);
      const bids = snapshot.orders.filter((o) => o.side === Side.BUY).map((o) => o.price);
      const asks = snapshot.orders.filter((o) => o.side === Side.SELL).map((o) => o.price);
      if (bids.length && asks.length) expect(Math.max(...bids)).toBeLessThan(Math.min(...asks));
      expect(snapshot.bbo.bid?.price ?? null).toBe(bids.length ? Math.max(...bids) : null);
      await engine.validate();
    }
  });

  it('publishes conflated best bid/offer changes', async () => {
    const engine = engineWith({ shards: 1 });
    const updates: number[][] = [];
    engine.onMarketData(({ records, count }) => {
      for (let i = 0; i < count; i++) updates.push(Array.from(records.subarray(i * BBO_SLOTS, (i + 1) * BBO_SLOTS)));
    });
    for (let i = 0; i < 100; i++) engine.submit(order(1, i + 1, Side.BUY, 950 + i % 50, 0));
    await engine.close();
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.length).toBeLessThanOrEqual(100);
    const last = updates[updates.length - 1]!;
    expect(last[BboSlot.bidPrice]).toBe(999);
    expect(last[BboSlot.askCount]).toBe(0);
  });
});

describe('threaded engine: backpressure, shutdown and faults', () => {
  it('rejects BUSY at once when a queue is full, never blocks, and loses nothing accepted', async () => {
    const engine = engineWith({ shards: 1, ingressCommandsMax: 2, eventsMax: 2, batchReportsMax: 1, batchesInFlightMax: 1, journalCommandsMax: 100_000 });
    const all = collect(engine, 'all');
    let accepted = 0;
    const busy: ExecutionReport[] = [];
    const started = performance.now();
    for (let i = 0; i < 5000; i++) {
      const side = (i % 2) as 0 | 1;
      const report = engine.submit(order(1 + (i % 2), i + 1, side, 1000, 0, 1));
      if (report === null) accepted++;
      else busy.push(report);
    }
    const cancelBusy = engine.cancel({ owner: 1, orderId: 99 });
    const elapsedMs = performance.now() - started;
    expect(busy.length).toBeGreaterThan(0);
    expect(busy[0]).toMatchObject({ kind: ExecKind.REJECTED, reason: Reason.BUSY, seq: 0, orderId: 0, owner: expect.any(Number) });
    if (cancelBusy !== null) expect(cancelBusy).toMatchObject({ kind: ExecKind.CANCEL_REJECTED, reason: Reason.BUSY, orderId: 99 });
    else accepted++;
    expect(elapsedMs).toBeLessThan(2000); // The JS thread never waited for the engine.
    await engine.close();
    const stats = engine.stats();
    expect(all.filter(isFirstReport)).toHaveLength(accepted);
    expect(stats.shards[0]!.busy).toBe(busy.length + (cancelBusy === null ? 0 : 1));
    expect(stats.shards[0]!.commands).toBe(accepted);
    expect(stats.shards[0]!.ingressHighWater).toBeLessThanOrEqual(2);
    expect(stats.shards[0]!.eventsHighWater).toBeLessThanOrEqual(2);
    for (const shard of await replayShards(engine, instruments(4), all)) {
      expect(shard.delivered).toEqual(shard.replayed);
      expect(shard.threadedHash).toBe(shard.replayHash);
    }
  });

  it('close() with work in flight resolves after every accepted report was delivered; threads are joined', async () => {
    const before = threadCount();
    const engine = new ThreadedEngine({ instruments: instruments(4), shards: 2, ingressCommandsMax: 1 << 16 });
    expect(threadCount()).toBe(before + 3); // 2 shards + 1 dispatcher
    let delivered = 0;
    let first = 0;
    engine.onReports('all', ({ records, count }) => {
      delivered += count;
      first += decodeAll(records, count).filter(isFirstReport).length;
    });
    let accepted = 0;
    for (let i = 0; i < 50_000; i++) if (engine.submit(order(1 + (i % 7), i + 1, (i % 2) as 0 | 1, 995 + (i % 11), i % 4, 1 + (i % 9))) === null) accepted++;
    const closing = engine.close();
    expect(() => engine.submit(order(1, 1, 0, 1000))).toThrow(expect.objectContaining({ code: 'LOBSIM_ERR_CLOSED' }));
    await closing;
    expect(first).toBe(accepted);
    expect(delivered).toBe(engine.stats().reportsDelivered);
    expect(threadCount()).toBe(before);
    await engine.close(); // idempotent
  });

  it('shutdownNow() stops at once with work queued and joins every thread', async () => {
    const before = threadCount();
    const engine = new ThreadedEngine({ instruments: instruments(4), shards: 2 });
    engine.onReports('all', () => undefined);
    for (let i = 0; i < 20_000; i++) engine.submit(order(1, i + 1, 0, 990 + (i % 10), i % 4));
    engine.shutdownNow();
    expect(threadCount()).toBe(before);
    // Closing a stopped engine is done: a promise that resolves, never a synchronous throw.
    await expect(engine.close()).resolves.toBeUndefined();
    // The error says how the handle ended.
    expect(() => engine.submit(order(1, 1, 0, 1000))).toThrow(
      expect.objectContaining({ code: 'LOBSIM_ERR_CLOSED', message: 'the threaded engine handle was shut down (shutdownNow())' }),
    );
  });

  it('shutdownNow() settles what close() and the queries still await: close resolves, a query rejects', async () => {
    const before = threadCount();
    const engine = new ThreadedEngine({ instruments: instruments(4), shards: 2 });
    engine.onReports('all', () => undefined);
    for (let i = 0; i < 2_000; i++) engine.submit(order(1, i + 1, 0, 990 + (i % 10), i % 4));
    const snapshot = engine.snapshot(0);
    const closing = engine.close();
    engine.shutdownNow();
    // Before the fix close() stayed pending for good: awaiting it ended the process (exit 13).
    await expect(closing).resolves.toBeUndefined();
    await expect(snapshot).rejects.toMatchObject({ code: 'LOBSIM_ERR_CLOSED' });
    expect(threadCount()).toBe(before);
  });

  it('shutdownNow() while the subscriber holds every batch drops the rest and does not crash', () => {
    // The dispatcher waits for a batch to come back; this thread never yields, so none does. A full
    // batch was once written past its end here (a heap overflow that killed the process).
    for (let round = 0; round < 3; round++) {
      const before = threadCount();
      const engine = new ThreadedEngine({ instruments: instruments(4), shards: 1, batchReportsMax: 8, batchesInFlightMax: 1 });
      engine.onReports('all', () => undefined);
      let accepted = 0;
      for (let i = 0; i < 2_000; i++) if (engine.submit(order(1, i + 1, (i % 2) as 0 | 1, 1000, i % 4)) === null) accepted++;
      // Wait (without yielding to the event loop) until the one allowed batch is out and the
      // dispatcher waits for it: the state the overflow needed.
      const sleeper = new Int32Array(new SharedArrayBuffer(4));
      for (let waited = 0; waited < 2_000 && engine.stats().batchesInFlight < 1; waited += 5) Atomics.wait(sleeper, 0, 0, 5);
      Atomics.wait(sleeper, 0, 0, 20);
      expect(engine.stats().batchesInFlight).toBe(1);
      engine.shutdownNow();
      expect(accepted).toBeGreaterThan(0);
      expect(threadCount()).toBe(before);
    }
  });

  it('shards deliver their own reports and market data when the dispatcher is free (helpedPasses)', async () => {
    const engine = engineWith({ shards: 1 });
    const all = collect(engine, 'all');
    let bbos = 0;
    engine.onMarketData(({ count }) => void (bbos += count));
    for (let i = 0; i < 100; i++) expect(engine.submit(order(1, i + 1, (i % 2) as 0 | 1, 1000 + (i % 7)))).toBeNull();
    await engine.close();
    expect(all.filter(isFirstReport)).toHaveLength(100);
    expect(bbos).toBeGreaterThan(0);
    expect(engine.stats().helpedPasses).toBeGreaterThan(0);
  });

  it('catches, counts and surfaces a throwing handler without losing anyone else’s reports', async () => {
    const engine = engineWith({ shards: 1, batchReportsMax: 4 });
    const errors: unknown[] = [];
    engine.onHandlerError = (error) => errors.push(error);
    engine.onReports([1], () => {
      throw new Error('faulty subscriber');
    });
    const two = collect(engine, [2]);
    for (let i = 0; i < 200; i++) {
      engine.submit(order(1, i + 1, Side.BUY, 990, 0));
      engine.submit(order(2, i + 1, Side.BUY, 991, 0));
    }
    await engine.close();
    expect(two.filter(isFirstReport)).toHaveLength(200);
    expect(engine.stats().handlerErrorsCaught).toBeGreaterThan(0);
    expect(errors.length).toBe(engine.stats().handlerErrorsCaught);
    expect((errors[0] as Error).message).toBe('faulty subscriber');
  });
});

describe('threaded engine: hostile input at the boundary', () => {
  it('throws TypeError or RangeError naming the field, and queues nothing', async () => {
    const engine = engineWith();
    const all = collect(engine, 'all');
    expect(() => engine.submit({ ...order(1, 1, 0, 1000), price: Number.NaN })).toThrow(new RangeError('price: must be an integer in [-9007199254740991, 9007199254740991], got NaN'));
    expect(() => engine.submit({ ...order(1, 1, 0, 1000), owner: '1' as unknown as number })).toThrow(new TypeError('owner: must be a number, got "1"'));
    expect(() => engine.submit({ ...order(1, 1, 0, 1000), side: 2 as 0 })).toThrow(/^side: must be an integer in \[0, 1\], got 2/);
    expect(() => engine.submit({ ...order(1, 1, 0, 1000), type: 0 as 1 })).toThrow(/^type: /);
    expect(() => engine.submit({ ...order(1, 1, 0, 1000), owner: 2 ** 32 })).toThrow(/^owner: /);
    expect(() => engine.cancel({ owner: 1, clientOrderId: 5 } as never)).toThrow(TypeError);
    expect(() => engine.submit(null as never)).toThrow(new TypeError('order: must be an object, got null'));
    expect(() => engine.cancel(null as never)).toThrow(new TypeError('order reference: must be an object, got null'));
    expect(() => engine.modify(undefined as never)).toThrow(new TypeError('order reference: must be an object, got undefined'));
    for (const options of [null, 'x', 5, undefined]) expect(() => new ThreadedEngine(options as never)).toThrow('options: must be an object');
    expect(() => engine.enqueueBatch(new Float64Array(9), 2)).toThrow(RangeError);
    expect(() => engine.enqueueBatch([] as unknown as Float64Array, 0)).toThrow(new TypeError('commands: must be a Float64Array'));
    const batch = new Float64Array(18);
    batch.set([Action.NEW, 0, 1, 1, 0, 0, OrderType.LIMIT, 1000, 5]);
    batch.set([Action.NEW, 0, 1, 2, 0, 0, OrderType.LIMIT, 1000.5, 5], 9);
    expect(() => engine.enqueueBatch(batch, 2)).toThrow(/commands\[1\]\.price/);
    expect(() => engine.onReports([1], 'x' as never)).toThrow(TypeError);
    engine.onReports([9], () => undefined);
    expect(() => engine.onReports([9], () => undefined)).toThrow(/owner 9 already has a subscriber/);
    // Business-rule violations are reports, not throws.
    expect(engine.submit({ ...order(1, 3, 0, 1000), symbol: 99 })).toBeNull();
    await engine.close();
    expect(all.map((r) => r.reason)).toEqual([Reason.UNKNOWN_SYMBOL]);
    expect(all[0]!.symbol).toBe(99);
  });

  it('refuses what would be lost or kept alive silently: a second ring writer, writes after close, owners that can receive nothing', async () => {
    const engine = engineWith({ shards: 1 });
    for (const owners of ['x', '12', [], null, 42]) {
      expect(() => engine.onReports(owners as never, () => undefined)).toThrow(/^owners: must be 'all' or a non-empty array of owner ids, got /);
    }
    expect(() => ThreadedEngine.attach(undefined as never)).toThrow(new TypeError("attach: id must be a running engine's id (engine.id, an integer >= 1), got undefined"));
    const attached = ThreadedEngine.attach(engine.id);
    expect(() => attached.createRings(16)).toThrow(expect.objectContaining({ code: 'LOBSIM_ERR_USAGE', message: expect.stringMatching(/^createRings: only the engine owner/) }));
    attached.detach();
    expect(() => attached.submit(order(1, 1, 0, 1000))).toThrow(
      expect.objectContaining({ code: 'LOBSIM_ERR_CLOSED', message: 'the threaded engine handle was detached (detach())' }),
    );
    const rings = engine.createRings(16);
    // The layout is the addon's: an edited one is refused before the rings are claimed.
    expect(() => engine.ringWriter({ ...rings, layout: {} as never })).toThrow(new RangeError('descriptor.layout.ringHeaderBytes: must be ' + rings.layout.ringHeaderBytes + " (this addon's ring layout), got undefined"));
    expect(() => engine.ringWriter({ ...rings, layout: { ...rings.layout, ringHeadByte: rings.layout.ringTailByte } })).toThrow(/^descriptor\.layout\.ringHeadByte: must be /);
    expect(() => engine.ringWriter({ ...rings, layout: null as never })).toThrow(new TypeError('descriptor.layout: must be the layout createRings() returned, got null'));
    // Publishing every record: a write after close is refused at once.
    const writer = engine.ringWriter(rings, 1);
    // Two writers would write the same slots, and one's records would be lost.
    expect(() => engine.ringWriter(rings)).toThrow(expect.objectContaining({ code: 'LOBSIM_ERR_USAGE', message: expect.stringMatching(/already has a writer/) }));
    expect(() => writer.writeCommand(null as never)).toThrow(new TypeError('command: must be an object, got null'));
    expect(() => writer.write(Action.NEW, 0, 1, 1, 0, 0, OrderType.LIMIT, '1000' as never, 5)).toThrow(new TypeError('price: must be a number, got "1000"'));
    expect(writer.write(Action.NEW, 0, 1, 1, 0, 0, OrderType.LIMIT, 1000, 5)).toBe(true);
    writer.flush();
    const closing = engine.close();
    // A closing engine takes no new handles.
    expect(() => ThreadedEngine.attach(engine.id)).toThrow(
      expect.objectContaining({ code: 'LOBSIM_ERR_CLOSED', message: expect.stringMatching(/^attach: no running threaded engine has id \d+ \(none was made with it, or it is closing or closed\)$/) }),
    );
    await closing;
    expect(() => ThreadedEngine.attach(engine.id)).toThrow(expect.objectContaining({ code: 'LOBSIM_ERR_CLOSED' }));
    expect(() => writer.write(Action.NEW, 0, 1, 2, 0, 0, OrderType.LIMIT, 1000, 5)).toThrow(expect.objectContaining({ code: 'LOBSIM_ERR_CLOSED' }));
    expect(() => writer.flush()).toThrow(expect.objectContaining({ code: 'LOBSIM_ERR_CLOSED' }));
    expect(() => engine.createRings(16)).toThrow(expect.objectContaining({ code: 'LOBSIM_ERR_CLOSED' }));
  });

  it('validates options with ConfigError naming the field', () => {
    const base = { instruments: instruments(2) };
    expect(() => new ThreadedEngine({ ...base, shards: 0 })).toThrow(new ConfigError('shards: must be an integer in [1, 2], got 0'));
    expect(() => new ThreadedEngine({ ...base, shards: 3 })).toThrow(ConfigError);
    expect(() => new ThreadedEngine({ ...base, ingressCommandsMax: 1000 })).toThrow(/ingressCommandsMax: must be a power of two/);
    expect(() => new ThreadedEngine({ ...base, bogus: 1 } as never)).toThrow(/bogus: unknown option/);
    // The list names the threaded options too.
    expect(() => new ThreadedEngine({ ...base, ingresCommandsMax: 2 } as never)).toThrow(
      new ConfigError('options.ingresCommandsMax: unknown option (allowed: instruments, stp, ordersMax, directLevelsMax, shards, ingressCommandsMax, eventsMax, batchReportsMax, batchesInFlightMax, journalCommandsMax, spinNs)'),
    );
    expect(() => ThreadedEngine.attach(987654)).toThrow(expect.objectContaining({ code: 'LOBSIM_ERR_CLOSED' }));
    // Only attach() attaches: an `attach` key in the options is an unknown option.
    expect(() => new ThreadedEngine({ ...base, attach: undefined } as never)).toThrow(/^options\.attach: unknown option/);
    expect(() => ThreadedEngine.attach(0)).toThrow(new TypeError("attach: id must be a running engine's id (engine.id, an integer >= 1), got 0"));
  });

  it('a released writer gives its ring set to the next writer, which goes on where it stopped', async () => {
    const engine = engineWith({ shards: 2 });
    const all = collect(engine, 'all');
    const rings = engine.createRings(16);
    const first = engine.ringWriter(rings);
    for (let id = 1; id <= 3; id++) expect(first.write(Action.NEW, id % 2, 1, id, 0, 0, OrderType.LIMIT, 1000, 5)).toBe(true);
    first.release();  // Publishes the three records, then gives the claim back.
    first.release();
    expect(() => first.write(Action.NEW, 0, 1, 9, 0, 0, OrderType.LIMIT, 1000, 5)).toThrow(
      expect.objectContaining({ code: 'LOBSIM_ERR_USAGE', message: 'ring writer write: this writer was released (release()); claim the ring set again with ringWriter()' }),
    );
    expect(() => first.flush()).toThrow(expect.objectContaining({ code: 'LOBSIM_ERR_USAGE' }));
    const second = engine.ringWriter(rings);
    expect(() => engine.ringWriter(rings)).toThrow(expect.objectContaining({ code: 'LOBSIM_ERR_USAGE', message: expect.stringMatching(/already has a writer/) }));
    // More than a ring holds, so the second writer must see the first one's records consumed.
    for (let id = 4; id <= 43; ) {
      if (second.write(Action.NEW, id % 2, 1, id, 0, 0, OrderType.LIMIT, 1000, 5)) id++;
      else await new Promise((resolve) => setTimeout(resolve, 1));  // Full: the shard frees it.
    }
    second.release();
    await engine.close();
    const shards = engine.stats().shards;
    expect(shards.reduce((sum, shard) => sum + shard.ringRecords, 0)).toBe(43);
    expect(shards.reduce((sum, shard) => sum + shard.ringRecordsInvalid, 0)).toBe(0);
    expect(all.filter(isFirstReport).map((r) => r.clientOrderId).sort((a, b) => a - b)).toEqual(Array.from({ length: 43 }, (_, i) => i + 1));
    // Releasing after the engine closed still gives the claim back, and says the records were not read.
    const late = engineWith({ shards: 1 });
    const lateRings = late.createRings(16);
    const writer = late.ringWriter(lateRings);
    // The claim: the int32 at byte 4 of shard 0's ring header (native/core/shared_ring.hpp).
    const claim = () => new Int32Array(lateRings.buffers[0]!)[1];
    expect(claim()).toBe(1);
    expect(writer.write(Action.NEW, 0, 1, 1, 0, 0, OrderType.LIMIT, 1000, 5)).toBe(true);
    await late.close();
    expect(() => writer.release()).toThrow(expect.objectContaining({ code: 'LOBSIM_ERR_CLOSED' }));
    expect(claim()).toBe(0);
    writer.release();
  });

  it('drops and counts hostile ring records; a lying head marks the ring broken', async () => {
    const engine = engineWith({ shards: 1 });
    const all = collect(engine, 'all');
    const rings = engine.createRings(16);
    // A descriptor that does not describe this engine's rings is refused when the writer is made.
    expect(() => engine.ringWriter({ ...rings, buffers: [] })).toThrow(new TypeError(`descriptor.buffers: must be 1 SharedArrayBuffers of ${rings.buffers[0]!.byteLength} bytes, one per shard`));
    expect(() => engine.ringWriter({ ...rings, shards: 2 })).toThrow('descriptor.shards: must be 1, got 2');
    expect(() => engine.ringWriter({ ...rings, capacity: 24 })).toThrow(/^descriptor\.capacity: must be a power of two in /);
    expect(() => engine.ringWriter(rings, Number.NaN)).toThrow('publishEvery: must be an integer >= 1, got NaN');
    expect(() => engine.ringWriter(null as never)).toThrow('descriptor: must be an object, got null');
    const writer = engine.ringWriter(rings);
    expect(() => writer.write(Action.NEW, 0, 1, 1, 0, 0, OrderType.LIMIT, 1000, Number.POSITIVE_INFINITY)).toThrow(/quantity/);
    expect(writer.write(Action.NEW, 0, 1, 1, 0, 0, OrderType.LIMIT, 1000, 5)).toBe(true);
    writer.flush();
    // A hostile writer bypasses the checks: a bad side, then a head far beyond the capacity.
    const records = new Float64Array(rings.buffers[0]!, rings.layout.ringHeaderBytes);
    records.set([Action.NEW, 0, 1, 2, 0, 7, OrderType.LIMIT, 1000, 5], 9);
    const control = new Int32Array(rings.buffers[0]!);
    Atomics.store(control, 0, 2); // No wake call: a parked shard rechecks its rings within its park timeout.
    await new Promise((resolve) => setTimeout(resolve, 50));
    Atomics.store(control, 0, 1_000_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await engine.close();
    const shard = engine.stats().shards[0]!;
    expect(shard.ringRecords).toBe(1);
    expect(shard.ringRecordsInvalid).toBe(1);
    expect(shard.ringsBroken).toBe(1);
    expect(all.filter(isFirstReport)).toHaveLength(1);
  });
});
