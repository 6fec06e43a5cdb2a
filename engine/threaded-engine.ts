/**
 * The threaded engine (native/core/threaded_engine.hpp) as a TypeScript class: matching runs on
 * shard threads, reports arrive in batches on the subscriber's own thread.
 *
 * Ordering invariant: each shard's reports reach a subscriber in seq order; shards are independent.
 * Numbering (per shard, mapped to one global space; with one shard it equals the inline engine):
 *   global = (local - 1) * shards + shard + 1, for order ids, trade ids and seq. A consumer checks
 *   gaplessness per shard: shard = (seq - 1) % shards, local = floor((seq - 1) / shards) + 1.
 * Symbols: global symbol g lives on shard g % shards.
 * Routing: cancel and modify by orderId go to the id's shard. By clientOrderId (orderId 0) they
 *   must name the order's `symbol`: client order ids are unique per owner per shard.
 * BUSY: submit/cancel/modify/massCancel never block. They return null when the command was queued
 *   (its reports follow through the subscription) or, when the shard's ingress queue is full, a
 *   REJECTED (new order) or CANCEL_REJECTED record with reason BUSY and seq 0, returned and not
 *   delivered: the command was not queued, not journalled, and changes nothing. A mass cancel of
 *   every symbol that some shard refused is BUSY although other shards accepted it: it is
 *   idempotent, so send it again.
 * Threads: any thread may submit. A worker attaches with ThreadedEngine.attach(id) and subscribes
 *   there; only the creator closes. close() resolves once every accepted command's reports were
 *   delivered to their subscribers' handlers and every engine thread was joined.
 * Faulty subscribers: a throwing handler is caught, counted (stats().handlerErrorsCaught) and passed
 *   to onHandlerError; other handlers and later batches are unaffected.
 */
import { asSingleCommandError, requireObject } from './commands.js';
import { InvariantError, LobsimError } from './errors.js';
import { Action, COMMAND_SLOTS, CommandSlot, ExecKind, REPORT_SLOTS, Reason, SYMBOL_ALL, type SideCode } from './protocol.js';
import { TOP_SLOTS, TopSlot } from './engine.js';
import { show } from './options.js';
import { decodeBbo, decodeReport, decodeRestingOrders } from './records.js';
import { loadThreadedAddon, type NativeThreadedHandle, type NativeThreadedStats, type ThreadedLayout } from './threaded-native.js';
import { validateThreadedOptions, type ResolvedThreadedOptions, type ThreadedEngineOptionsExtra } from './threaded-options.js';
import { RING_LAYOUT_KEYS, RingWriter, type RingLayout, type RingSetDescriptor } from './threaded-ring.js';
import type { Bbo, EngineOptions, ExecutionReport, NewOrder, RestingOrder } from './types.js';

export type ThreadedEngineOptions = EngineOptions & ThreadedEngineOptionsExtra;

/** A handler's batch as report objects: `decodeReports(batch.records, batch.count)`. */
export { decodeReport, decodeReports } from './records.js';

/** Report records (protocol.ts ReportSlot layout); valid only during the handler call. */
export interface ReportBatch {
  readonly records: Float64Array;
  readonly count: number;
}

/** BBO records: the inline engine's top record (symbol, bid and ask), then seq and tsMatchNs. */
export const BboSlot = { ...TopSlot, seq: TOP_SLOTS, tsMatchNs: TOP_SLOTS + 1 } as const;
export const BBO_SLOTS = TOP_SLOTS + 2;

/** Addresses a live order: by engine id, or by (owner, clientOrderId) with the order's symbol. */
export type ThreadedOrderRef = { owner: number; orderId: number } | { owner: number; clientOrderId: number; symbol: number };
export type ThreadedModify = ThreadedOrderRef & { price: number; quantity: number };

export interface Subscription {
  readonly id: number;
  unsubscribe(): void;
}

export interface ThreadedSnapshot {
  /** Global seq of the shard's last report before the snapshot. */
  seq: number;
  bbo: Bbo;
  orders: RestingOrder[];
  /** `orders` as records (RestingSlot layout). */
  records: Float64Array;
}

export interface ThreadedStats extends NativeThreadedStats {
  /** Handler exceptions caught in this thread (the native count covers what escaped). */
  handlerErrorsCaught: number;
}

/** Ring capacity default, records per (writer, shard) ring. */
export const RING_CAPACITY_DEFAULT = 16_384;

export class ThreadedEngine {
  readonly id: number;
  readonly shards: number;
  readonly owner: boolean;
  readonly options: ResolvedThreadedOptions | null;
  /** Called with each exception a report or market-data handler threw. */
  onHandlerError: ((error: unknown) => void) | null = null;
  private readonly native: NativeThreadedHandle;
  private readonly layout: ThreadedLayout;
  private readonly single = new Float64Array(COMMAND_SLOTS);
  private handlerErrorsCaught = 0;
  private closing: Promise<void> | null = null;
  /** shutdownNow() was called: the engine is stopped and its threads joined. */
  private stopped = false;

