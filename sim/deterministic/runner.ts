/**
 * Deterministic mode: a discrete-event simulation in virtual time over the inline engine.
 *
 * Time advances in quanta of `latency.quantumUs`. In each quantum [T, T + Q):
 * 1. reports whose (modelled) delivery time is <= T reach their clients, in (time, client, seq)
 *    order; latencies, from each order's planned send time to the report's delivery time, are
 *    recorded when the report leaves the engine (its delivery time is known then), and only the
 *    reports that can change what a client knows are queued for delivery;
 * 2. every client whose next action falls in the quantum acts, on the quotes published at T; its
 *    command reaches the engine after a one-way delay drawn from the client's latency stream;
 * 3. the engine runs, in one batch, every command that reached it before T + Q, in (arrival time,
 *    client, seq) order; each report is delivered after the processing time plus a one-way delay,
 *    and never before an earlier report to the same participant (one FIFO session each);
 * 4. quotes are refreshed for the symbols the batch's reports name (the engine returns their tops
 *    with the reports, in the same call).
 * Clients thus act on what reached them by the start of the quantum: the quantum is the model's
 * decision granularity. Everything that can order events is a total order over integers, and every
 * draw comes from a named stream, so the event log (commands in, reports out) and its hash depend
 * only on scenario, seed and code.
 */
import { Action, COMMAND_SLOTS, ExecKind, OrderType, REPORT_SLOTS, Reason, ReportSlot, Side } from '../../engine/protocol.js';
import { TOP_SLOTS, TopSlot, topsLength } from '../../engine/engine.js';
import { BBO_RECORD_SLOTS, copyCommand, decodeBbo, decodeCommand, decodeReport, encodeCommand } from '../../engine/records.js';
import type { ExecutionReport } from '../../engine/types.js';
import type { Command } from '../../engine/types.js';
import { OrderLedger } from '../checks/order-ledger.js';
import { bookDepth, restingCount, type BookDepth } from '../result/book-depth.js';
import { fail, pass, type CheckResult } from '../checks/check.js';
import { NO_QUOTE, OrderFlag, TraderAgent, type Quote } from '../clients/trader-agent.js';
import { LATENCY_OPERATIONS, LatencyRecorder } from '../metrics/latency-recorder.js';
import { NetworkDelay } from '../clients/network-delay.js';
import { PmParticipant } from '../pm/pm-participant.js';
import { ProcessingCostMeter } from '../metrics/processing-cost.js';
import { Timeline, minIntervalNsFor } from '../metrics/timeline.js';
import { RandomStreams } from '../random/streams.js';
import type { Scenario } from '../scenario/types.js';
import { createBatchEngine, type BatchEngine, type EngineKind } from './batch-engine.js';
import { EventLogHash, wordsOf } from './event-log-hash.js';
import { EventQueue, type QueuedEvent } from './event-queue.js';

const NS_PER_US = 1_000;
const NS_PER_MS = 1_000_000;
/** Commands the engine takes per quantum before the batch buffer grows. */
const BATCH_COMMANDS_INITIAL = 1_024;
/** Timeline points per run, at most (the interval is chosen from the duration). */
const TIMELINE_POINTS_TARGET = 600;
/** RSS is read every this many timeline samples (reading it costs a system call). */
const RSS_SAMPLE_EVERY = 10;
/**
 * The first value of a queue entry's time: not a small integer, so V8 stores the field as a double
 * from the start. Virtual times pass 2^31 ns 2.1 s into a run; a field that began as a small
 * integer then changed representation, and every optimized function that read it (the heap's push
 * and pop, route, match) was deoptimized and compiled again, in each process's first run.
 */
const TIME_NS_UNSET = Number.MAX_SAFE_INTEGER;
/** What a fresh in-flight entry's own command starts as (a trader agent overwrites every field). */
const BLANK_COMMAND: Command = { action: Action.NEW, symbol: 0, owner: 0, clientOrderId: 0, orderId: 0, side: Side.BUY, type: OrderType.LIMIT, price: 0, quantity: 0 };
/** The order ledger is sized for the clients' expected orders times this (the PM's orders, chance). */
const ORDERS_EXPECTED_HEADROOM = 1.05;

