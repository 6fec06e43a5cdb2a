/**
 * The typed face of the native matching engine (inline mode: matching runs in the caller's thread).
 *
 * Two APIs over one native entry point:
 * - per command: `submit`, `cancel`, `modify`, `massCancel`, `execute` take objects and return
 *   report objects. Simple; one Node-API crossing per command.
 * - batched: `executeBatch(records, count)` takes command records (protocol.ts) and returns report
 *   records in a view that stays valid until the next call. One crossing per batch, no JS object
 *   per order: the path for high rates.
 *
 * Options are validated once, here, with errors that name the field; the addon checks every value
 * again at the boundary (TypeError or RangeError naming the field), so a hostile call never
 * reaches the core.
 */
import { types } from 'node:util';
import { addressed, asSingleCommandError, newOrderCommand } from './commands.js';
import { InvariantError, LobsimError } from './errors.js';
import { loadAddon, type NativeEngineHandle, type NativeStats } from './native.js';
import { show, validateEngineOptions } from './options.js';
import { Action, COMMAND_SLOTS, CommandSlot, OrderType, REPORT_SLOTS, Side, SYMBOL_ALL, type SideCode } from './protocol.js';
import { BBO_RECORD_SLOTS, decodeBbo, decodeReports, decodeRestingOrders, encodeCommand } from './records.js';
import type {
  Bbo,
  Command,
  Depth,
  EngineOptions,
  ExecutionReport,
  Level,
  Modify,
  NewOrder,
  OrderBookEngine,
  OrderRef,
  RestingOrder,
} from './types.js';

/** Batches of fewer reports than this get a cached view of the output buffer. */
const REPORT_VIEWS_CACHED = 64;

/** One record of executeBatchWithTops's `tops`: a symbol, then its best bid and offer in decodeBbo's layout. */
export const TopSlot = { symbol: 0, bidPrice: 1, bidQuantity: 2, bidCount: 3, askPrice: 4, askQuantity: 5, askCount: 6 } as const;
export const TOP_SLOTS = 7;

/** The length executeBatchWithTops needs of `tops` for an engine of `instrumentCount` symbols. */
export function topsLength(instrumentCount: number): number {
  return 1 + TOP_SLOTS * instrumentCount;
}

/**
 * Throws unless `tops` can take executeBatchWithTops's answer for `instrumentCount` symbols: a
 * Float64Array of any realm (a vm context's too) of at least topsLength(instrumentCount) elements.
 * Both batch engines check with it, before running anything.
 */
export function checkTops(tops: unknown, instrumentCount: number): asserts tops is Float64Array {
  if (!types.isFloat64Array(tops)) throw new TypeError('tops: must be a Float64Array');
  const needed = topsLength(instrumentCount);
  if (tops.length < needed) {
    throw new RangeError(`tops: must hold at least 1 + ${TOP_SLOTS} x instruments = ${needed} elements, got ${tops.length}`);
  }
}

export interface ReportBatch {
  /** Report records (protocol.ts ReportSlot layout); valid until the engine's next call. */
  readonly records: Float64Array;
  readonly count: number;
}

export type EngineStats = NativeStats;

export class Engine implements OrderBookEngine {
  readonly instrumentCount: number;
  readonly batchCommandsMax: number;
  private readonly native: NativeEngineHandle;
  private readonly symbols: Map<string, number>;
  private readonly single = new Float64Array(COMMAND_SLOTS);
  /** execute() calls so far: one that changes while a command is read was a nested call (see execute). */
  private executeCalls = 0;
  private readonly bboAnswer = new Float64Array(BBO_RECORD_SLOTS);
  /** The addon's report records (its area), where every batch's reports land first. */
  private out!: Float64Array;
  /** reportViews[n]: the first n records of `out` (see reportView). */
  private reportViews!: Float64Array[];
  /** The addon's tops, copied to the caller's array by executeBatchWithTops. */
  private ownTops!: Float64Array;
  private readonly areaReportRecords: number;
  /** A batch with more reports than `out` holds gets them all here (grown as needed). */
  private overflow = new Float64Array(0);

  constructor(options: EngineOptions) {
    const resolved = validateEngineOptions(options);
    const addon = loadAddon();
    if (addon.layout.commandSlots !== COMMAND_SLOTS || addon.layout.reportSlots !== REPORT_SLOTS) {
      throw new InvariantError('the native addon was built from another record layout: run `npm run build:addon`');
    }
    this.native = new addon.NativeEngine(resolved);
    this.batchCommandsMax = addon.layout.batchCommandsMax;
    this.instrumentCount = resolved.instruments.length;
    if (addon.layout.topSlots !== TOP_SLOTS) throw new InvariantError('the native addon was built from another top record layout: run `npm run build:addon`');
    this.areaReportRecords = addon.layout.areaReportRecords;
    this.symbols = new Map(resolved.instruments.map((instrument, index) => [instrument.symbol, index]));
    this.viewArea();
  }

  /**
   * Views of the addon's area. A caller may transfer a batch's buffer (the area) to a worker; the
   * addon then gives the next batch a new area, and its views are made again here.
   */
  private viewArea(): void {
    const reportSlots = this.areaReportRecords * REPORT_SLOTS;
    this.out = new Float64Array(this.native.area, 0, reportSlots);
    this.ownTops = new Float64Array(this.native.area, reportSlots * Float64Array.BYTES_PER_ELEMENT, topsLength(this.instrumentCount));
    this.reportViews = Array.from({ length: REPORT_VIEWS_CACHED }, (_, count) => this.out.subarray(0, count * REPORT_SLOTS));
  }

  /** The index of a configured symbol, or -1 (which the engine rejects as UNKNOWN_SYMBOL). */
  symbolIndex(symbol: string): number {
    return this.symbols.get(symbol) ?? -1;
  }