  constructor(options: ThreadedEngineOptions);
  constructor(options: ThreadedEngineOptions | { attach: number }, attach?: true);
  constructor(options: ThreadedEngineOptions | { attach: number }, attach?: true) {
    const addon = loadThreadedAddon();
    this.layout = addon.threadedLayout;
    // Only attach() attaches: anything else, an `attach` key included, goes to the options check,
    // which names what is wrong (an options object with `attach: undefined` was once taken for an
    // attach and refused for its instruments).
    if (attach === true) {
      this.native = new addon.NativeThreadedEngine({ attach: (options as { attach: number }).attach });
      this.owner = false;
      this.options = null;
    } else {
      this.options = validateThreadedOptions(options);
      this.native = new addon.NativeThreadedEngine(this.options);
      this.owner = true;
    }
    this.id = this.native.id;
    this.shards = this.native.shards;
  }

  /** In a worker thread: a handle on the engine created elsewhere with this id. */
  static attach(id: number): ThreadedEngine {
    if (!Number.isSafeInteger(id) || id < 1) throw new TypeError(`attach: id must be a running engine's id (engine.id, an integer >= 1), got ${show(id)}`);
    return new ThreadedEngine({ attach: id }, true);
  }

  submit(order: NewOrder): ExecutionReport | null {
    requireObject(order, 'order');
    return this.enqueueOne(Action.NEW, order.symbol, order.owner, order.clientOrderId, 0, order.side, order.type, order.price, order.quantity);
  }

  cancel(ref: ThreadedOrderRef): ExecutionReport | null {
    const [orderId, clientOrderId, symbol] = addressOf(ref);
    return this.enqueueOne(Action.CANCEL, symbol, ref.owner, clientOrderId, orderId, 0, 0, 0, 0);
  }

  modify(change: ThreadedModify): ExecutionReport | null {
    const [orderId, clientOrderId, symbol] = addressOf(change);
    return this.enqueueOne(Action.MODIFY, symbol, change.owner, clientOrderId, orderId, 0, 0, change.price, change.quantity);
  }

  massCancel(owner: number, symbol: number = SYMBOL_ALL): ExecutionReport | null {
    return this.enqueueOne(Action.MASS_CANCEL, symbol, owner, 0, 0, 0, 0, 0, 0);
  }

  /**
   * Enqueues `count` command records (protocol.ts layout, global terms) in order and stops at the
   * first BUSY one: returns how many were accepted. All records are validated first (a bad one
   * throws and nothing is queued).
   */
  enqueueBatch(records: Float64Array, count: number): number {
    return this.native.enqueue(records, count);
  }

  /** Reports of `owners` (each owner may have one subscriber) or of everyone ('all'). */
  onReports(owners: readonly number[] | 'all', handler: (batch: ReportBatch) => void): Subscription {
    // A string would spread into characters, and an empty list would keep the process alive for
    // reports that can never come.
    if (owners !== 'all' && (!Array.isArray(owners) || owners.length === 0)) {
      throw new TypeError(`owners: must be 'all' or a non-empty array of owner ids, got ${show(owners)}`);
    }
    const list = owners === 'all' ? null : [...owners];
    return this.subscribe('reports', list, handler);
  }

  /** Best bid/offer changes, conflated under load (only the latest per symbol is delivered). */
  onMarketData(handler: (batch: ReportBatch) => void): Subscription {
    return this.subscribe('market-data', null, handler);
  }

  /** The book of `symbol` between two commands of its shard (never half-applied). */
  async snapshot(symbol: number): Promise<ThreadedSnapshot> {
    const raw = await this.native.query('snapshot', symbol);
    return { seq: raw.seq, bbo: decodeBbo(raw.bbo, 0), orders: decodeRestingOrders(raw.orders), records: raw.orders };
  }

  /** Per shard: FNV-1a 64 of the shard's books (same function as Engine.stateHash). */
  stateHashes(): Promise<string[]> {
    return Promise.all(Array.from({ length: this.shards }, (_, shard) => this.native.query('hash', shard)));
  }

  /** Shard `shard`'s journal: the commands it executed, in order, in its local terms. */
  async journal(shard: number): Promise<{ records: Float64Array; count: number; truncated: boolean }> {
    const raw = await this.native.query('journal', shard);
    return { records: raw.records, count: raw.records.length / COMMAND_SLOTS, truncated: raw.truncated };
  }