interface InFlightCommand extends QueuedEvent {
  command: Command;
  /** The command object this entry owns (reused with the entry); `command` is it, or the PM's. */
  own: Command;
}

interface Delivery extends QueuedEvent {
  kind: number;
  reason: number;
  clientOrderId: number;
  /** The whole report, for the position manager only (clients need just the fields above). */
  report: ExecutionReport | null;
}

/** Latency operations of a run with a position manager: target set to first order, report to PM updated. */
export const PM_LATENCY_OPERATIONS = ['pm_target_to_order', 'pm_update'] as const;

export interface DeterministicRunOptions {
  /** Keep the running event-log hash after every event (for --check-determinism). */
  trace?: boolean;
  /** The engine to drive: the native core (default) or the TypeScript reference book. */
  engine?: EngineKind;
  /** Describe event number `captureEvent` (0-based) of the log in the run's `capturedEvent`. */
  captureEvent?: number;
  /** Called now and then with the virtual time reached, for a progress bar. */
  onProgress?: (virtualNs: number, durationNs: number) => void;
}

export interface DeterministicRun {
  eventHash: EventLogHash;
  checks: CheckResult[];
  latency: LatencyRecorder<string>;
  timeline: Timeline;
  cost: ReturnType<ProcessingCostMeter['summary']>;
  counts: { commands: number; reports: number; orders: number; cancels: number; trades: number; filledQuantity: number; restingOrders: number };
  durationNs: number;
  /** The event asked for with `captureEvent`, described, or null. */
  capturedEvent: string | null;
  /** The position manager, when the scenario has one. */
  pm: PmParticipant | null;
  /** Depth at the end, per symbol. */
  book: BookDepth[];
}

export function runDeterministic(scenario: Scenario, options: DeterministicRunOptions = {}): DeterministicRun {
  return new DeterministicRunner(scenario, options).run();
}

class DeterministicRunner {
  private readonly engine: BatchEngine;
  private readonly clients: TraderAgent[];
  private readonly quotes: Quote[];
  private readonly actions = new EventQueue<QueuedEvent>();
  private readonly inFlight = new EventQueue<InFlightCommand>();
  private readonly deliveries = new EventQueue<Delivery>();
  private readonly ledger: OrderLedger;
  private readonly latency: LatencyRecorder<string>;
  private readonly pm: PmParticipant | null;
  /** The PM's key in the event queues: the index after the last client. */
  private readonly pmKey: number;
  private readonly pmDelay: NetworkDelay | null;
  /** Per symbol, its best bid and offer as the last batch left it: BBO_RECORD_SLOTS slots in decodeBbo's layout. */
  private readonly bboSlots: Float64Array;
  private readonly timeline: Timeline;
  private readonly eventHash: EventLogHash;
  private readonly cost = new ProcessingCostMeter();
  private readonly checks: CheckResult[] = [];
  private readonly durationNs: number;
  private readonly quantumNs: number;
  private readonly processingNs: number;
  private readonly sampleIntervalNs: number;
  private batch = new Float64Array(BATCH_COMMANDS_INITIAL * COMMAND_SLOTS);
  private batchWords = wordsOf(this.batch);
  private batchArrivals: InFlightCommand[] = [];
  /** Recycled queue entries: every event is popped once and then reused (no allocation per event). */
  private readonly actionPool: QueuedEvent[] = [];
  private readonly inFlightPool: InFlightCommand[] = [];
  private readonly deliveryPool: Delivery[] = [];
  /**
   * The 32-bit words (for the event hash) of each report view the engine returned. The engine hands
   * out the same few views again and again, and asking a view for its buffer and offset cost about
   * 90 ns (a runtime call), once per batch: the views are the keys instead.
   */
  private readonly reportWords = new WeakMap<Float64Array, Uint32Array>();
  private readonly recordAck: (plannedNs: number, sentNs: number, receivedNs: number) => void;
  private readonly recordFill: (plannedNs: number, sentNs: number, receivedNs: number) => void;
  private readonly recordCancel: (plannedNs: number, sentNs: number, receivedNs: number) => void;
  private readonly countSent: (tNs: number) => void;
  private readonly countAck: (tNs: number) => void;
  private readonly countFill: (tNs: number) => void;
  private readonly countCancel: (tNs: number) => void;
  private readonly tracking: boolean;
  private seq = 0;
  private commandsSinceValidate = 0;
  private counts = { commands: 0, reports: 0, orders: 0, cancels: 0 };
  private invariantFailure: string | null = null;
  private capturedEvent: string | null = null;
  private invariantChecks = 0;
  private samples = 0;
  /** The tops of the symbols each batch touched (Engine.executeBatchWithTops). */
  private readonly tops: Float64Array;
  private readonly queuedSeq: Float64Array;
  private readonly queuedTimeNs: Float64Array;
  /** Per participant, the delivery time of its last report (sessions are FIFO). */
  private readonly lastDeliveryNs: Float64Array;

