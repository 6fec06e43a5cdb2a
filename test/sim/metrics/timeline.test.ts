/**
 * Timeline: bucketing, per-interval latency, depth and RSS, the bucket limit, freezing, merging.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, InvariantError } from '../../../engine/errors.js';
import {
  exportTimeline,
  mergeTimelineSnapshots,
  minIntervalNsFor,
  Timeline,
  timelineBucketsMax,
  timelineLiveBucketsMax,
  timelineSignificantDigits,
} from '../../../sim/metrics/timeline.js';
import { createLatencyHistogram } from '../../../sim/metrics/hdr.js';

const us = 1000;
const ms = 1_000_000;

describe('Timeline bucketing', () => {
  it('puts an event in bucket floor(t / interval) and reports rates per second', () => {
    const timeline = new Timeline({ intervalNs: ms });
    timeline.count('sent', 0);
    timeline.count('ack', ms - 1);
    timeline.count('ack', ms, 3);
    timeline.count('fill', ms + 1);
    const exported = timeline.export();
    expect(exported.intervalMs).toBe(1);
    expect(exported.throughputKind).toBe('ack');
    expect(exported.points.map((p) => p.tMs)).toEqual([0, 1]);
    expect(exported.points[0]!.counts).toEqual({ sent: 1, ack: 1, fill: 0, cancel: 0 });
    expect(exported.points[1]!.counts).toEqual({ sent: 0, ack: 3, fill: 1, cancel: 0 });
    expect(exported.points.map((p) => p.throughput)).toEqual([1_000, 3_000]);
  });

  it('fills gaps between buckets with empty points and nulls', () => {
    const timeline = new Timeline({ intervalNs: 10 * ms, throughputKind: 'sent' });
    timeline.count('sent', 25 * ms);
    timeline.count('sent', 55 * ms);
    const points = timeline.export().points;
    expect(points.map((p) => p.tMs)).toEqual([20, 30, 40, 50]);
    expect(points[1]).toEqual({
      tMs: 30, throughput: 0, counts: { sent: 0, ack: 0, fill: 0, cancel: 0 }, latencyCount: 0,
      p50Us: null, p99Us: null, maxUs: null, queueDepth: null, rssMb: null,
    });
    expect(points[3]!.throughput).toBe(100);
  });

  it('reports per-interval p50, p99 and max latency within 1%', () => {
    const timeline = new Timeline({ intervalNs: ms });
    for (let i = 1; i <= 1_000; i++) timeline.recordLatency(0.5 * ms, i * us);
    timeline.recordLatency(1.5 * ms, 7 * us);
    const [first, second] = timeline.export().points;
    const near = (actual: number | null, expected: number): void => {
      expect(Math.abs(actual! - expected) / expected).toBeLessThanOrEqual(0.01);
    };
    expect(first!.latencyCount).toBe(1_000);
    near(first!.p50Us, 500);
    near(first!.p99Us, 990);
    near(first!.maxUs, 1_000);
    expect(second!.latencyCount).toBe(1);
    near(second!.p99Us, 7);
  });

  it('keeps the max and last queue depth and RSS (MiB) per interval', () => {
    const timeline = new Timeline({ intervalNs: ms });
    timeline.sampleQueueDepth(0, 5);
    timeline.sampleQueueDepth(100, 42);
    timeline.sampleQueueDepth(200, 7);
    timeline.sampleRss(300, 256 * 1024 * 1024);
    timeline.sampleRss(400, 128 * 1024 * 1024);
    const bucket = timeline.snapshot().buckets[0]!;
    expect([bucket.queueDepthMax, bucket.queueDepthLast, bucket.rssMbMax, bucket.rssMbLast]).toEqual([42, 7, 256, 128]);
    const point = timeline.export().points[0]!;
    expect([point.queueDepth, point.rssMb]).toEqual([42, 256]);
  });
});

describe('Timeline limits', () => {
  it('drops and counts events outside [0, bucketsMax) intervals', () => {
    const timeline = new Timeline({ intervalNs: ms, bucketsMax: 10 });
    timeline.count('ack', 9 * ms);
    timeline.count('ack', 10 * ms, 4);
    timeline.recordLatency(100 * ms, us);
    timeline.sampleQueueDepth(-1, 3);
    expect(timeline.dropped).toBe(6);
    expect(timeline.bucketCount).toBe(1);
    const exported = timeline.export();
    expect(exported.droppedCount).toBe(6);
    expect(exported.points.length).toBe(1);
  });

  it('validates options once, naming the field', () => {
    expect(() => new Timeline({ intervalNs: 0 })).toThrow(/intervalNs/);
    expect(() => new Timeline({ intervalNs: 1.5 })).toThrow(ConfigError);
    expect(() => new Timeline({ intervalNs: ms, bucketsMax: timelineBucketsMax + 1 })).toThrow(/bucketsMax/);
    expect(() => new Timeline({ intervalNs: ms, kinds: ['a', 'a'] })).toThrow(/kinds/);
    expect(() => new Timeline({ intervalNs: ms, kinds: ['a'], throughputKind: 'b' as 'a' })).toThrow(/throughputKind/);
    expect(() => new Timeline({ intervalNs: ms, interval: 5 } as never)).toThrow(/unknown option 'interval'/);
    expect(() => (new Timeline({ intervalNs: ms }) as Timeline<string>).count('nope', 0)).toThrow(InvariantError);
  });

  it('minIntervalNsFor fits a whole run into the bucket limit', () => {
    const durationNs = 3_600 * 1_000 * ms;
    const intervalNs = minIntervalNsFor(durationNs, 1_000);
    expect(Math.floor(durationNs / intervalNs)).toBeLessThan(1_000);
    expect(Math.floor(durationNs / (intervalNs - 1))).toBeGreaterThanOrEqual(1_000);
  });

  it('keeps at most timelineLiveBucketsMax live histograms, and a late latency still counts exactly', () => {
    const timeline = new Timeline({ intervalNs: ms });
    const reference = new Timeline({ intervalNs: ms });
    for (let b = 0; b < 50; b++) {
      for (let i = 1; i <= 100; i++) {
        timeline.recordLatency(b * ms, (b + i) * us);
        reference.recordLatency(b * ms, (b + i) * us);
      }
      expect(timeline.liveHistogramCount).toBeLessThanOrEqual(timelineLiveBucketsMax);
    }
    timeline.recordLatency(0, 5 * ms);
    expect(timeline.liveHistogramCount).toBeLessThanOrEqual(timelineLiveBucketsMax);
    const point = timeline.export().points[0]!;
    expect(point.latencyCount).toBe(101);
    expect(Math.abs(point.maxUs! - 5_000) / 5_000).toBeLessThanOrEqual(0.01);
    expect(timeline.export().points.slice(1)).toEqual(reference.export().points.slice(1));
    // Frozen and thawed buckets give the percentiles of a histogram that held the values all along.
    for (const [b, point] of timeline.export().points.entries()) {
      if (b === 0) continue;
      const direct = createLatencyHistogram(timelineSignificantDigits);
      for (let i = 1; i <= 100; i++) direct.recordValue((b + i) * us);
      expect([point.p50Us, point.p99Us, point.maxUs]).toEqual([50, 99, 100].map((p) => direct.getValueAtPercentile(p) / us));
    }
  });
});

describe('mergeTimelineSnapshots', () => {
  function events(worker: number): Array<[number, number]> {
    // [tNs, latencyNs] pairs, different per worker, spread over 30 intervals.
    return Array.from({ length: 600 }, (_, i) => [((i * 7919 + worker * 104_729) % 30_000) * us, ((i * 31 + worker) % 900 + 1) * us]);
  }

  function feed(timeline: Timeline, worker: number): void {
    for (const [tNs, latencyNs] of events(worker)) {
      timeline.count('ack', tNs);
      timeline.recordLatency(tNs, latencyNs);
    }
    timeline.sampleQueueDepth(worker * ms, 10 + worker);
  }

  it('merging worker timelines equals one timeline that saw every event', () => {
    const single = new Timeline({ intervalNs: ms });
    const workers = [0, 1, 2].map(() => new Timeline({ intervalNs: ms }));
    workers.forEach((timeline, worker) => {
      feed(timeline, worker);
      feed(single, worker);
    });
    const merged = mergeTimelineSnapshots(workers.map((t) => JSON.parse(JSON.stringify(t.snapshot()))));
    expect(exportTimeline(merged)).toEqual(single.export());
    expect(merged.buckets.reduce((sum, b) => sum + b.counts.ack!, 0)).toBe(1_800);
  });

  it('takes the max of queue depths across workers and sums dropped events', () => {
    const a = new Timeline({ intervalNs: ms, bucketsMax: 5 });
    const b = new Timeline({ intervalNs: ms, bucketsMax: 5 });
    a.sampleQueueDepth(0, 3);
    b.sampleQueueDepth(0, 9);
    a.count('ack', 99 * ms);
    b.count('ack', 99 * ms, 2);
    const merged = mergeTimelineSnapshots([a.snapshot(), b.snapshot()]);
    expect(merged.buckets[0]!.queueDepthMax).toBe(9);
    expect(merged.droppedCount).toBe(3);
  });

  it('refuses timelines of different shapes', () => {
    const a = new Timeline({ intervalNs: ms }).snapshot();
    const b = new Timeline({ intervalNs: 2 * ms }).snapshot();
    expect(() => mergeTimelineSnapshots([a, b])).toThrow(InvariantError);
    expect(() => mergeTimelineSnapshots([])).toThrow(InvariantError);
  });
});