  async validate(): Promise<void> {
    for (let shard = 0; shard < this.shards; shard++) {
      const problem = await this.native.query('validate', shard);
      if (problem !== '') throw new InvariantError(`shard ${shard}: ${problem}`);
    }
  }

  stats(): ThreadedStats {
    return { ...this.native.stats(), handlerErrorsCaught: this.handlerErrorsCaught };
  }

  /** Owner only: one SharedArrayBuffer ring per shard for one writer thread (post it to the worker). */
  createRings(capacity: number = RING_CAPACITY_DEFAULT): RingSetDescriptor {
    if (!this.owner) throw new LobsimError('LOBSIM_ERR_USAGE', 'createRings: only the engine owner creates rings; post the descriptor to the worker, which calls ringWriter()');
    if (this.closing !== null) throw new LobsimError('LOBSIM_ERR_CLOSED', 'createRings: the threaded engine is closed');
    this.checkRingCapacity(capacity, 'capacity');
    const buffers: SharedArrayBuffer[] = [];
    for (let shard = 0; shard < this.shards; shard++) {
      const buffer = new SharedArrayBuffer(this.ringBytes(capacity));
      this.native.attachRing(shard, new Int32Array(buffer), capacity);
      buffers.push(buffer);
    }
    const layout = Object.fromEntries(RING_LAYOUT_KEYS.map((key) => [key, this.layout[key]])) as unknown as RingLayout;
    return { engineId: this.id, shards: this.shards, capacity, buffers, layout };
  }

  /** A writer for rings made by createRings (in this thread; one writer per ring set). */
  ringWriter(descriptor: RingSetDescriptor, publishEvery?: number): RingWriter {
    requireObject(descriptor, 'descriptor');
    if (descriptor.engineId !== this.id) throw new RangeError(`descriptor.engineId: must be ${this.id}, got ${descriptor.engineId}`);
    // A descriptor edited or made by hand must still name one ring per shard: a missing one used to
    // fail only at the first write to that shard, as an opaque TypeError.
    if (descriptor.shards !== this.shards) throw new RangeError(`descriptor.shards: must be ${this.shards}, got ${descriptor.shards}`);
    const capacity = descriptor.capacity;
    this.checkRingCapacity(capacity, 'descriptor.capacity');
    const bytes = this.ringBytes(capacity);
    const buffers: unknown = descriptor.buffers;
    if (!Array.isArray(buffers) || buffers.length !== this.shards || !buffers.every((buffer) => buffer instanceof SharedArrayBuffer && buffer.byteLength === bytes)) {
      throw new TypeError(`descriptor.buffers: must be ${this.shards} SharedArrayBuffers of ${bytes} bytes, one per shard`);
    }
    // A full ring publishes anyway, so any positive count works.
    if (publishEvery !== undefined && (!Number.isSafeInteger(publishEvery) || publishEvery < 1)) {
      throw new RangeError(`publishEvery: must be an integer >= 1, got ${publishEvery}`);
    }
    // The ring layout is this addon's, not the descriptor's to choose: a layout edited by hand made
    // the writer fail deep inside (an opaque atomic access error) after claiming the rings, or write
    // records the shard could never read. The descriptor's copy must match it.
    const layout: unknown = descriptor.layout;
    if (typeof layout !== 'object' || layout === null) throw new TypeError(`descriptor.layout: must be the layout createRings() returned, got ${show(layout)}`);
    for (const key of RING_LAYOUT_KEYS) {
      const value = (layout as Record<string, unknown>)[key];
      if (value !== this.layout[key]) throw new RangeError(`descriptor.layout.${key}: must be ${this.layout[key]} (this addon's ring layout), got ${show(value)}`);
    }
    // One writer per ring set, across threads: a second writer's records would interleave with the
    // first's in the same slots and be lost. The claim is a flag in shard 0's ring header.
    const control = new Int32Array(buffers[0] as SharedArrayBuffer, 0, this.layout.ringHeaderBytes / 4);
    const claim = this.layout.ringWriterByte / 4;
    if (Atomics.compareExchange(control, claim, 0, 1) !== 0) {
      throw new LobsimError('LOBSIM_ERR_USAGE', 'ringWriter: this ring set already has a writer (one writer per ring set: the writer\'s release() gives it back, or createRings() again)');
    }
    return new RingWriter(descriptor, (shard) => this.native.wake(shard), () => Atomics.store(control, claim, 0), publishEvery);
  }

  /** Owner only. Stops accepting; resolves when every accepted command's reports were delivered. */
  close(): Promise<void> {
    if (!this.owner) throw new LobsimError('LOBSIM_ERR_USAGE', 'close: only the engine owner closes it; a worker calls detach()');
    // After shutdownNow() the engine is stopped and its threads joined: closing it is done, and a
    // caller's `close().catch(...)` must not meet a synchronous throw.
    if (this.stopped) this.closing ??= Promise.resolve();
    this.closing ??= this.native.close();
    return this.closing;
  }

