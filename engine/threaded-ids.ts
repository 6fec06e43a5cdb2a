/**
 * Global numbering of the threaded engine (native/core/threaded_ids.hpp): per-shard order ids,
 * trade ids and seq interleaved into one space; symbols dealt round robin. With one shard every
 * map is the identity. Used to check a threaded run against a replay of its shard journals.
 */
import { ExecKind, Reason } from './protocol.js';
import type { ExecutionReport, InstrumentConfig } from './types.js';

export const globalId = (local: number, shard: number, shards: number): number => (local === 0 ? 0 : (local - 1) * shards + shard + 1);
export const shardOfId = (global: number, shards: number): number => (global - 1) % shards;
export const localId = (global: number, shards: number): number => (global === 0 ? 0 : Math.floor((global - 1) / shards) + 1);
export const shardOfSymbol = (symbol: number, shards: number): number => symbol % shards;

/** The instruments of one shard, in its local index order. */
export function shardInstruments<T extends InstrumentConfig>(instruments: readonly T[], shard: number, shards: number): T[] {
  return instruments.filter((_, index) => index % shards === shard);
}

/** A report of shard `shard`'s engine in global terms (what the threaded engine delivers). */
export function globalizeReport(report: ExecutionReport, shard: number, shards: number): ExecutionReport {
  const namesNoSymbol = report.kind === ExecKind.CANCEL_REJECTED && report.reason === Reason.UNKNOWN_ORDER;
  return {
    ...report,
    seq: globalId(report.seq, shard, shards),
    orderId: globalId(report.orderId, shard, shards),
    tradeId: globalId(report.tradeId, shard, shards),
    symbol: namesNoSymbol ? report.symbol : report.symbol * shards + shard,
  };
}
