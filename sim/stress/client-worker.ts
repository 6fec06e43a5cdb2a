/**
 * A stress-mode worker thread: hosts some of the run's trader agents and sends their seeded
 * schedule into the threaded engine in real time, open loop. Each order leaves at its planned time
 * (or as soon after as the thread can: lateness is part of the measured latency), whether or not
 * earlier ones were answered. Latencies: corrected from the planned send time, raw from the actual
 * send. Reports arrive on this thread for this worker's owners only; market data updates the quotes
 * the agents price from.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ExecKind, Reason } from '../../engine/protocol.js';
import { BBO_SLOTS, BboSlot, ThreadedEngine } from '../../engine/threaded-engine.js';
import { REPORT_SLOTS, ReportSlot } from '../../engine/protocol.js';
import type { Command } from '../../engine/types.js';
import { NO_QUOTE, OrderFlag, TraderAgent, type Quote } from '../clients/trader-agent.js';
import { EventQueue, type QueuedEvent } from '../deterministic/event-queue.js';
import { LatencyRecorder } from '../metrics/latency-recorder.js';
import { Timeline } from '../metrics/timeline.js';
import { RandomStreams } from '../random/streams.js';
import type { Scenario } from '../scenario/types.js';

export interface WorkerInput {
  engineId: number;
  scenario: Scenario;
  clientIndices: number[];
  timelineIntervalNs: number;
}

export interface WorkerOutput {
  histograms: ReturnType<LatencyRecorder['encode']>;
  timeline: ReturnType<Timeline['snapshot']>;
  sent: number;
  busy: number;
  answered: number;
  lateMaxNs: number;
}

/** How long a worker waits after the run for its last answers before it reports anyway. */
const DRAIN_TIMEOUT_MS = 10_000;
/** Below this gap the loop yields with setImmediate instead of a timer (timers are ~1 ms coarse). */
const SPIN_BELOW_NS = 2_000_000;

const input = workerData as WorkerInput;
const engine = ThreadedEngine.attach(input.engineId);
const scenario = input.scenario;
const streams = new RandomStreams(scenario.seed);
const clients = input.clientIndices.map((index) => new TraderAgent(index, streams, scenario.clients, scenario.instruments, scenario.latency.oneWayUs));
const byOwner = new Map(clients.map((client) => [client.owner, client]));
const byIndex = new Map(clients.map((client) => [client.clientIndex, client]));
const quotes: Quote[] = scenario.instruments.map((instrument) => ({ midTicks: Math.round(instrument.referencePrice / instrument.tickSize), bidTicks: NO_QUOTE, askTicks: NO_QUOTE }));
const latency = new LatencyRecorder();
const timeline = new Timeline({ intervalNs: input.timelineIntervalNs });
const actions = new EventQueue<QueuedEvent>();
const sentNs = new Map<number, Float64Array>();
let seq = 0;
let sent = 0;
let busy = 0;
let answered = 0;
let lateMaxNs = 0;

const nowWallNs = (): number => Number(process.hrtime.bigint());
// Set when the main thread says go (after every worker is ready), in Date.now() terms.
let startNs = Number.MAX_SAFE_INTEGER;
const runNs = (): number => nowWallNs() - startNs;
const durationNs = scenario.durationMs * 1_000_000;

for (const client of clients) {
  sentNs.set(client.owner, new Float64Array(1 << 12));
  actions.push({ timeNs: client.nextEventNs, key: client.clientIndex, seq: seq++ });
}

engine.onMarketData(({ records, count }) => {
  for (let at = 0; at < count * BBO_SLOTS; at += BBO_SLOTS) {
    const symbol = records[at + BboSlot.symbol]!;
    const tick = scenario.instruments[symbol]!.tickSize;
    const quote = quotes[symbol]!;
    const bid = records[at + BboSlot.bidCount]! > 0 ? records[at + BboSlot.bidPrice]! / tick : NO_QUOTE;
    const ask = records[at + BboSlot.askCount]! > 0 ? records[at + BboSlot.askPrice]! / tick : NO_QUOTE;
    quote.bidTicks = bid;
    quote.askTicks = ask;
    if (bid !== NO_QUOTE && ask !== NO_QUOTE) quote.midTicks = (bid + ask) / 2;
  }
});

