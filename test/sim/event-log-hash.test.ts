/**
 * The event-log hash: equal logs hash equal, any one changed word changes the hash (each lane's
 * step is a bijection), the slots a lane-sized stride leaves over count too, a change in a small
 * integer field (whose float64 low word is zero) reaches both halves of the digest, and the trace
 * keeps the same running hash whether records come one call at a time or many per call.
 */
import { describe, expect, it } from 'vitest';
import { COMMAND_SLOTS, REPORT_SLOTS } from '../../engine/protocol.js';
import { EventLogHash, firstDivergence, wordsOf } from '../../sim/deterministic/event-log-hash.js';

/** The running hash after event `index` as the 16 hex digits digest() prints. */
const hexAfter = (hash: EventLogHash, index: number): string =>
  hash.hashAfter(index)!.map((half) => half.toString(16).padStart(8, '0')).join('');

function records(count: number, slots: number): Float64Array {
  const values = new Float64Array(count * slots);
  for (let at = 0; at < values.length; at++) values[at] = (at * 7919) % 100_003;
  return values;
}

function hashOf(values: Float64Array, slots: number, options: { trace?: boolean; perCall?: number } = {}): EventLogHash {
  const hash = new EventLogHash({ trace: options.trace ?? false });
  const count = values.length / slots;
  const perCall = options.perCall ?? count;
  const words = wordsOf(values);
  for (let from = 0; from < count; from += perCall) hash.addRecords(words, from, Math.min(perCall, count - from), slots);
  return hash;
}

describe('EventLogHash', () => {
  it('hashes equal logs equal and counts one event per record', () => {
    const a = hashOf(records(50, REPORT_SLOTS), REPORT_SLOTS);
    const b = hashOf(records(50, REPORT_SLOTS), REPORT_SLOTS, { perCall: 3 });
    expect(a.digest()).toMatch(/^[0-9a-f]{16}$/);
    expect(b.digest()).toBe(a.digest());
    expect(a.eventCount).toBe(50);
  });

  it('changes when any single word of a record changes, the last words of an odd-sized record included', () => {
    for (const slots of [COMMAND_SLOTS, REPORT_SLOTS]) {
      const values = records(4, slots);
      const reference = hashOf(values, slots).digest();
      const words = wordsOf(values);
      const seen = new Set([reference]);
      for (let word = 0; word < words.length; word++) {
        const saved = words[word]!;
        words[word] = saved ^ 1;
        seen.add(hashOf(values, slots).digest());
        words[word] = saved;
      }
      expect(seen.size, `${slots} slots`).toBe(words.length + 1);
      expect(hashOf(values, slots).digest()).toBe(reference);
    }
  });

  it('carries a change of one small integer field into both halves of the digest', () => {
    // Report-like records of small integers (kind, side, owner, quantity...): every low word is 0.
    const values = new Float64Array(10 * REPORT_SLOTS);
    for (let at = 0; at < values.length; at++) values[at] = (at * 37) % 1000;
    const reference = hashOf(values, REPORT_SLOTS).digest();
    for (let at = 0; at < values.length; at++) {
      const saved = values[at]!;
      values[at] = saved + 1;
      const changed = hashOf(values, REPORT_SLOTS).digest();
      values[at] = saved;
      expect(changed.slice(0, 8), `slot ${at}: high half`).not.toBe(reference.slice(0, 8));
      expect(changed.slice(8), `slot ${at}: low half`).not.toBe(reference.slice(8));
    }
  });

  it('depends on the order of records', () => {
    const values = records(2, COMMAND_SLOTS);
    const swapped = new Float64Array(values.length);
    swapped.set(values.subarray(COMMAND_SLOTS), 0);
    swapped.set(values.subarray(0, COMMAND_SLOTS), COMMAND_SLOTS);
    expect(hashOf(swapped, COMMAND_SLOTS).digest()).not.toBe(hashOf(values, COMMAND_SLOTS).digest());
  });

  it('traces the same digest as an untraced run and names the first diverging event', () => {
    const values = records(20, REPORT_SLOTS);
    const plain = hashOf(values, REPORT_SLOTS);
    const traced = hashOf(values, REPORT_SLOTS, { trace: true, perCall: 7 });
    expect(traced.digest()).toBe(plain.digest());
    expect(hexAfter(traced, 19)).toBe(plain.digest());
    expect(traced.hashAfter(20)).toBeNull();
    expect(plain.hashAfter(0)).toBeNull();
    expect(firstDivergence(traced, hashOf(values, REPORT_SLOTS, { trace: true }))).toBe(-1);
    const changed = records(20, REPORT_SLOTS);
    changed[12 * REPORT_SLOTS + 5] = -1;
    expect(firstDivergence(traced, hashOf(changed, REPORT_SLOTS, { trace: true }))).toBe(12);
  });
});