  constructor(
    private readonly scenario: Scenario,
    private readonly options: DeterministicRunOptions,
  ) {
    this.engine = createBatchEngine(options.engine ?? 'native', {
      instruments: scenario.instruments,
      stp: scenario.engine.stp,
      ordersMax: scenario.engine.ordersMax,
      directLevelsMax: scenario.engine.directLevelsMax,
    });
    const streams = new RandomStreams(scenario.seed);
    this.clients = Array.from(
      { length: scenario.clients.count },
      (_, index) => new TraderAgent(index, streams, scenario.clients, scenario.instruments, scenario.latency.oneWayUs),
    );
    this.quotes = scenario.instruments.map((instrument) => {
      const mid = Math.round(instrument.referencePrice / instrument.tickSize);
      return { midTicks: mid, bidTicks: NO_QUOTE, askTicks: NO_QUOTE };
    });
    this.bboSlots = new Float64Array(scenario.instruments.length * BBO_RECORD_SLOTS);
    this.tops = new Float64Array(topsLength(scenario.instruments.length));
    this.pmKey = this.clients.length;
    this.pm = scenario.pm ? new PmParticipant(this.pmKey + 1, scenario.pm, scenario.instruments, streams, (symbol) => decodeBbo(this.bboSlots, symbol * BBO_RECORD_SLOTS)) : null;
    this.pmDelay = scenario.pm ? new NetworkDelay(streams.stream('pm/latency'), scenario.latency.oneWayUs) : null;
    this.latency = new LatencyRecorder<string>({ operations: this.pm ? [...LATENCY_OPERATIONS, ...PM_LATENCY_OPERATIONS] : [...LATENCY_OPERATIONS] });
    this.recordAck = this.latency.recorder('ack');
    this.recordFill = this.latency.recorder('fill');
    this.recordCancel = this.latency.recorder('cancel');
    this.tracking = options.captureEvent !== undefined;
    this.durationNs = scenario.durationMs * NS_PER_MS;
    let ordersExpected = 0;
    for (const client of this.clients) ordersExpected += client.reserveExpectedOrders(this.durationNs);
    this.ledger = new OrderLedger(scenario.instruments.length, ordersExpected * ORDERS_EXPECTED_HEADROOM);
    this.quantumNs = Math.max(1, Math.round(scenario.latency.quantumUs * NS_PER_US));
    this.processingNs = Math.round(scenario.latency.processingUs * NS_PER_US);
    this.sampleIntervalNs = Math.max(this.quantumNs, Math.ceil(this.durationNs / TIMELINE_POINTS_TARGET));
    this.timeline = new Timeline({ intervalNs: Math.max(minIntervalNsFor(this.durationNs * 2), Math.ceil(this.durationNs / TIMELINE_POINTS_TARGET)) });
    this.countSent = this.timeline.counter('sent');
    this.countAck = this.timeline.counter('ack');
    this.countFill = this.timeline.counter('fill');
    this.countCancel = this.timeline.counter('cancel');
    this.eventHash = new EventLogHash({ trace: options.trace ?? false });
    this.queuedSeq = new Float64Array(this.clients.length + 1);
    this.queuedTimeNs = new Float64Array(this.clients.length + 1);
    this.lastDeliveryNs = new Float64Array(this.clients.length + 1);
    for (const client of this.clients) this.schedule(client);
    if (this.pm) this.schedulePm();
  }

