/** Shared fixtures of the threaded engine tests. */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Engine } from '../../engine/engine.js';
import { COMMAND_SLOTS, ExecKind, Reason, REPORT_SLOTS } from '../../engine/protocol.js';
import { decodeReport } from '../../engine/records.js';
import { globalizeReport, shardInstruments, shardOfId } from '../../engine/threaded-ids.js';
import type { ThreadedEngine } from '../../engine/threaded-engine.js';
import type { ExecutionReport, InstrumentConfig } from '../../engine/types.js';

export const instruments = (count: number): InstrumentConfig[] =>
  Array.from({ length: count }, (_, i) => ({ symbol: `S${i}`, tickSize: 1, lotSize: 1, maxOrderQuantity: 1000, referencePrice: 1000, bandBps: 500 }));

/** Threads of this process now (Linux). */
export const threadCount = (): number => readdirSync('/proc/self/task').length;

export function decodeAll(records: Float64Array, count: number): ExecutionReport[] {
  const out: ExecutionReport[] = [];
  for (let i = 0; i < count; i++) out.push(decodeReport(records, i));
  return out;
}

/** The first report of each command: one per accepted command. */
export const isFirstReport = (r: ExecutionReport): boolean =>
  r.kind === ExecKind.ACCEPTED || r.kind === ExecKind.REJECTED || r.kind === ExecKind.CANCEL_REJECTED ||
  (r.kind === ExecKind.CANCELLED && r.reason === Reason.CANCEL_REQUESTED);

const withoutTimes = ({ tsReceiveNs: _a, tsMatchNs: _b, tsDispatchNs: _c, ...rest }: ExecutionReport) => rest;

/**
 * Replays each shard's journal through a fresh inline Engine holding that shard's instruments and
 * returns, per shard, the replayed reports (in global terms) beside the delivered ones, and both
 * state hashes.
 */
export async function replayShards(engine: ThreadedEngine, all: InstrumentConfig[], delivered: ExecutionReport[]) {
  const shards = engine.shards;
  const hashes = await engine.stateHashes();
  const results = [];
  for (let shard = 0; shard < shards; shard++) {
    const journal = await engine.journal(shard);
    const inline = new Engine({ instruments: shardInstruments(all, shard, shards), ordersMax: engine.options!.ordersMax, directLevelsMax: engine.options!.directLevelsMax, stp: engine.options!.stp });
    const replayed: ExecutionReport[] = [];
    const chunk = 4096;
    for (let at = 0; at < journal.count; at += chunk) {
      const n = Math.min(chunk, journal.count - at);
      const batch = inline.executeBatch(journal.records.subarray(at * COMMAND_SLOTS, (at + n) * COMMAND_SLOTS), n);
      for (let i = 0; i < batch.count; i++) replayed.push(globalizeReport(decodeReport(batch.records, i), shard, shards));
    }
    const mine = delivered.filter((r) => shardOfId(r.seq, shards) === shard).sort((a, b) => a.seq - b.seq);
    results.push({
      shard,
      truncated: journal.truncated,
      commands: journal.count,
      replayed: replayed.map(withoutTimes),
      delivered: mine.map(withoutTimes),
      threadedHash: hashes[shard],
      replayHash: inline.stateHash(),
    });
  }
  return results;
}

const here = path.dirname(fileURLToPath(import.meta.url));

export function startWorker(entry: string, data: Record<string, unknown>): Worker {
  return new Worker(path.join(here, 'fixtures', 'bootstrap.mjs'), { workerData: { entry: path.join(here, 'fixtures', entry), ...data } });
}

export const REPORT_RECORD_SLOTS = REPORT_SLOTS;
