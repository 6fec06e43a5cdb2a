/**
 * worker_threads producers against one threaded engine: per-call submits and SharedArrayBuffer
 * rings, each worker subscribed to its own owners (reports arrive in that worker only), then the
 * journal-replay equivalence: each shard's journal through a fresh inline Engine gives the same
 * reports (modulo the global id map) and the same books.
 */
import { describe, expect, it } from 'vitest';
import { REPORT_SLOTS } from '../../engine/protocol.js';
import { ThreadedEngine } from '../../engine/threaded-engine.js';
import type { ExecutionReport } from '../../engine/types.js';
import { decodeAll, instruments, replayShards, startWorker, threadCount } from './support.js';

interface WorkerResult {
  accepted: number;
  busy: number;
  firstReports: number;
  reports: Float64Array[];
}

function run(worker: ReturnType<typeof startWorker>): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

describe('threaded engine with worker_threads producers', () => {
  it('routes each owner to its worker and replays every shard journal exactly', async () => {
    const threadsBefore = threadCount();
    const config = instruments(4);
    const engine = new ThreadedEngine({ instruments: config, shards: 2, journalCommandsMax: 1_000_000, ingressCommandsMax: 256 });
    // An audit subscriber sees every report (a worker that finished and detached still has makers
    // that others fill); each worker sees only its own owners'.
    const audit: ExecutionReport[] = [];
    engine.onReports('all', ({ records, count }) => void audit.push(...decodeAll(records, count)));
    const workers = [
      { owners: [1, 2], mode: 'calls' as const },
      { owners: [3, 4], mode: 'calls' as const },
      { owners: [5], mode: 'ring' as const, rings: engine.createRings(1024) },
      { owners: [6], mode: 'ring' as const, rings: engine.createRings(64) },
    ].map((spec, index) =>
      startWorker('producer-worker.ts', { engineId: engine.id, commands: 4000, seed: 17 + index, symbols: 4, ...spec }),
    );
    const exits = workers.map((worker) => new Promise((resolve) => worker.once('exit', resolve)));
    const results = await Promise.all(workers.map(run));
    await Promise.all(exits);
    await engine.close();

    let workerReports = 0;
    results.forEach((result, index) => {
      const owners = index === 0 ? [1, 2] : index === 1 ? [3, 4] : index === 2 ? [5] : [6];
      expect(result.firstReports).toBe(result.accepted);
      for (const chunk of result.reports) {
        for (const report of decodeAll(chunk, chunk.length / REPORT_SLOTS)) {
          expect(owners).toContain(report.owner);
          workerReports++;
        }
      }
    });
    const stats = engine.stats();
    expect(stats.reportsUnrouted).toBe(0);
    expect(stats.reportsDelivered).toBe(audit.length);
    expect(workerReports).toBeGreaterThan(0);
    expect(workerReports).toBeLessThanOrEqual(audit.length);
    expect(stats.shards.reduce((sum, shard) => sum + shard.ringRecords, 0)).toBe(results[2]!.accepted + results[3]!.accepted);
    expect(stats.shards.reduce((sum, shard) => sum + shard.ringRecordsInvalid, 0)).toBe(0);

    for (const shard of await replayShards(engine, config, audit)) {
      expect(shard.truncated).toBe(false);
      expect(shard.commands).toBeGreaterThan(0);
      expect(shard.delivered.length).toBe(shard.replayed.length);
      expect(shard.delivered).toEqual(shard.replayed);
      expect(shard.threadedHash).toBe(shard.replayHash);
    }
    expect(threadCount()).toBe(threadsBefore);
  }, 60_000);
});
