/**
 * The event log's hash: every command record entering the engine and every report record leaving
 * it, in order, folded into two independent 32-bit multiplicative hashes (64 bits together). It
 * reads the records' float64 bit patterns through a Uint32Array view, so it costs a few integer
 * operations per slot and no allocation. Equal logs give equal hashes on every machine: the records
 * hold integers only, whose float64 encodings are exact.
 *
 * Optionally it keeps the running hash after every event (`trace`), so that --check-determinism can
 * name the first event where two runs diverge.
 */

/** Events a trace keeps before it stops recording (8 bytes each). */
export const TRACE_EVENTS_MAX = 50_000_000;
const TRACE_CHUNK_EVENTS = 1 << 20;

export class EventLogHash {
  private h1 = 0x811c9dc5;
  private h2 = 0x9747b28c;
  private events = 0;
  private readonly trace: Uint32Array[] | null;

  constructor(options: { trace?: boolean } = {}) {
    this.trace = options.trace ? [] : null;
  }

  get eventCount(): number {
    return this.events;
  }

  /**
   * Folds records [from, from + count) of `records`, `slots` float64 slots each. `words` must be a
   * Uint32Array view of the same memory (wordsOf(records)), made once per buffer, not per call.
   */
  addRecords(words: Uint32Array, from: number, count: number, slots: number): void {
    const wordsPerRecord = slots * 2;
    let h1 = this.h1;
    let h2 = this.h2;
    for (let record = from; record < from + count; record++) {
      const base = record * wordsPerRecord;
      for (let at = base; at < base + wordsPerRecord; at++) {
        const word = words[at]!;
        h1 = Math.imul(h1 ^ word, 0x01000193);
        h2 = Math.imul(h2 ^ word, 0x5bd1e995);
        h2 ^= h2 >>> 15;
      }
      this.events++;
      if (this.trace) this.remember(h1, h2);
    }
    this.h1 = h1;
    this.h2 = h2;
  }

  /** The hash as 16 hex digits. */
  digest(): string {
    return (this.h1 >>> 0).toString(16).padStart(8, '0') + (this.h2 >>> 0).toString(16).padStart(8, '0');
  }

  /** The running hash after event `index` (0-based), or null when it was not traced. */
  hashAfter(index: number): [number, number] | null {
    if (!this.trace || index >= Math.min(this.events, TRACE_EVENTS_MAX)) return null;
    const chunk = this.trace[Math.floor(index / TRACE_CHUNK_EVENTS)]!;
    const at = (index % TRACE_CHUNK_EVENTS) * 2;
    return [chunk[at]!, chunk[at + 1]!];
  }

  private remember(h1: number, h2: number): void {
    const index = this.events - 1;
    if (index >= TRACE_EVENTS_MAX) return;
    const chunkIndex = Math.floor(index / TRACE_CHUNK_EVENTS);
    if (chunkIndex === this.trace!.length) this.trace!.push(new Uint32Array(TRACE_CHUNK_EVENTS * 2));
    const at = (index % TRACE_CHUNK_EVENTS) * 2;
    this.trace![chunkIndex]![at] = h1 >>> 0;
    this.trace![chunkIndex]![at + 1] = h2 >>> 0;
  }
}

/** The Uint32Array view over a Float64Array's memory that addRecords reads. */
export function wordsOf(records: Float64Array): Uint32Array {
  return new Uint32Array(records.buffer, records.byteOffset, records.length * 2);
}

/** The index of the first event whose running hash differs between two traced logs, or -1. */
export function firstDivergence(a: EventLogHash, b: EventLogHash): number {
  const common = Math.min(a.eventCount, b.eventCount, TRACE_EVENTS_MAX);
  for (let index = 0; index < common; index++) {
    const x = a.hashAfter(index)!;
    const y = b.hashAfter(index)!;
    if (x[0] !== y[0] || x[1] !== y[1]) return index;
  }
  return a.eventCount === b.eventCount ? -1 : common;
}
