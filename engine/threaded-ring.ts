/**
 * The producer side of the zero-copy ingestion path: a JS thread (typically a worker) writes
 * command records straight into SharedArrayBuffer rings that the shard threads consume; there is
 * no Node-API call per command. One ring per (writer, shard): a writer routes each command to its
 * shard itself (same rule as native/core/threaded_routing.hpp) and is that ring's only producer.
 *
 * Layout: native/core/shared_ring.hpp (int32 head/tail/sleeping/closed fields 64 bytes apart,
 * then float64 records). The writer publishes its head every `publishEvery` records (and on
 * flush()): publishing per record costs 5-20x (TOOLCHAIN.md). A shard that parks sets `sleeping`;
 * the writer that publishes then calls wake() (one Node-API call, only when the shard sleeps).
 *
 * Contract: write() validates every field (RangeError naming it) and returns false, writing
 * nothing, when the target ring is full: BUSY for this path. Once a shard has stopped (the engine
 * closed), the next publication (flush(), every `publishEvery` writes, a full ring) throws
 * LOBSIM_ERR_CLOSED: records written since the last one were not read. Records are accepted once written; the
 * shard re-validates them (shared memory is hostile input) and counts what it drops. One writer
 * per ring set: ThreadedEngine.ringWriter() claims the set, and release() publishes and gives the
 * claim back, so another writer (in any thread) can take the set; the rings' heads live in the
 * shared memory, so the next writer goes on where the last one stopped.
 */
import { requireObject } from './commands.js';
import { LobsimError } from './errors.js';
import { show } from './options.js';
import { Action, COMMAND_SLOTS, CommandSlot, SYMBOL_ALL } from './protocol.js';
import type { Command } from './types.js';

/** Records between two publications of the head (amortizes the atomic store and the wake check). */
export const RING_PUBLISH_EVERY_DEFAULT = 256;

export interface RingLayout {
  ringHeaderBytes: number;
  ringHeadByte: number;
  ringTailByte: number;
  ringSleepingByte: number;
  ringClosedByte: number;
}

/** The fields of a RingLayout, which a descriptor carries to the writer's thread. */
export const RING_LAYOUT_KEYS = ['ringHeaderBytes', 'ringHeadByte', 'ringTailByte', 'ringSleepingByte', 'ringClosedByte'] as const satisfies readonly (keyof RingLayout)[];

/** Postable to a worker (structured clone shares the buffers). */
export interface RingSetDescriptor {
  readonly engineId: number;
  readonly shards: number;
  /** Records per ring (a power of two). */
  readonly capacity: number;
  readonly buffers: readonly SharedArrayBuffer[];
  readonly layout: RingLayout;
}

const SAFE = Number.MAX_SAFE_INTEGER;
const UINT32_MAX = 4294967295;

class Ring {
  readonly control: Int32Array;
  readonly records: Float64Array;
  head = 0; // Written, not necessarily published (uint32 arithmetic).
  published = 0;
  tailSeen = 0;

  constructor(buffer: SharedArrayBuffer, readonly capacity: number, private readonly layout: RingLayout) {
    this.control = new Int32Array(buffer, 0, layout.ringHeaderBytes / 4);
    this.records = new Float64Array(buffer, layout.ringHeaderBytes, capacity * COMMAND_SLOTS);
    this.head = Atomics.load(this.control, layout.ringHeadByte / 4) >>> 0;
    this.published = this.head;
  }

  free(): number {
    let free = this.capacity - ((this.head - this.tailSeen) >>> 0);
    if (free > 0) return free;
    this.tailSeen = Atomics.load(this.control, this.layout.ringTailByte / 4) >>> 0;
    free = this.capacity - ((this.head - this.tailSeen) >>> 0);
    return free;
  }

  /** Publishes the head; true when the consumer sleeps and must be woken. */
  publish(): boolean {
    if (this.head === this.published) return false;
    Atomics.store(this.control, this.layout.ringHeadByte / 4, this.head | 0);
    this.published = this.head;
    return Atomics.load(this.control, this.layout.ringSleepingByte / 4) !== 0;
  }

  closed(): boolean {
    return Atomics.load(this.control, this.layout.ringClosedByte / 4) !== 0;
  }

  /** Writes one record at the head (the caller checked free() > 0). */
  put(action: number, symbol: number, owner: number, clientOrderId: number, orderId: number, side: number, type: number, price: number, quantity: number): void {
    const r = this.records;
    const at = (this.head & (this.capacity - 1)) * COMMAND_SLOTS;
    r[at + CommandSlot.action] = action;
    r[at + CommandSlot.symbol] = symbol;
    r[at + CommandSlot.owner] = owner;
    r[at + CommandSlot.clientOrderId] = clientOrderId;
    r[at + CommandSlot.orderId] = orderId;
    r[at + CommandSlot.side] = side;
    r[at + CommandSlot.type] = type;
    r[at + CommandSlot.price] = price;
    r[at + CommandSlot.quantity] = quantity;
    this.head = (this.head + 1) >>> 0;
  }
}