  run(): DeterministicRun {
    this.cost.begin();
    let nextSampleNs = 0;
    for (let quantumStart = 0; quantumStart < this.durationNs; quantumStart = this.nextQuantumStart(quantumStart)) {
      const quantumEnd = Math.min(this.durationNs, quantumStart + this.quantumNs);
      this.deliver(quantumStart);
      this.act(quantumEnd);
      this.match(quantumEnd);
      if (quantumStart >= nextSampleNs) {
        this.sample(quantumStart);
        nextSampleNs = quantumStart + this.sampleIntervalNs;
      }
    }
    // Commands still on the wire at the end reach the engine; their reports are delivered.
    this.match(Number.MAX_SAFE_INTEGER);
    this.deliver(Number.MAX_SAFE_INTEGER);
    this.cost.end(this.eventHash.eventCount);
    return this.finish();
  }

  /**
   * The start of the next quantum in which anything happens: quanta with no delivery, no action and
   * no arrival are skipped (the grid stays aligned, so skipping changes no event's quantum).
   */
  private nextQuantumStart(quantumStart: number): number {
    const next = Math.min(
      this.actions.peek()?.timeNs ?? Number.MAX_SAFE_INTEGER,
      this.inFlight.peek()?.timeNs ?? Number.MAX_SAFE_INTEGER,
      this.deliveries.peek()?.timeNs ?? Number.MAX_SAFE_INTEGER,
    );
    const aligned = Math.floor(next / this.quantumNs) * this.quantumNs;
    return Math.max(quantumStart + this.quantumNs, aligned);
  }

  /** Reports whose delivery time has come reach their clients. */
  private deliver(untilNs: number): void {
    for (let next = this.deliveries.peek(); next !== undefined && next.timeNs <= untilNs; next = this.deliveries.peek()) {
      this.deliveries.pop();
      if (next.key === this.pmKey) {
        this.deliverToPm(untilNs, next);
        next.report = null;
        this.deliveryPool.push(next);
        continue;
      }
      const client = this.clients[next.key]!;
      // The client takes note at the quantum boundary (its decision points), not in the past.
      client.onReport(untilNs, next.kind, next.clientOrderId);
      this.deliveryPool.push(next);
      // A report can move the client's next action (a cancel falls due sooner or later).
      if (client.nextEventNs !== this.queuedTimeNs[client.clientIndex]) this.schedule(client);
    }
  }

  private deliverToPm(nowNs: number, delivery: Delivery): void {
    const pm = this.pm!;
    const started = process.hrtime.bigint();
    pm.onReport(nowNs, delivery.report!);
    // Real processing cost of the PM's update (a measurement; it never feeds back into the run).
    this.latency.record('pm_update', 0, 0, Number(process.hrtime.bigint() - started));
    this.flushPm(nowNs);
  }

  /** Puts what the PM sent on the wire and queues its next action. */
  private flushPm(nowNs: number): void {
    const pm = this.pm!;
    for (const command of pm.outbox) {
      this.countSent(nowNs);
      const flight = this.takeInFlight();
      flight.timeNs = nowNs + this.pmDelay!.drawNs();
      flight.key = this.pmKey;
      flight.seq = this.seq++;
      flight.command = command;
      this.inFlight.push(flight);
    }
    pm.outbox.length = 0;
    for (const waited of pm.targetToOrderNs) this.latency.record('pm_target_to_order', 0, 0, waited);
    pm.targetToOrderNs.length = 0;
    if (pm.nextEventNs !== this.queuedTimeNs[this.pmKey]) this.schedulePm();
  }

  private schedulePm(): void {
    const seq = this.seq++;
    const timeNs = this.pm!.nextEventNs;
    this.queuedSeq[this.pmKey] = seq;
    this.queuedTimeNs[this.pmKey] = timeNs;
    this.pushAction(timeNs, this.pmKey, seq);
  }

