/**
 * What the deterministic runner needs of an engine: the batched record API with tops, the book
 * snapshot and the invariant check. The native Engine has it; `ReferenceBatchEngine` gives the
 * TypeScript reference book the same face, so a whole simulation can run on the oracle (a
 * differential check of the engine in situ, and the comparator of bench:sim).
 */
import { checkTops, Engine, TOP_SLOTS, TopSlot, type ReportBatch } from '../../engine/engine.js';
import { COMMAND_SLOTS, REPORT_SLOTS, ReportSlot } from '../../engine/protocol.js';
import { decodeCommand, encodeBbo, encodeReport, encodeRestingOrders } from '../../engine/records.js';
import { ReferenceBook } from '../../engine/reference-book.js';
import type { EngineOptions } from '../../engine/types.js';

/** Batches of fewer reports than this get a view of the output buffer made once (see view()). */
const VIEWS_CACHED = 64;

export interface BatchEngine {
  executeBatch(commands: Float64Array, count: number): ReportBatch;
  /** executeBatch, and the tops of the symbols its reports name (Engine.executeBatchWithTops). */
  executeBatchWithTops(commands: Float64Array, count: number, tops: Float64Array): ReportBatch;
  /** The book of `symbol` as resting-order records (RestingSlot layout), in snapshot order. */
  snapshotRecords(symbol: number): Float64Array;
  validate(): void;
  /** Frees the book now (Engine.close); the run calls it once its checks have read the books. */
  close(): void;
}

export type EngineKind = 'native' | 'reference';

export class ReferenceBatchEngine implements BatchEngine {
  private readonly book: ReferenceBook;
  private readonly instrumentCount: number;
  /** touched[symbol] === 1 while executeBatchWithTops has written its top. */
  private readonly touched: Uint8Array;
  private out = new Float64Array(1_024 * REPORT_SLOTS);
  /** views[n]: the first n records of `out`, made once per buffer, as the native Engine keeps them. */
  private views: Float64Array[] = [];

  constructor(options: EngineOptions) {
    this.book = new ReferenceBook(options);
    this.instrumentCount = options.instruments.length;
    this.touched = new Uint8Array(this.instrumentCount);
  }

  executeBatch(commands: Float64Array, count: number): ReportBatch {
    let written = 0;
    for (let index = 0; index < count; index++) {
      for (const report of this.book.execute(decodeCommand(commands.subarray(0, count * COMMAND_SLOTS), index))) {
        if ((written + 1) * REPORT_SLOTS > this.out.length) this.grow();
        encodeReport(report, this.out, written++);
      }
    }
    return { records: this.view(written), count: written };
  }

  private view(count: number): Float64Array {
    if (count >= VIEWS_CACHED) return this.out.subarray(0, count * REPORT_SLOTS);
    return (this.views[count] ??= this.out.subarray(0, count * REPORT_SLOTS));
  }

  executeBatchWithTops(commands: Float64Array, count: number, tops: Float64Array): ReportBatch {
    checkTops(tops, this.instrumentCount);
    const batch = this.executeBatch(commands, count);
    let symbols = 0;
    for (let report = 0; report < batch.count; report++) {
      const symbol = batch.records[report * REPORT_SLOTS + ReportSlot.symbol]!;
      if (!(symbol >= 0 && symbol < this.instrumentCount) || this.touched[symbol] === 1) continue;
      this.touched[symbol] = 1;
      const at = 1 + symbols++ * TOP_SLOTS;
      tops[at + TopSlot.symbol] = symbol;
      encodeBbo(this.book.bbo(symbol), tops, at + TopSlot.bidPrice);
    }
    tops[0] = symbols;
    for (let index = 0; index < symbols; index++) this.touched[tops[1 + index * TOP_SLOTS + TopSlot.symbol]!] = 0;
    return batch;
  }

  snapshotRecords(symbol: number): Float64Array {
    return encodeRestingOrders(this.book.snapshot(symbol));
  }

  validate(): void {
    this.book.validate();
  }

  close(): void {
    // Garbage-collected memory only: nothing to free ahead of the collector.
  }

  private grow(): void {
    const grown = new Float64Array(this.out.length * 2);
    grown.set(this.out);
    this.out = grown;
    this.views = [];
  }
}

export function createBatchEngine(kind: EngineKind, options: EngineOptions): BatchEngine {
  return kind === 'native' ? new Engine(options) : new ReferenceBatchEngine(options);
}