  /** Worker handles: stop using the engine here (unsubscribes). Also done when the thread exits. */
  detach(): void {
    this.native.detach();
  }

  /**
   * Owner only: stop at once, dropping undelivered reports; joins every engine thread. A close()
   * still pending resolves (without the dropped reports), and pending queries reject
   * LOBSIM_ERR_CLOSED.
   */
  shutdownNow(): void {
    this.native.shutdownNow();
    this.stopped = true;
  }

  /** A ring's buffer: its control header, then `capacity` command records of float64 slots. */
  private ringBytes(capacity: number): number {
    return this.layout.ringHeaderBytes + capacity * COMMAND_SLOTS * 8;
  }

  private checkRingCapacity(capacity: number, field: string): void {
    const { ringCapacityMin, ringCapacityMax } = this.layout;
    if (!Number.isInteger(capacity) || capacity < ringCapacityMin || capacity > ringCapacityMax || (capacity & (capacity - 1)) !== 0) {
      throw new RangeError(`${field}: must be a power of two in [${ringCapacityMin}, ${ringCapacityMax}], got ${capacity}`);
    }
  }

  private enqueueOne(action: number, symbol: number, owner: number, clientOrderId: number, orderId: number, side: number, type: number, price: number, quantity: number): ExecutionReport | null {
    const s = this.single;
    s[CommandSlot.action] = action;
    s[CommandSlot.symbol] = checkNumber(symbol, 'symbol');
    s[CommandSlot.owner] = checkNumber(owner, 'owner');
    s[CommandSlot.clientOrderId] = checkNumber(clientOrderId, 'clientOrderId');
    s[CommandSlot.orderId] = checkNumber(orderId, 'orderId');
    s[CommandSlot.side] = checkNumber(side, 'side');
    s[CommandSlot.type] = checkNumber(type, 'type');
    s[CommandSlot.price] = checkNumber(price, 'price');
    s[CommandSlot.quantity] = checkNumber(quantity, 'quantity');
    let accepted: number;
    try {
      accepted = this.native.enqueue(s, 1);
    } catch (error) {
      throw asSingleCommandError(error);
    }
    return accepted === 1 ? null : busyReport(s);
  }

  private subscribe(kind: 'reports' | 'market-data', owners: number[] | null, handler: (batch: ReportBatch) => void): Subscription {
    if (typeof handler !== 'function') throw new TypeError('handler: must be a function');
    const id = this.native.subscribe(kind, owners, (records, count) => {
      try {
        handler({ records, count });
      } catch (error) {
        this.handlerErrorsCaught++;
        try {
          this.onHandlerError?.(error);
        } catch {
          // A throwing error hook must not stop delivery either; the count above records it.
        }
      }
    });
    const native = this.native;
    return { id, unsubscribe: () => void native.unsubscribe(id) };
  }
}

function checkNumber(value: unknown, field: string): number {
  if (typeof value !== 'number') throw new TypeError(`${field}: must be a number, got ${show(value)}`);
  return value;
}

function addressOf(ref: ThreadedOrderRef): [orderId: number, clientOrderId: number, symbol: number] {
  requireObject(ref, 'order reference');
  const r = ref as { orderId?: unknown; clientOrderId?: unknown; symbol?: unknown };
  const orderId = r.orderId === undefined ? 0 : checkNumber(r.orderId, 'orderId');
  if (orderId !== 0) return [orderId, 0, 0];
  if (r.symbol === undefined) {
    throw new TypeError('symbol: required to address an order by clientOrderId in the threaded engine (it names the shard)');
  }
  return [0, checkNumber(r.clientOrderId, 'clientOrderId'), checkNumber(r.symbol, 'symbol')];
}

/** The synchronous answer to a command that found its shard's queue full. */
function busyReport(command: Float64Array): ExecutionReport {
  const action = command[CommandSlot.action];
  const isNew = action === Action.NEW;
  const record = new Float64Array(REPORT_SLOTS);
  const report = decodeReport(record, 0);
  return {
    ...report,
    kind: isNew ? ExecKind.REJECTED : ExecKind.CANCEL_REJECTED,
    reason: Reason.BUSY,
    orderId: isNew ? 0 : command[CommandSlot.orderId]!,
    owner: command[CommandSlot.owner]!,
    clientOrderId: command[CommandSlot.clientOrderId]!,
    symbol: command[CommandSlot.symbol]!,
    side: command[CommandSlot.side] as SideCode,
    price: isNew ? command[CommandSlot.price]! : 0,
    quantity: isNew ? command[CommandSlot.quantity]! : 0,
    tsReceiveNs: Number(process.hrtime.bigint()),
  };
}