  /** Records the latency a report to a client closes, if any, at its delivery time `now`. */
  private recordLatency(client: TraderAgent, kind: number, reason: number, coid: number, now: number): void {
    if (kind === ExecKind.ACCEPTED || kind === ExecKind.REJECTED) {
      const planned = client.plannedNs[coid]!;
      this.recordAck(planned, planned, now);
      this.countAck(now);
      this.timeline.recordLatency(now, now - planned);
    } else if (kind === ExecKind.FILLED || kind === ExecKind.PARTIALLY_FILLED) {
      // A session is FIFO, so the first fill routed to the client is the first it receives.
      if ((client.flags[coid]! & OrderFlag.FILL_SEEN) === 0) {
        client.flags[coid] = client.flags[coid]! | OrderFlag.FILL_SEEN;
        const planned = client.plannedNs[coid]!;
        this.recordFill(planned, planned, now);
      }
      this.countFill(now);
    } else if (kind === ExecKind.CANCELLED && reason === Reason.CANCEL_REQUESTED) {
      const planned = client.cancelPlannedNs[coid]!;
      this.recordCancel(planned, planned, now);
      this.countCancel(now);
    }
  }

  /**
   * Queues the client's next action. Each client has one valid entry, the last one queued; older
   * entries stay in the heap and are skipped when they come up (cheaper than removing them).
   */
  private schedule(client: TraderAgent): void {
    const seq = this.seq++;
    this.queuedSeq[client.clientIndex] = seq;
    this.queuedTimeNs[client.clientIndex] = client.nextEventNs;
    this.pushAction(client.nextEventNs, client.clientIndex, seq);
  }

  private pushAction(timeNs: number, key: number, seq: number): void {
    const entry = this.actionPool.pop() ?? { timeNs: TIME_NS_UNSET, key: 0, seq: 0 };
    entry.timeNs = timeNs;
    entry.key = key;
    entry.seq = seq;
    this.actions.push(entry);
  }

  private takeInFlight(): InFlightCommand {
    const entry = this.inFlightPool.pop();
    if (entry !== undefined) return entry;
    const own = copyCommand(BLANK_COMMAND);
    return { timeNs: TIME_NS_UNSET, key: 0, seq: 0, command: own, own };
  }

  /** Every client whose next action is due before `untilNs` acts. */
  private act(untilNs: number): void {
    for (let next = this.actions.peek(); next !== undefined && next.timeNs < untilNs; next = this.actions.peek()) {
      this.actions.pop();
      const timeNs = next.timeNs;
      const key = next.key;
      const seq = next.seq;
      this.actionPool.push(next);
      if (seq !== this.queuedSeq[key]) continue;
      if (key === this.pmKey) {
        this.pm!.act(timeNs);
        this.queuedTimeNs[this.pmKey] = Number.NaN;
        this.flushPm(timeNs);
        continue;
      }
      const client = this.clients[key]!;
      const flight = this.takeInFlight();
      client.act(timeNs, this.quotes, flight.own);
      this.countSent(timeNs);
      flight.timeNs = timeNs + client.drawOneWayNs();
      flight.key = key;
      flight.seq = this.seq++;
      flight.command = flight.own;
      this.inFlight.push(flight);
      this.schedule(client);
    }
  }

  /** The engine runs every command that reached it before `untilNs`, as one batch. */
  private match(untilNs: number): void {
    // Entries past `count` are stale; the array is not truncated (setting an array's length is a
    // runtime call, and this runs once per quantum).
    const arrivals = this.batchArrivals;
    let count = 0;
    for (let next = this.inFlight.peek(); next !== undefined && next.timeNs < untilNs; next = this.inFlight.peek()) {
      this.inFlight.pop();
      if ((count + 1) * COMMAND_SLOTS > this.batch.length) this.growBatch();
      encodeCommand(next.command, this.batch, count);
      if (count < arrivals.length) arrivals[count] = next;
      else arrivals.push(next);
      count++;
    }
    if (count === 0) return;
    const result = this.engine.executeBatchWithTops(this.batch, count, this.tops);
    this.route(arrivals, count, result.records, result.count);
    this.refreshQuotes();
    for (let index = 0; index < count; index++) {
      const arrival = arrivals[index]!;
      arrival.command = arrival.own;
      this.inFlightPool.push(arrival);
    }
    this.counts.commands += count;
    this.counts.reports += result.count;
    this.commandsSinceValidate += count;
    if (this.commandsSinceValidate >= this.scenario.checks.invariantsEveryCommands) this.checkInvariants();
  }

