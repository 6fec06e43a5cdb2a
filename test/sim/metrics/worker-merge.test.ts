/**
 * The recorder and timeline inside real worker_threads: each worker records its share of a seeded
 * stream, posts the encoded form, and the main thread's merge equals one recorder that saw it all.
 * Workers load the TypeScript modules through tsx's register() (a .ts worker entry cannot be used).
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { LatencyRecorder, mergeLatencyRecords } from '../../../sim/metrics/latency-recorder.js';
import { exportTimeline, mergeTimelineSnapshots, Timeline } from '../../../sim/metrics/timeline.js';
import type { LatencyHistogramsRecord, TimelineSnapshot } from '../../../sim/metrics/types.js';

const workersCount = 3;
const eventsCount = 3_000;

/** Event i: [plannedNs, sentNs, receivedNs]; deterministic, with late sends every 50th event. */
function event(i: number): [number, number, number] {
  const planned = i * 100_000;
  const sent = planned + (i % 50 === 0 ? 2_000_000 : 0);
  return [planned, sent, sent + 1_000 + ((i * 7_919) % 200_000)];
}

// Runs in the worker: records events i with i % workersCount === workerIndex.
const workerSource = `
import { parentPort, workerData } from 'node:worker_threads';
const { register } = await import(workerData.tsxApi);
register();
const { LatencyRecorder } = await import(workerData.recorderModule);
const { Timeline } = await import(workerData.timelineModule);
const event = ${event.toString()};
const recorder = new LatencyRecorder();
const timeline = new Timeline({ intervalNs: 10_000_000 });
for (let i = workerData.workerIndex; i < workerData.eventsCount; i += workerData.workersCount) {
  const [planned, sent, received] = event(i);
  recorder.record('ack', planned, sent, received);
  timeline.count('ack', received);
  timeline.recordLatency(received, received - planned);
}
parentPort.postMessage({ record: recorder.encode(), timeline: timeline.snapshot() });
`;

interface WorkerResult {
  record: LatencyHistogramsRecord;
  timeline: TimelineSnapshot;
}

function runWorker(workerIndex: number): Promise<WorkerResult> {
  const workerData = {
    workerIndex,
    workersCount,
    eventsCount,
    tsxApi: import.meta.resolve('tsx/esm/api'),
    recorderModule: new URL('../../../sim/metrics/latency-recorder.ts', import.meta.url).href,
    timelineModule: new URL('../../../sim/metrics/timeline.ts', import.meta.url).href,
  };
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(workerSource)}`), { workerData });
  return new Promise((resolve, reject) => {
    worker.once('message', (message: WorkerResult) => {
      resolve(message);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

describe('metrics across worker_threads', () => {
  it('merged worker encodings equal one recorder and one timeline that saw every event', async () => {
    const results = await Promise.all(Array.from({ length: workersCount }, (_, i) => runWorker(i)));
    const recorder = new LatencyRecorder();
    const timeline = new Timeline({ intervalNs: 10_000_000 });
    for (let i = 0; i < eventsCount; i++) {
      const [planned, sent, received] = event(i);
      recorder.record('ack', planned, sent, received);
      timeline.count('ack', received);
      timeline.recordLatency(received, received - planned);
    }
    expect(mergeLatencyRecords(results.map((r) => r.record))).toEqual(recorder.encode());
    expect(exportTimeline(mergeTimelineSnapshots(results.map((r) => r.timeline)))).toEqual(timeline.export());
  }, 30_000);
});
