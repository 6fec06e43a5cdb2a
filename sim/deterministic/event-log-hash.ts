/**
 * The event log's hash: every command record entering the engine and every report record leaving
 * it, in order, folded into four 32-bit multiplicative lanes that digest() mixes into 64 bits. It
 * reads the records' float64 bit patterns through a Uint32Array view, so it costs a few integer
 * operations per word and no allocation. Equal logs give equal hashes on every machine: the records
 * hold integers only, whose float64 encodings are exact.
 *
 * Slot i of a record (both of its words, low then high) goes to lane i mod 4. Four lanes, not one
 * chain, because the harness hashes 18 slots per event and a single multiply chain runs at the
 * multiplier's latency: four independent chains keep the CPU's multipliers busy (about 7x faster in
 * V8). A lane takes whole slots because most slots hold small integers, whose low word is zero: a
 * lane fed only low words would learn almost nothing. Each step, h -> mix((h ^ word) * odd), is a
 * bijection of h for a fixed word and of the word for a fixed h, so two logs that differ in a
 * single word always differ in that lane's final state; each half of the digest mixes all four
 * lanes, so such a difference reaches both.
 *
 * Optionally it keeps the running hash after every event (`trace`), so that --check-determinism can
 * name the first event where two runs diverge.
 */

/** Events a trace keeps before it stops recording (8 bytes each). */
export const TRACE_EVENTS_MAX = 50_000_000;
const TRACE_CHUNK_EVENTS = 1 << 20;
/** Independent multiply chains of the hash. */
const LANES = 4;
/** Words of one float64 slot. */
const SLOT_WORDS = 2;
/** Odd multipliers of the lanes (FNV-1a's prime, murmur2's and murmur3's constants). */
const LANE_MULTIPLIERS = [0x01000193, 0x5bd1e995, 0x85ebca6b, 0xc2b2ae35] as const;
/** Odd multipliers that weigh the lanes into the two halves of the digest (golden ratio, murmur3). */
const HALF_WEIGHTS = [0x9e3779b1, 0x85ebca77, 0xc2b2ae3d] as const;

export class EventLogHash {
  /**
   * The four lanes' states: an Int32Array, as the values are int32 whatever their size (a plain
   * field would change representation when a lane first reached 2^30).
   */
  private readonly lanes = Int32Array.of(0x811c9dc5, 0x9747b28c, 0x2545f491, 0x6a09e667);
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
    const wordsPerRecord = slots * SLOT_WORDS;
    for (let record = from; record < from + count; record++) {
      this.fold(words, record * wordsPerRecord, (record + 1) * wordsPerRecord);
      this.events++;
      if (this.trace !== null) this.remember();
    }
  }

  /** Folds one record's words [start, end): slot i into lane i mod LANES. */
  private fold(words: Uint32Array, start: number, end: number): void {
    const lanes = this.lanes;
    const m0 = LANE_MULTIPLIERS[0];
    const m1 = LANE_MULTIPLIERS[1];
    const m2 = LANE_MULTIPLIERS[2];
    const m3 = LANE_MULTIPLIERS[3];
    let lane0 = lanes[0]!;
    let lane1 = lanes[1]!;
    let lane2 = lanes[2]!;
    let lane3 = lanes[3]!;
    const stride = LANES * SLOT_WORDS;
    let at = start;
    for (; at + stride <= end; at += stride) {
      lane0 = step(step(lane0, words[at]!, m0), words[at + 1]!, m0);
      lane1 = step(step(lane1, words[at + 2]!, m1), words[at + 3]!, m1);
      lane2 = step(step(lane2, words[at + 4]!, m2), words[at + 5]!, m2);
      lane3 = step(step(lane3, words[at + 6]!, m3), words[at + 7]!, m3);
    }
    lanes[0] = lane0;
    lanes[1] = lane1;
    lanes[2] = lane2;
    lanes[3] = lane3;
    // A record of 4n + k slots (a command: 9, a report: 18) leaves k slots, for lanes 0 .. k - 1.
    for (let lane = 0; at < end; lane++, at += SLOT_WORDS) {
      const multiplier = LANE_MULTIPLIERS[lane]!;
      lanes[lane] = step(step(lanes[lane]!, words[at]!, multiplier), words[at + 1]!, multiplier);
    }
  }

  /** The high 32 bits of the hash so far: every lane, weighed, through murmur3's finalizer. */
  private high(): number {
    const lanes = this.lanes;
    return finalMix(lanes[0]! ^ Math.imul(lanes[1]!, HALF_WEIGHTS[0]) ^ Math.imul(lanes[2]!, HALF_WEIGHTS[1]) ^ Math.imul(lanes[3]!, HALF_WEIGHTS[2])) >>> 0;
  }

  /** The low 32 bits: every lane again, weighed in the other order. */
  private low(): number {
    const lanes = this.lanes;
    return finalMix(lanes[3]! ^ Math.imul(lanes[2]!, HALF_WEIGHTS[0]) ^ Math.imul(lanes[1]!, HALF_WEIGHTS[1]) ^ Math.imul(lanes[0]!, HALF_WEIGHTS[2])) >>> 0;
  }

  /** The hash as 16 hex digits. */
  digest(): string {
    return this.high().toString(16).padStart(8, '0') + this.low().toString(16).padStart(8, '0');
  }

  /** The running hash after event `index` (0-based), or null when it was not traced. */
  hashAfter(index: number): [number, number] | null {
    if (!this.trace || index >= Math.min(this.events, TRACE_EVENTS_MAX)) return null;
    const chunk = this.trace[Math.floor(index / TRACE_CHUNK_EVENTS)]!;
    const at = (index % TRACE_CHUNK_EVENTS) * 2;
    return [chunk[at]!, chunk[at + 1]!];
  }

  private remember(): void {
    const index = this.events - 1;
    if (index >= TRACE_EVENTS_MAX) return;
    const chunkIndex = Math.floor(index / TRACE_CHUNK_EVENTS);
    if (chunkIndex === this.trace!.length) this.trace!.push(new Uint32Array(TRACE_CHUNK_EVENTS * 2));
    const at = (index % TRACE_CHUNK_EVENTS) * 2;
    this.trace![chunkIndex]![at] = this.high();
    this.trace![chunkIndex]![at + 1] = this.low();
  }
}

/** One lane step: the word in, then a multiply and a shift-xor (each a bijection). */
function step(lane: number, word: number, multiplier: number): number {
  const h = Math.imul(lane ^ word, multiplier);
  return h ^ (h >>> 15);
}

function finalMix(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
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