  /**
   * Walks the batch's reports alongside its first `commands` arrivals (a NEW's reports start with ACCEPTED or
   * REJECTED; a CANCEL has exactly one report), hashes the log in order, feeds the ledger and
   * schedules each report's delivery to its owner.
   */
  private route(arrivals: InFlightCommand[], commands: number, records: Float64Array, count: number): void {
    let words = this.reportWords.get(records);
    if (words === undefined) {
      words = new Uint32Array(records.buffer, records.byteOffset, records.length * 2);
      this.reportWords.set(records, words);
    }
    const batchWords = this.batchWords;
    const pmKey = this.pmKey;
    let at = 0;
    for (let index = 0; index < commands; index++) {
      const arrival = arrivals[index]!;
      const first = at;
      at++;
      while (at < count && !startsCommand(records, at)) at++;
      if (first >= count) throw new Error(`command ${index} of the batch produced no report`);
      if (this.tracking) this.capture(records, index, first, at, arrival.timeNs);
      this.eventHash.addRecords(batchWords, index, 1, COMMAND_SLOTS);
      this.eventHash.addRecords(words, first, at - first, REPORT_SLOTS);
      const engineDoneNs = arrival.timeNs + this.processingNs;
      const takerDelay = arrival.key === pmKey ? this.pmDelay!.drawNs() : this.clients[arrival.key]!.drawOneWayNs();
      for (let report = first; report < at; report++) this.onReport(records, report, arrival, engineDoneNs, takerDelay);
      if (arrival.command.action === Action.NEW) this.counts.orders++;
      else this.counts.cancels++;
    }
    if (at !== count) throw new Error(`the batch has ${count - at} reports no command explains`);
  }

  /** Keeps a description of the asked-for event if it is this command or one of its reports. */
  private capture(records: Float64Array, command: number, first: number, end: number, arrivalNs: number): void {
    const wanted = this.options.captureEvent! - this.eventHash.eventCount;
    if (wanted < 0 || wanted > end - first) return;
    const at = `event ${this.options.captureEvent} (virtual time ${arrivalNs} ns)`;
    this.capturedEvent =
      wanted === 0
        ? `${at}: command ${JSON.stringify(decodeCommand(this.batch, command))}`
        : `${at}: report ${JSON.stringify(decodeReport(records, first + wanted - 1))}`;
  }

  private onReport(records: Float64Array, report: number, arrival: InFlightCommand, engineDoneNs: number, takerDelayNs: number): void {
    const base = report * REPORT_SLOTS;
    const kind = records[base + ReportSlot.kind]!;
    const owner = records[base + ReportSlot.owner]!;
    const isTaker = owner === arrival.command.owner && records[base + ReportSlot.clientOrderId] === arrival.command.clientOrderId;
    this.ledger.onReport(records, base, isTaker && (kind === ExecKind.FILLED || kind === ExecKind.PARTIALLY_FILLED));
    const clientIndex = owner - 1;
    const toPm = clientIndex === this.pmKey && this.pm !== null;
    const client = this.clients[clientIndex];
    if (client === undefined && !toPm) return;
    const delay = isTaker ? takerDelayNs : toPm ? this.pmDelay!.drawNs() : client!.drawOneWayNs();
    // Each participant has one session: its reports arrive in the order the engine sent them.
    const timeNs = Math.max(engineDoneNs + delay, this.lastDeliveryNs[clientIndex]!);
    this.lastDeliveryNs[clientIndex] = timeNs;
    const seq = this.seq++;
    const reason = records[base + ReportSlot.reason]!;
    const clientOrderId = records[base + ReportSlot.clientOrderId]!;
    if (!toPm) {
      this.recordLatency(client!, kind, reason, clientOrderId, timeNs);
      // Most reports (partial fills, an IOC's ACCEPTED) change nothing the client knows: only the
      // latency above needed them.
      if (!client!.learnsFrom(kind, clientOrderId)) return;
    }
    const delivery = this.deliveryPool.pop() ?? { timeNs: TIME_NS_UNSET, key: 0, seq: 0, kind: 0, reason: 0, clientOrderId: 0, report: null };
    delivery.timeNs = timeNs;
    delivery.key = clientIndex;
    delivery.seq = seq;
    delivery.kind = kind;
    delivery.reason = reason;
    delivery.clientOrderId = clientOrderId;
    delivery.report = toPm ? decodeReport(records, report) : null;
    this.deliveries.push(delivery);
  }