engine.onReports([...byOwner.keys()], ({ records, count }) => {
  const now = runNs();
  for (let at = 0; at < count * REPORT_SLOTS; at += REPORT_SLOTS) {
    const client = byOwner.get(records[at + ReportSlot.owner]!)!;
    const kind = records[at + ReportSlot.kind]!;
    const coid = records[at + ReportSlot.clientOrderId]!;
    onReport(client, kind, records[at + ReportSlot.reason]!, coid, Math.max(now, 0));
  }
});

function onReport(client: TraderAgent, kind: number, reason: number, coid: number, now: number): void {
  client.onReport(Math.max(now, lastActNs), kind, coid);
  const planned = client.plannedNs[coid]!;
  const sentAt = sentNs.get(client.owner)![coid] ?? planned;
  if (kind === ExecKind.ACCEPTED || kind === ExecKind.REJECTED) {
    answered++;
    latency.record('ack', planned, sentAt, now);
    timeline.count('ack', now);
    timeline.recordLatency(now, now - planned);
  } else if (kind === ExecKind.FILLED || kind === ExecKind.PARTIALLY_FILLED) {
    if ((client.flags[coid]! & OrderFlag.FILL_SEEN) === 0) {
      client.flags[coid] = client.flags[coid]! | OrderFlag.FILL_SEEN;
      latency.record('fill', planned, sentAt, now);
    }
    timeline.count('fill', now);
  } else if (kind === ExecKind.CANCELLED && reason === Reason.CANCEL_REQUESTED) {
    answered++;
    const cancelPlanned = client.cancelPlannedNs[coid]!;
    latency.record('cancel', cancelPlanned, cancelPlanned, now);
    timeline.count('cancel', now);
  } else if (kind === ExecKind.CANCEL_REJECTED) {
    answered++;
  }
}

let lastActNs = 0;

/** Sends every action that is due; returns when the next one is due (run ns). */
function sendDue(): number {
  const now = runNs();
  for (let next = actions.peek(); next !== undefined && next.timeNs <= now && next.timeNs < durationNs; next = actions.peek()) {
    actions.pop();
    const client = byIndex.get(next.key)!;
    if (client.nextEventNs !== next.timeNs) continue;
    const command = {} as Command;
    lastActNs = next.timeNs;
    client.act(next.timeNs, quotes, command);
    const sendNs = runNs();
    lateMaxNs = Math.max(lateMaxNs, sendNs - next.timeNs);
    send(client, command, sendNs);
    actions.push({ timeNs: client.nextEventNs, key: client.clientIndex, seq: seq++ });
  }
  return actions.peek()?.timeNs ?? Number.MAX_SAFE_INTEGER;
}

function send(client: TraderAgent, command: Command, sendNs: number): void {
  let stamps = sentNs.get(client.owner)!;
  if (command.clientOrderId >= stamps.length) {
    const grown = new Float64Array(Math.max(command.clientOrderId + 1, stamps.length * 2));
    grown.set(stamps);
    sentNs.set(client.owner, grown);
    stamps = grown;
  }
  if (command.action === 1) stamps[command.clientOrderId] = sendNs;
  timeline.count('sent', sendNs);
  sent++;
  const refused = command.action === 1 ? engine.submit(command) : engine.cancel({ owner: command.owner, clientOrderId: command.clientOrderId, symbol: command.symbol });
  if (refused !== null) {
    // BUSY: the engine refused at once; the client sees its reject now.
    busy++;
    onReport(client, refused.kind, refused.reason, command.clientOrderId, runNs());
  }
}

function loop(): void {
  const next = sendDue();
  const now = runNs();
  if (now >= durationNs) {
    drain(Date.now());
    return;
  }
  const waitNs = Math.min(next, durationNs) - now;
  if (waitNs < SPIN_BELOW_NS) setImmediate(loop);
  else setTimeout(loop, Math.floor(waitNs / 1_000_000) - 1);
}

/** After the run: wait until every command sent got its first answer, then report. */
function drain(since: number): void {
  if (answered < sent && Date.now() - since < DRAIN_TIMEOUT_MS) {
    setTimeout(() => drain(since), 5);
    return;
  }
  const output: WorkerOutput = { histograms: latency.encode(), timeline: timeline.snapshot(), sent, busy, answered, lateMaxNs };
  parentPort!.postMessage(output);
  engine.detach();
}

// Ready: the main thread answers with the shared start time once every worker has loaded.
parentPort!.once('message', ({ startEpochMs }: { startEpochMs: number }) => {
  startNs = nowWallNs() + (startEpochMs - Date.now()) * 1_000_000;
  setTimeout(loop, Math.max(0, startEpochMs - Date.now()));
});
parentPort!.postMessage({ ready: true });
