/**
 * LatencyRecorder: corrected versus raw, clamping, operation names, exact merges of records.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, InvariantError } from '../../../engine/errors.js';
import { decodeHistogram, latencyNsMax } from '../../../sim/metrics/hdr.js';
import {
  LATENCY_OPERATIONS,
  LatencyRecorder,
  mergeLatencyRecords,
  summarizeRecord,
} from '../../../sim/metrics/latency-recorder.js';

const us = 1000;
const ms = 1_000_000;

/** Open-loop schedule every 1 ms; the sender stalls 50 ms at order 100 and then sends as fast as it can. */
function stalledSchedule(n: number): Array<{ planned: number; sent: number; received: number }> {
  const rows = [];
  let senderFreeAt = 0;
  for (let i = 0; i < n; i++) {
    const planned = i * ms;
    const sent = Math.max(planned, senderFreeAt);
    senderFreeAt = sent + (i === 100 ? 50 * ms : 10 * us);
    rows.push({ planned, sent, received: sent + 20 * us });
  }
  return rows;
}

describe('LatencyRecorder', () => {
  it('corrected measures from the planned send, raw from the actual send', () => {
    const recorder = new LatencyRecorder();
    for (const row of stalledSchedule(1_000)) recorder.record('ack', row.planned, row.sent, row.received);
    const raw = recorder.summary('ack', 'raw');
    const corrected = recorder.summary('ack', 'corrected');
    expect(raw.count).toBe(1_000);
    expect(corrected.count).toBe(1_000);
    // Every round trip took 20 us once sent.
    expect(raw.max_us).toBeCloseTo(20, 1);
    // The orders planned during the stall waited up to ~50 ms before being sent.
    expect(corrected.max_us!).toBeGreaterThan(48_000);
    expect(corrected.p99_us!).toBeGreaterThan(1_000);
    expect(corrected.p50_us).toBeCloseTo(20, 1);
  });

  it('equal when every order leaves on time', () => {
    const recorder = new LatencyRecorder();
    for (let i = 0; i < 100; i++) recorder.record('cancel', i * ms, i * ms, i * ms + (i + 1) * us);
    expect(recorder.summary('cancel', 'corrected')).toEqual(recorder.summary('cancel', 'raw'));
  });

  it('clamps values above latencyNsMax, counts them, and never throws', () => {
    const recorder = new LatencyRecorder();
    expect(() => recorder.record('fill', 0, 0, latencyNsMax * 10)).not.toThrow();
    recorder.record('fill', 0, 0, 5 * us);
    expect(recorder.clampedCount('fill', 'raw')).toBe(1);
    expect(recorder.clampedCount('fill', 'corrected')).toBe(1);
    expect(recorder.invalidCount('fill', 'raw')).toBe(0);
    const summary = recorder.summary('fill', 'raw');
    expect(summary.count).toBe(2);
    expect(Math.abs(summary.max_us! - latencyNsMax / us) / (latencyNsMax / us)).toBeLessThan(0.001);
    expect(recorder.encode().operations.fill!.raw.clampedCount).toBe(1);
  });

  it('records negative and NaN latencies as 0 and counts them as invalid', () => {
    const recorder = new LatencyRecorder();
    recorder.record('ack', 100, 50, 40); // received before sent and before planned
    recorder.record('ack', 0, Number.NaN, 10);
    expect(recorder.invalidCount('ack', 'corrected')).toBe(1);
    expect(recorder.invalidCount('ack', 'raw')).toBe(2);
    expect(recorder.summary('ack', 'raw').max_us).toBe(0);
  });

  it('accepts extended operation names and rejects bad ones', () => {
    const recorder = new LatencyRecorder({ operations: [...LATENCY_OPERATIONS, 'pm_update'] });
    recorder.record('pm_update', 0, 0, 3 * us);
    expect(recorder.summary('pm_update', 'raw').count).toBe(1);
    expect(Object.keys(recorder.encode().operations)).toEqual(['ack', 'fill', 'cancel', 'pm_update']);
    expect(() => new LatencyRecorder({ operations: ['ack', 'ack'] })).toThrow(ConfigError);
    expect(() => new LatencyRecorder({ operations: ['Bad Name'] })).toThrow(ConfigError);
    expect(() => new LatencyRecorder({ operations: [] })).toThrow(ConfigError);
    expect(() => new LatencyRecorder({ operation: ['ack'] } as never)).toThrow(ConfigError);
    expect(() => (recorder as LatencyRecorder<string>).record('nope', 0, 0, 1)).toThrow(InvariantError);
  });

  it('reset empties every histogram and counter', () => {
    const recorder = new LatencyRecorder();
    recorder.record('ack', 0, 0, latencyNsMax + 1);
    recorder.reset();
    expect(recorder.summary('ack', 'raw').count).toBe(0);
    expect(recorder.clampedCount('ack', 'raw')).toBe(0);
  });
});

describe('mergeLatencyRecords', () => {
  const rows = stalledSchedule(4_000);

  it('merging per-worker records equals recording everything in one recorder', () => {
    const single = new LatencyRecorder();
    const workers = [new LatencyRecorder(), new LatencyRecorder(), new LatencyRecorder()];
    rows.forEach((row, i) => {
      const op = LATENCY_OPERATIONS[i % 3]!;
      const received = i % 997 === 0 ? row.received + latencyNsMax : row.received;
      single.record(op, row.planned, row.sent, received);
      workers[i % workers.length]!.record(op, row.planned, row.sent, received);
    });
    const merged = mergeLatencyRecords(workers.map((w) => JSON.parse(JSON.stringify(w.encode()))));
    expect(merged).toEqual(single.encode());
    expect(summarizeRecord(merged)).toEqual(summarizeRecord(single.encode()));
    expect(merged.operations.ack!.corrected.clampedCount).toBeGreaterThan(0);
  });

  it('takes the union of operations across seeds', () => {
    const a = new LatencyRecorder({ operations: ['ack'] });
    const b = new LatencyRecorder({ operations: ['ack', 'pm_update'] });
    a.record('ack', 0, 0, 10 * us);
    b.record('ack', 0, 0, 20 * us);
    b.record('pm_update', 0, 0, 30 * us);
    const merged = mergeLatencyRecords([a.encode(), b.encode()]);
    expect(Object.keys(merged.operations)).toEqual(['ack', 'pm_update']);
    expect(decodeHistogram(merged.operations.ack!.raw.hdr).totalCount).toBe(2);
    expect(decodeHistogram(merged.operations.pm_update!.raw.hdr).totalCount).toBe(1);
  });

  it('refuses records of another precision or range', () => {
    const record = new LatencyRecorder().encode();
    expect(() => mergeLatencyRecords([record, { ...record, significantDigits: 2 }])).toThrow(InvariantError);
    expect(() => mergeLatencyRecords([record, { ...record, latencyNsMax: 1 }])).toThrow(InvariantError);
  });
});
