/**
 * Runs parsed replay rows through the native engine (one symbol, one owner) in batches and
 * summarizes what happened. A cancel of an unknown or finished id is counted, not an error.
 */
import { Engine } from '../../engine/engine.js';
import { Action, COMMAND_SLOTS, CommandSlot, ExecKind, REPORT_SLOTS, ReportSlot } from '../../engine/protocol.js';
import type { ReplayRow } from './commands-csv.js';

const REPLAY_OWNER = 1;
const REPLAY_BATCH_COMMANDS = 4096;
const SUMMARY_LEVELS = 5;

export interface ReplaySummary {
  commands: number;
  trades: number;
  filledQty: number;
  accepted: number;
  rejected: number;
  expired: number;
  cancelled: number;
  cancelRejected: number;
  restingOrders: number;
  bestBid: number | null;
  bestAsk: number | null;
  bids: [number, number][];
  asks: [number, number][];
  elapsedMs: number;
}

/** An instrument whose band admits every positive price in the file (tick 1, lot 1). */
function replayInstrument(rows: ReplayRow[]) {
  let priceMax = 1;
  for (const row of rows) if (row.price > priceMax) priceMax = row.price;
  return {
    symbol: 'REPLAY',
    tickSize: 1,
    lotSize: 1,
    maxOrderQuantity: 0xffffffff,
    referencePrice: priceMax,
    bandBps: 10_000,
  };
}

function encodeRows(rows: ReplayRow[], from: number, to: number, records: Float64Array): void {
  for (let index = from; index < to; index++) {
    const row = rows[index]!;
    const at = (index - from) * COMMAND_SLOTS;
    records[at + CommandSlot.action] = row.action;
    records[at + CommandSlot.symbol] = 0;
    records[at + CommandSlot.owner] = REPLAY_OWNER;
    records[at + CommandSlot.clientOrderId] = row.id;
    records[at + CommandSlot.orderId] = 0;
    records[at + CommandSlot.side] = row.side;
    records[at + CommandSlot.type] = row.action === Action.NEW ? row.type : 0;
    records[at + CommandSlot.price] = row.price;
    records[at + CommandSlot.quantity] = row.quantity;
  }
}

export function replay(rows: ReplayRow[]): ReplaySummary {
  const engine = new Engine({ instruments: [replayInstrument(rows)] });
  const summary: ReplaySummary = {
    commands: rows.length, trades: 0, filledQty: 0, accepted: 0, rejected: 0, expired: 0, cancelled: 0,
    cancelRejected: 0, restingOrders: 0, bestBid: null, bestAsk: null, bids: [], asks: [], elapsedMs: 0,
  };
  const records = new Float64Array(REPLAY_BATCH_COMMANDS * COMMAND_SLOTS);
  let lastTradeId = 0;
  const started = performance.now();
  for (let from = 0; from < rows.length; from += REPLAY_BATCH_COMMANDS) {
    const to = Math.min(rows.length, from + REPLAY_BATCH_COMMANDS);
    encodeRows(rows, from, to, records);
    const batch = engine.executeBatch(records, to - from);
    for (let at = 0; at < batch.count * REPORT_SLOTS; at += REPORT_SLOTS) {
      const kind = batch.records[at + ReportSlot.kind];
      if (kind === ExecKind.PARTIALLY_FILLED || kind === ExecKind.FILLED) {
        // Both sides of a trade report it; count each trade id once.
        const tradeId = batch.records[at + ReportSlot.tradeId]!;
        if (tradeId !== lastTradeId) {
          lastTradeId = tradeId;
          summary.trades++;
          summary.filledQty += batch.records[at + ReportSlot.lastQuantity]!;
        }
      } else if (kind === ExecKind.ACCEPTED) summary.accepted++;
      else if (kind === ExecKind.REJECTED) summary.rejected++;
      else if (kind === ExecKind.EXPIRED) summary.expired++;
      else if (kind === ExecKind.CANCELLED) summary.cancelled++;
      else if (kind === ExecKind.CANCEL_REJECTED) summary.cancelRejected++;
    }
  }
  summary.elapsedMs = Math.round((performance.now() - started) * 1000) / 1000;
  engine.validate();
  const depth = engine.depth(0, SUMMARY_LEVELS);
  const bbo = engine.bbo(0);
  summary.restingOrders = engine.stats().restingOrders;
  summary.bestBid = bbo.bid?.price ?? null;
  summary.bestAsk = bbo.ask?.price ?? null;
  summary.bids = depth.bids.map((level) => [level.price, level.quantity]);
  summary.asks = depth.asks.map((level) => [level.price, level.quantity]);
  return summary;
}
