/**
 * Worker side of bench/engine-bench.ts. Two roles:
 * - 'throughput': sends `orders` limit orders as fast as the engine accepts them (per-call submits
 *   or a SharedArrayBuffer ring), retrying BUSY, and decodes every report it receives.
 * - 'latency': 100 open-loop Poisson agents; latency is measured from each order's planned send
 *   time (no coordinated omission) to its ACCEPTED report and to its first fill, in this thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createLatencyHistogram, encodeHistogram } from '../sim/metrics/hdr.js';
import { Action, ExecKind, OrderType, REPORT_SLOTS, ReportSlot } from '../engine/protocol.js';
import { ThreadedEngine, type ReportBatch } from '../engine/threaded-engine.js';
import type { RingSetDescriptor } from '../engine/threaded-ring.js';

interface ThroughputData {
  role: 'throughput';
  engineId: number;
  mode: 'sab' | 'calls';
  owner: number;
  symbol: number;
  orders: number;
  rings?: RingSetDescriptor;
}
interface LatencyData {
  role: 'latency';
  engineId: number;
  agents: number;
  ratePerAgent: number;
  seconds: number;
  /** Orders planned in the first warmupSeconds are sent but not recorded (JIT compilation, caches). */
  warmupSeconds: number;
  symbols: number;
  seed: number;
}

const data = workerData as ThroughputData | LatencyData;
const engine = ThreadedEngine.attach(data.engineId);
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
// The clock of the reports' timestamps (CLOCK_MONOTONIC, ns), read without allocating a BigInt:
// garbage in this loop means scavenges, and a scavenge is a late send. The first performance.now()
// is slow (lazy setup), so both clocks are read once before the offset is taken.
performance.now();
process.hrtime.bigint();
const clockOffsetNs = Number(process.hrtime.bigint()) - performance.now() * 1e6;
const nowNs = (): number => performance.now() * 1e6 + clockOffsetNs;
const go = new Promise<void>((resolve) => parentPort!.once('message', () => resolve()));

if (data.role === 'throughput') await throughput(data);
else await latency(data);
engine.detach();

async function throughput(d: ThroughputData): Promise<void> {
  let acks = 0;
  let reports = 0;
  let filled = 0;
  engine.onReports([d.owner], ({ records, count }: ReportBatch) => {
    for (let i = 0, at = 0; i < count; i++, at += REPORT_SLOTS) {
      const kind = records[at + ReportSlot.kind]!;
      if (kind === ExecKind.ACCEPTED || kind === ExecKind.REJECTED) acks++;
      else if (kind === ExecKind.FILLED) filled += records[at + ReportSlot.lastQuantity]!;
    }
    reports += count;
  });
  const writer = d.mode === 'sab' ? engine.ringWriter(d.rings!) : null;
  parentPort!.postMessage('ready');
  await go;
  const started = nowNs();
  const chunk = 2048;
  for (let sent = 0; sent < d.orders; ) {
    const end = Math.min(d.orders, sent + chunk);
    while (sent < end) {
      const side = sent & 1;
      const ok = writer
        ? writer.write(Action.NEW, d.symbol, d.owner, sent + 1, 0, side, OrderType.LIMIT, 1000, 1)
        : engine.submit({ symbol: d.symbol, owner: d.owner, clientOrderId: sent + 1, side: side as 0 | 1, type: OrderType.LIMIT, price: 1000, quantity: 1 }) === null;
      if (ok) sent++;
      else await tick();
    }
    writer?.flush();
    await tick();
  }
  writer?.flush();
  while (acks < d.orders) await tick();
  parentPort!.postMessage({ orders: d.orders, reports, filled, elapsedNs: nowNs() - started });
}