export class RingWriter {
  readonly shards: number;
  private readonly rings: Ring[];
  private readonly publishEvery: number;
  private unpublished = 0;
  private released = false;

  /**
   * `wake(shard)` wakes a parked shard (ThreadedEngine.wake of an attached handle); `releaseClaim()`
   * clears the ring set's writer claim that ThreadedEngine.ringWriter() took.
   */
  constructor(descriptor: RingSetDescriptor, private readonly wake: (shard: number) => void, private readonly releaseClaim: () => void, publishEvery = RING_PUBLISH_EVERY_DEFAULT) {
    this.shards = descriptor.shards;
    this.rings = descriptor.buffers.map((buffer) => new Ring(buffer, descriptor.capacity, descriptor.layout));
    this.publishEvery = publishEvery;
  }

  writeCommand(command: Command): boolean {
    requireObject(command, 'command');
    return this.write(command.action, command.symbol, command.owner, command.clientOrderId, command.orderId, command.side, command.type, command.price, command.quantity);
  }

  /** Writes one command record (global terms); false when its ring is full (nothing written). */
  write(action: number, symbol: number, owner: number, clientOrderId: number, orderId: number, side: number, type: number, price: number, quantity: number): boolean {
    if (this.released) throw releasedError('write');
    // Checked field by field in straight-line code: this runs once per command on the hot path.
    checkField('action', action, 1, 4);
    checkField('symbol', symbol, -1, UINT32_MAX - 1);
    checkField('owner', owner, 0, UINT32_MAX);
    checkField('clientOrderId', clientOrderId, 0, SAFE);
    checkField('orderId', orderId, 0, SAFE);
    checkField('side', side, 0, 1);
    checkField('type', type, 0, 5);
    checkField('price', price, -SAFE, SAFE);
    checkField('quantity', quantity, -SAFE, SAFE);
    if (action === Action.NEW && type === 0) throw new RangeError('type: must be an integer in [1, 5], got 0');
    if (action === Action.MASS_CANCEL && symbol === SYMBOL_ALL) {
      return this.writeEverywhere(action, symbol, owner, clientOrderId, orderId, side, type, price, quantity);
    }
    const byId = (action === Action.CANCEL || action === Action.MODIFY) && orderId !== 0;
    const shard = byId ? (orderId - 1) % this.shards : (symbol >>> 0) % this.shards;
    const ring = this.rings[shard]!;
    if (ring.free() === 0) {
      this.flush();
      return false;
    }
    ring.put(action, symbol, owner, clientOrderId, orderId, side, type, price, quantity);
    if (++this.unpublished >= this.publishEvery) this.flush();
    return true;
  }

  /** Publishes every ring's head and wakes the shards that sleep. */
  flush(): void {
    if (this.released) throw releasedError('flush');
    this.unpublished = 0;
    // Checked where records become visible, not per write (a load on the hot path): what a writer
    // publishes after its shard stopped would never be read.
    for (const ring of this.rings) if (ring.closed()) throw closedError();
    for (let shard = 0; shard < this.rings.length; shard++) {
      if (this.rings[shard]!.publish()) this.wake(shard);
    }
  }

  /**
   * Publishes what was written (flush()) and gives up the ring set: this writer takes no more
   * records, and ThreadedEngine.ringWriter() may claim the set again, in this thread or another.
   * The claim is given back even when the publication throws (the engine closed: those records
   * are not read). A second call does nothing.
   */
  release(): void {
    if (this.released) return;
    try {
      this.flush();
    } finally {
      this.released = true;
      this.releaseClaim();
    }
  }

  /** True once the engine stopped consuming (closed). */
  closed(): boolean {
    return this.rings[0]!.closed();
  }

  private writeEverywhere(action: number, symbol: number, owner: number, clientOrderId: number, orderId: number, side: number, type: number, price: number, quantity: number): boolean {
    for (const ring of this.rings) {
      if (ring.free() === 0) {
        this.flush();
        return false;
      }
    }
    for (const ring of this.rings) ring.put(action, symbol, owner, clientOrderId, orderId, side, type, price, quantity);
    this.flush();
    return true;
  }
}

function releasedError(call: string): LobsimError {
  return new LobsimError('LOBSIM_ERR_USAGE', `ring writer ${call}: this writer was released (release()); claim the ring set again with ringWriter()`);
}

function closedError(): LobsimError {
  return new LobsimError('LOBSIM_ERR_CLOSED', 'ring writer: the threaded engine is closed; nothing was written');
}

/** Same ranges as the addon (threaded_records.hpp); the message names the field. */
function checkField(field: keyof typeof CommandSlot, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    if (typeof value !== 'number') throw new TypeError(`${field}: must be a number, got ${show(value)}`);
    throw new RangeError(`${field}: must be an integer in [${min}, ${max}], got ${value}`);
  }
}
