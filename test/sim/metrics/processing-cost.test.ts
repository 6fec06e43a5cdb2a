/**
 * ProcessingCostMeter with an injected clock (exact numbers), and once with the real clock.
 */
import { describe, expect, it } from 'vitest';
import { InvariantError } from '../../../engine/errors.js';
import { mergeProcessingCosts, ProcessingCostMeter } from '../../../sim/metrics/processing-cost.js';

/** A clock that advances by the given steps, one per read. */
function scriptedClock(readsNs: number[]): () => bigint {
  let i = 0;
  return () => BigInt(readsNs[i++] ?? Number.NaN);
}

describe('ProcessingCostMeter', () => {
  it('sums batches into events, totalMs, nsPerEvent and eventsPerS', () => {
    const meter = new ProcessingCostMeter(scriptedClock([0, 1_000_000, 5_000_000, 8_000_000]));
    meter.begin();
    meter.end(1_000); // 1 ms for 1000 events: 1000 ns per event
    meter.begin();
    meter.end(1_000); // 3 ms for 1000 events: 3000 ns per event
    expect(meter.summary()).toEqual({
      events: 2_000, batches: 2, totalMs: 4, nsPerEvent: 2_000, eventsPerS: 500_000, batchNsPerEventMax: 3_000,
    });
  });

  it('measure() times a function as one batch and returns its value, even when it throws', () => {
    const meter = new ProcessingCostMeter(scriptedClock([10, 110, 200, 500]));
    expect(meter.measure(10, () => 'done')).toBe('done');
    expect(() => meter.measure(3, () => { throw new Error('boom'); })).toThrow('boom');
    expect(meter.summary().events).toBe(13);
    expect(meter.summary().totalMs).toBe(400 / 1e6);
  });

  it('asserts begin/end pairing and valid counts', () => {
    const meter = new ProcessingCostMeter(scriptedClock([0, 1, 2, 3]));
    expect(() => meter.end(1)).toThrow(InvariantError);
    meter.begin();
    expect(() => meter.begin()).toThrow(InvariantError);
    expect(() => meter.add(-1, 5)).toThrow(InvariantError);
    expect(() => meter.add(1, -5)).toThrow(InvariantError);
  });

  it('reports nulls before any event', () => {
    expect(new ProcessingCostMeter().summary()).toEqual({
      events: 0, batches: 0, totalMs: 0, nsPerEvent: null, eventsPerS: null, batchNsPerEventMax: null,
    });
  });

  it('measures real time with the default clock', () => {
    const meter = new ProcessingCostMeter();
    meter.measure(1, () => {
      const until = performance.now() + 2;
      while (performance.now() < until) { /* spin about 2 ms */ }
    });
    expect(meter.summary().totalMs).toBeGreaterThanOrEqual(1.9);
    expect(meter.summary().totalMs).toBeLessThan(1_000);
  });
});

describe('mergeProcessingCosts', () => {
  it('adds events, batches and time, and keeps the worst batch', () => {
    const a = { events: 100, batches: 1, totalMs: 1, nsPerEvent: 10_000, eventsPerS: 100_000, batchNsPerEventMax: 10_000 };
    const b = { events: 300, batches: 2, totalMs: 1, nsPerEvent: 3_333, eventsPerS: 300_000, batchNsPerEventMax: 4_000 };
    expect(mergeProcessingCosts([a, b])).toEqual({
      events: 400, batches: 3, totalMs: 2, nsPerEvent: 5_000, eventsPerS: 200_000, batchNsPerEventMax: 10_000,
    });
  });
});