async function latency(d: LatencyData): Promise<void> {
  const ack = createLatencyHistogram();
  const fill = createLatencyHistogram();
  const owners = Array.from({ length: d.agents }, (_, i) => i + 1);
  // planned[id] = planned send time (ns); indexed by clientOrderId.
  const total = Math.ceil(d.agents * d.ratePerAgent * (d.warmupSeconds + d.seconds) * 1.2) + 1000;
  const planned = new Float64Array(total);
  const filledOnce = new Uint8Array(total);
  const ackedOnArrival = new Float64Array(total);
  let acked = 0;
  // Where an ack's time goes (ns): planned -> receipt -> match -> dispatch -> JS, one histogram per
  // stage, so that the mean and the tail of each can be told apart.
  const stages = { send: createLatencyHistogram(), match: createLatencyHistogram(), dispatch: createLatencyHistogram(), deliver: createLatencyHistogram() };
  type Stage = keyof typeof stages;
  const recordStage = (stage: Stage, ns: number): void => stages[stage].recordValue(Math.max(0, Math.round(ns)));
  // Orders planned before recordFrom (the warm-up) are sent and answered but not recorded.
  let recordFrom = Number.POSITIVE_INFINITY;
  engine.onReports(owners, ({ records, count }: ReportBatch) => {
    const now = nowNs();
    for (let i = 0, at = 0; i < count; i++, at += REPORT_SLOTS) {
      const id = records[at + ReportSlot.clientOrderId]!;
      const kind = records[at + ReportSlot.kind]!;
      if (planned[id]! < recordFrom) {
        if (kind === ExecKind.ACCEPTED || kind === ExecKind.REJECTED) acked++;
        continue;
      }
      if (kind === ExecKind.ACCEPTED || kind === ExecKind.REJECTED) {
        ack.recordValue(Math.max(0, Math.round(now - planned[id]!)));
        recordStage('send', records[at + ReportSlot.tsReceiveNs]! - planned[id]!);
        recordStage('match', records[at + ReportSlot.tsMatchNs]! - records[at + ReportSlot.tsReceiveNs]!);
        recordStage('dispatch', records[at + ReportSlot.tsDispatchNs]! - records[at + ReportSlot.tsMatchNs]!);
        recordStage('deliver', now - records[at + ReportSlot.tsDispatchNs]!);
        ackedOnArrival[id] = records[at + ReportSlot.tsMatchNs]!;
        acked++;
      } else if ((kind === ExecKind.FILLED || kind === ExecKind.PARTIALLY_FILLED) && !filledOnce[id]) {
        filledOnce[id] = 1;
        // First fill on arrival (taker): matched in the same command as its ACCEPTED report.
        if (records[at + ReportSlot.tsMatchNs] === ackedOnArrival[id]) fill.recordValue(Math.max(0, Math.round(now - planned[id]!)));
      }
    }
  });
  let state = d.seed >>> 0 || 1;
  const uniform = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) + 0.5) / 4294967296;
  };
  parentPort!.postMessage('ready');
  await go;
  const start = nowNs() + 1_000_000;
  recordFrom = start + d.warmupSeconds * 1e9;
  const end = recordFrom + d.seconds * 1e9;
  const meanGapNs = 1e9 / d.ratePerAgent;
  const nextAt = owners.map(() => start - Math.log(uniform()) * meanGapNs);
  let sent = 0;
  let recorded = 0;
  let busy = 0;
  // One setImmediate callback per turn of the event loop (no promise per turn): reports are
  // delivered between turns, and each turn sends what is due.
  await new Promise<void>((resolve) => {
    const step = (): void => {
      const now = nowNs();
      if (now >= end) {
        resolve();
        return;
      }
      sendDue(now);
      setImmediate(step);
    };
    step();
  });
  function sendDue(now: number): void {
    for (let a = 0; a < owners.length; a++) {
      while (nextAt[a]! <= now) {
        const id = ++sent;
        planned[id] = nextAt[a]!;
        const measured = nextAt[a]! >= recordFrom;
        if (measured) recorded++;
        const side = uniform() < 0.5 ? 0 : 1;
        const price = 995 + Math.floor(uniform() * 11);
        const report = engine.submit({ symbol: id % d.symbols, owner: owners[a]!, clientOrderId: id, side, type: OrderType.LIMIT, price, quantity: 1 + Math.floor(uniform() * 10) });
        if (report !== null) {
          if (measured) busy++;
          acked++;
        }
        nextAt[a]! += -Math.log(uniform()) * meanGapNs;
      }
    }
  }
  const deadline = nowNs() + 2e9;
  while (acked < sent && nowNs() < deadline) await tick();
  const meanUs = (stage: Stage): number => stages[stage].mean / 1000;
  const p99Us = (stage: Stage): number => stages[stage].getValueAtPercentile(99) / 1000;
  const stagesUs = { send: meanUs('send'), match: meanUs('match'), dispatch: meanUs('dispatch'), deliver: meanUs('deliver') };
  const stagesP99Us = { send: p99Us('send'), match: p99Us('match'), dispatch: p99Us('dispatch'), deliver: p99Us('deliver') };
  parentPort!.postMessage({ sent: recorded, busy, acked, ack: encodeHistogram(ack), fill: encodeHistogram(fill), stagesUs, stagesP99Us });
}