  /** Runs `count` command records; returns the reports in a view valid until the next call. */
  executeBatch(commands: Float64Array, count: number): ReportBatch {
    const total = this.native.run(commands, count, false);
    return { records: this.reportView(total), count: total };
  }

  /**
   * executeBatch, and in the same crossing into the addon the best bid and offer of every symbol
   * the batch's reports name: tops[0] = n, then n records of TOP_SLOTS (TopSlot layout), in the
   * order the symbols first appear. `tops` must hold topsLength(instrumentCount) elements. For a
   * caller that refreshes quotes after every small batch (the deterministic harness), where a
   * separate bbo() per symbol would double the crossings.
   */
  executeBatchWithTops(commands: Float64Array, count: number, tops: Float64Array): ReportBatch {
    checkTops(tops, this.instrumentCount);
    const total = this.native.run(commands, count, true);
    const records = this.reportView(total);
    const own = this.ownTops;
    const slots = 1 + own[0]! * TOP_SLOTS;
    for (let slot = 0; slot < slots; slot++) tops[slot] = own[slot]!;
    return { records, count: total };
  }

  /**
   * The first `count` records of the batch just run. Views of fewer than REPORT_VIEWS_CACHED records
   * are made once and kept: a caller running one command per batch (the deterministic harness)
   * would otherwise pay a subarray() per call, which V8 makes slowly. A batch with more reports than
   * the addon's area holds is gathered in `overflow`.
   */
  private reportView(count: number): Float64Array {
    if (this.out.length === 0) this.viewArea();
    if (count < REPORT_VIEWS_CACHED) return this.reportViews[count]!;
    const capacity = this.out.length / REPORT_SLOTS;
    if (count <= capacity) return this.out.subarray(0, count * REPORT_SLOTS);
    if (this.overflow.length < count * REPORT_SLOTS) this.overflow = new Float64Array(Math.max(count, 2 * this.overflow.length / REPORT_SLOTS) * REPORT_SLOTS);
    this.overflow.set(this.out);
    const pending = this.native.drain(this.overflow, capacity);
    if (pending !== 0) throw new InvariantError(`drain left ${pending} reports behind`);
    return this.overflow.subarray(0, count * REPORT_SLOTS);
  }

  execute(command: Command): ExecutionReport[] {
    // A command's fields may be getters, and a getter may call this engine: its command would be
    // encoded into the same record halfway through this one's, and the mix of both would run. A
    // count of calls tells it afterwards without a try/finally on this per-call path.
    const call = ++this.executeCalls;
    checkFieldTypes(command);
    encodeCommand(command, this.single, 0);
    if (call !== this.executeCalls) throw new LobsimError('LOBSIM_ERR_USAGE', 'execute: another command ran on this engine while this one was being read (from a getter of its fields); this one did not run');
    let total: number;
    try {
      total = this.native.run(this.single, 1, false);
    } catch (error) {
      throw asSingleCommandError(error);
    }
    return decodeReports(this.reportView(total), total);
  }

  submit(order: NewOrder): ExecutionReport[] {
    return this.execute(newOrderCommand(order));
  }

  cancel(ref: OrderRef): ExecutionReport[] {
    return this.execute(addressed(Action.CANCEL, ref, 0, 0));
  }

  modify(change: Modify): ExecutionReport[] {
    return this.execute(addressed(Action.MODIFY, change, change.price, change.quantity));
  }

  massCancel(owner: number, symbol: number = SYMBOL_ALL): ExecutionReport[] {
    return this.execute({ ...addressed(Action.MASS_CANCEL, { owner }, 0, 0), symbol });
  }

  bbo(symbol: number): Bbo {
    this.native.bbo(symbol, this.bboAnswer);
    return decodeBbo(this.bboAnswer, 0);
  }

  depth(symbol: number, levels: number): Depth {
    const raw = this.native.depth(symbol, levels);
    return { bids: toLevels(raw.bids), asks: toLevels(raw.asks) };
  }

  snapshot(symbol: number): RestingOrder[] {
    return decodeRestingOrders(this.native.snapshot(symbol));
  }

  /** snapshot() as records (RestingSlot layout), for callers that read a whole book of 10^5 orders. */
  snapshotRecords(symbol: number): Float64Array {
    return this.native.snapshot(symbol);
  }

  stats(): EngineStats {
    return this.native.stats();
  }

  /** FNV-1a 64 of every book in canonical order, as 16 hex digits (same as ReferenceBook). */
  stateHash(): string {
    return this.native.stateHash();
  }

  validate(): void {
    const problem = this.native.validate();
    if (problem !== '') throw new InvariantError(problem);
  }

  /**
   * Frees the native book now rather than at garbage collection. Later calls throw an Error with
   * code LOBSIM_ERR_CLOSED; closing twice is allowed.
   */
  close(): void {
    this.native.close();
  }
}

const COMMAND_FIELDS = Object.keys(CommandSlot) as (keyof typeof CommandSlot)[];

/** A record slot cannot tell a string from NaN, so wrong types are caught here, by name. */
function checkFieldTypes(command: Command): void {
  if (typeof command !== 'object' || command === null) throw new TypeError('command: must be an object');
  for (const field of COMMAND_FIELDS) {
    const value: unknown = command[field];
    if (typeof value !== 'number') throw new TypeError(`${field}: must be a number, got ${show(value)}`);
  }
}

function toLevels(raw: Float64Array): Level[] {
  const levels: Level[] = [];
  for (let at = 0; at < raw.length; at += 3) levels.push({ price: raw[at]!, quantity: raw[at + 1]!, count: raw[at + 2]! });
  return levels;
}

export { Action, OrderType, Side };