  /**
   * The engine's tops of the symbols the last batch touched become the quotes clients see. Nothing is
   * allocated: this runs after every batch, and the PM decodes a BBO only when it reads one.
   */
  private refreshQuotes(): void {
    const tops = this.tops;
    const slots = this.bboSlots;
    const count = tops[0]!;
    for (let index = 0; index < count; index++) {
      const at = 1 + index * TOP_SLOTS;
      const symbol = tops[at + TopSlot.symbol]!;
      const base = symbol * BBO_RECORD_SLOTS;
      for (let slot = 0; slot < BBO_RECORD_SLOTS; slot++) slots[base + slot] = tops[at + TopSlot.bidPrice + slot]!;
      const tick = this.scenario.instruments[symbol]!.tickSize;
      const quote = this.quotes[symbol]!;
      const hasBid = tops[at + TopSlot.bidCount]! > 0;
      const hasAsk = tops[at + TopSlot.askCount]! > 0;
      quote.bidTicks = hasBid ? tops[at + TopSlot.bidPrice]! / tick : NO_QUOTE;
      quote.askTicks = hasAsk ? tops[at + TopSlot.askPrice]! / tick : NO_QUOTE;
      // The mid moves with the book; with one side empty it stays where it was.
      if (hasBid && hasAsk) quote.midTicks = (quote.bidTicks + quote.askTicks) / 2;
    }
  }

  private sample(nowNs: number): void {
    this.timeline.sampleQueueDepth(nowNs, this.inFlight.size);
    if (this.samples++ % RSS_SAMPLE_EVERY === 0) this.timeline.sampleRss(nowNs, process.memoryUsage.rss());
    this.pm?.sample(nowNs);
    this.options.onProgress?.(nowNs, this.durationNs);
  }

  private checkInvariants(): void {
    this.commandsSinceValidate = 0;
    this.invariantChecks++;
    if (this.invariantFailure !== null) return;
    try {
      this.engine.validate();
    } catch (error) {
      this.invariantFailure = `after ${this.counts.commands} commands: ${(error as Error).message}`;
    }
  }

  private growBatch(): void {
    const grown = new Float64Array(this.batch.length * 2);
    grown.set(this.batch);
    this.batch = grown;
    this.batchWords = wordsOf(grown);
  }

  private finish(): DeterministicRun {
    this.checkInvariants();
    this.checks.push(
      this.invariantFailure === null
        ? pass('engine-invariants', `validate() passed ${this.invariantChecks} times (every ${this.scenario.checks.invariantsEveryCommands} commands and at the end)`)
        : fail('engine-invariants', this.invariantFailure),
    );
    const books = this.scenario.instruments.map((_, symbol) => this.engine.snapshotRecords(symbol));
    this.checks.push(this.ledger.conservation(books));
    this.checks.push(this.ledger.tradeLedger());
    if (this.pm) this.checks.push(...this.pm.checks(this.durationNs, (symbol) => this.ledger.position(this.pm!.owner, symbol), books));
    // Freed now, not at GC: --check-determinism's second run in this process reuses this book's memory.
    this.engine.close();
    return {
      eventHash: this.eventHash,
      checks: this.checks,
      latency: this.latency,
      timeline: this.timeline,
      cost: this.cost.summary(),
      counts: { ...this.counts, trades: this.ledger.trades, filledQuantity: this.ledger.filledQuantity, restingOrders: restingCount(books) },
      durationNs: this.durationNs,
      capturedEvent: this.capturedEvent,
      pm: this.pm,
      book: books.map((orders, symbol) => bookDepth(this.scenario.instruments[symbol]!.symbol, orders)),
    };
  }
}

/** Whether report `at` opens a command's reports: ACCEPTED/REJECTED (NEW) or a CANCEL's answer. */
function startsCommand(records: Float64Array, at: number): boolean {
  const kind = records[at * REPORT_SLOTS + ReportSlot.kind];
  if (kind === ExecKind.ACCEPTED || kind === ExecKind.REJECTED || kind === ExecKind.CANCEL_REJECTED) return true;
  return kind === ExecKind.CANCELLED && records[at * REPORT_SLOTS + ReportSlot.reason] === Reason.CANCEL_REQUESTED;
}
